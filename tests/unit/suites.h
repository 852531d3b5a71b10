/* SPDX-License-Identifier: MIT */
/*
 * The Check suites of the unit-test binary, one per module, and the
 * assertion every error-path test uses.
 */
#ifndef IMGTOOL_UNIT_SUITES_H
#define IMGTOOL_UNIT_SUITES_H

#include <check.h>
#include <string.h>

Suite *endian_suite(void);
Suite *err_suite(void);
Suite *img_suite(void);
Suite *infotree_suite(void);
Suite *io_suite(void);
Suite *json_suite(void);
Suite *luks_suite(void);
Suite *opts_suite(void);
Suite *qcow2_header_suite(void);
Suite *qcow2_refcount_suite(void);
Suite *qcow2_tables_suite(void);
Suite *qed_suite(void);
Suite *read_suite(void);
Suite *size_suite(void);
Suite *tables_suite(void);

/*
 * A call failed the way we expect: it returned -ecode, recorded ecode and
 * a message containing sub.  Checking the text, not only the code, is what
 * shows that the right rule fired and that the message names the field.
 */
#define ck_assert_fails(expr, e, ecode, sub)				\
	do {								\
		int ret_ = (expr);					\
		ck_assert_int_eq(ret_, -(ecode));			\
		ck_assert_int_eq((e)->code, (ecode));			\
		ck_assert_msg(strstr((e)->msg, (sub)) != NULL,		\
			      "error message \"%s\" lacks \"%s\"",	\
			      (e)->msg, (sub));				\
	} while (0)

/* A message contains a substring (for messages built by hand). */
#define ck_assert_contains(str, sub)					\
	ck_assert_msg(strstr((str), (sub)) != NULL,			\
		      "\"%s\" lacks \"%s\"", (str), (sub))

#endif
