/* SPDX-License-Identifier: MIT */
/* src/err.c: the error object every core function fills on failure. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../src/err.h"
#include "suites.h"

START_TEST(test_set_returns_negative_code_and_formats)
{
	struct img_err err = { 0 };
	int ret;

	ret = img_err_set(&err, EINVAL, "bad '%s' at %d", "field", 42);
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_int_eq(err.code, EINVAL);
	ck_assert_str_eq(err.msg, "bad 'field' at 42");
}
END_TEST

START_TEST(test_set_nonpositive_code_becomes_eio)
{
	struct img_err err = { 0 };

	/* A caller passing a negated errno by mistake must still fail. */
	ck_assert_int_eq(img_err_set(&err, 0, "zero"), -EIO);
	ck_assert_int_eq(err.code, EIO);
	ck_assert_int_eq(img_err_set(&err, -ENOENT, "negative"), -EIO);
	ck_assert_int_eq(err.code, EIO);
	ck_assert_str_eq(err.msg, "negative");
}
END_TEST

START_TEST(test_set_null_err_allowed)
{
	ck_assert_int_eq(img_err_set(NULL, ENOSPC, "nobody listens"), -ENOSPC);
	ck_assert_int_eq(img_err_errno(NULL, ENOENT, "x"), -ENOENT);
	img_err_prefix(NULL, "prefix");
	img_err_clear(NULL);
}
END_TEST

START_TEST(test_errno_appends_strerror)
{
	struct img_err err = { 0 };
	char want[IMG_ERR_MSG_MAX];
	int ret;

	ret = img_err_errno(&err, ENOENT, "could not open '%s'", "a.img");
	ck_assert_int_eq(ret, -ENOENT);
	ck_assert_int_eq(err.code, ENOENT);
	snprintf(want, sizeof(want), "could not open 'a.img': %s",
		 strerror(ENOENT));
	ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(test_prefix_prepends)
{
	struct img_err err = { 0 };

	img_err_set(&err, EINVAL, "boom");
	img_err_prefix(&err, "x");
	ck_assert_str_eq(err.msg, "x: boom");
	img_err_prefix(&err, "'%s'", "f.qcow2");
	ck_assert_str_eq(err.msg, "'f.qcow2': x: boom");
	/* The code is not the prefix's business. */
	ck_assert_int_eq(err.code, EINVAL);
}
END_TEST

START_TEST(test_long_message_truncated_terminated)
{
	struct img_err err = { 0 };
	char big[2 * IMG_ERR_MSG_MAX];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	img_err_set(&err, EIO, "%s", big);
	ck_assert_uint_eq(strlen(err.msg), IMG_ERR_MSG_MAX - 1);
	img_err_prefix(&err, "%s", big);
	ck_assert_uint_eq(strlen(err.msg), IMG_ERR_MSG_MAX - 1);
	img_err_errno(&err, ENOENT, "%s", big);
	ck_assert_uint_eq(strlen(err.msg), IMG_ERR_MSG_MAX - 1);
}
END_TEST

START_TEST(test_prefix_of_long_message_keeps_prefix)
{
	struct img_err err = { 0 };
	char big[IMG_ERR_MSG_MAX];

	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	img_err_set(&err, EIO, "%s", big);
	img_err_prefix(&err, "pre");
	ck_assert_int_eq(strncmp(err.msg, "pre: bbb", 8), 0);
	ck_assert_uint_eq(strlen(err.msg), IMG_ERR_MSG_MAX - 1);
}
END_TEST

START_TEST(test_clear)
{
	struct img_err err = { 0 };

	img_err_set(&err, EINVAL, "something");
	img_err_clear(&err);
	ck_assert_int_eq(err.code, 0);
	ck_assert_str_eq(err.msg, "");
}
END_TEST

Suite *err_suite(void)
{
	Suite *s = suite_create("err");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_set_returns_negative_code_and_formats);
	tcase_add_test(tc, test_set_nonpositive_code_becomes_eio);
	tcase_add_test(tc, test_set_null_err_allowed);
	tcase_add_test(tc, test_errno_appends_strerror);
	tcase_add_test(tc, test_prefix_prepends);
	tcase_add_test(tc, test_long_message_truncated_terminated);
	tcase_add_test(tc, test_prefix_of_long_message_keeps_prefix);
	tcase_add_test(tc, test_clear);
	suite_add_tcase(s, tc);
	return s;
}
