/* SPDX-License-Identifier: MIT */
/*
 * The lookup tables: drivers (src/driver.c) and commands (cmd/imgtool.c)
 * are sorted, unique and found by exact name only; every driver's create
 * options are unique and NULL-terminated.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../cmd/cmd.h"
#include "../../src/driver.h"
#include "suites.h"

START_TEST(test_driver_table_sorted_unique)
{
	size_t n = img_driver_count();

	ck_assert_uint_ge(n, 3);
	for (size_t i = 0; i < n; i++) {
		const struct driver *d = img_driver_at(i);

		ck_assert_ptr_nonnull(d);
		ck_assert_ptr_nonnull(d->name);
		ck_assert_str_eq(img_driver_name(d), d->name);
		ck_assert_ptr_nonnull(d->open);
		if (i > 0)
			ck_assert_msg(strcmp(img_driver_at(i - 1)->name,
					     d->name) < 0,
				      "driver '%s' is not after '%s'", d->name,
				      img_driver_at(i - 1)->name);
	}
	ck_assert_ptr_null(img_driver_at(n));
	ck_assert_ptr_null(img_driver_at(SIZE_MAX));
}
END_TEST

START_TEST(test_driver_find_exact)
{
	ck_assert_ptr_eq(img_driver_find("qcow2"), &qcow2_driver);
	ck_assert_ptr_eq(img_driver_find("qed"), &qed_driver);
	ck_assert_ptr_eq(img_driver_find("raw"), &raw_driver);
	for (size_t i = 0; i < img_driver_count(); i++)
		ck_assert_ptr_eq(img_driver_find(img_driver_at(i)->name),
				 img_driver_at(i));
}
END_TEST

START_TEST(test_driver_find_no_prefix_or_case)
{
	static const char *const bad[] = {
		"", "q", "qcow", "qcow2 ", "QCOW2", "Raw", "rawx", "qe",
		"qcow3", "vmdk",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(img_driver_find(bad[i]) == NULL,
			      "'%s' matched a driver", bad[i]);
}
END_TEST

START_TEST(test_driver_create_opts)
{
	for (size_t i = 0; i < img_driver_count(); i++) {
		const struct driver *d = img_driver_at(i);
		const struct opt_desc *o = d->create_opts;
		size_t n;
		bool has_size = false;

		if (!d->create)
			continue;
		ck_assert_msg(o != NULL, "%s: no create_opts", d->name);
		n = opts_count(o);
		ck_assert_msg(n > 0 && n < 64, "%s: %zu options", d->name, n);
		ck_assert_ptr_null(o[n].name);
		for (size_t a = 0; a < n; a++) {
			ck_assert_ptr_nonnull(o[a].help);
			ck_assert_msg(o[a].name[0], "%s: empty option name",
				      d->name);
			if (!strcmp(o[a].name, "size")) {
				has_size = true;
				ck_assert_int_eq(o[a].type, OPT_SIZE);
			}
			for (size_t b = a + 1; b < n; b++)
				ck_assert_msg(strcmp(o[a].name, o[b].name),
					      "%s: option '%s' twice", d->name,
					      o[a].name);
		}
		ck_assert_msg(has_size, "%s: no size option", d->name);
	}
}
END_TEST

START_TEST(test_img_create_opts)
{
	const struct opt_desc *desc = NULL;
	struct img_err err = { 0 };
	size_t count = 0;

	ck_assert_int_eq(img_create_opts("qcow2", &desc, &count, &err), 0);
	ck_assert_ptr_eq(desc, qcow2_driver.create_opts);
	ck_assert_uint_eq(count, opts_count(qcow2_driver.create_opts));
	/* qemu-img's "Formatting" order starts with cluster_size. */
	ck_assert_str_eq(desc[0].name, "cluster_size");
	ck_assert_fails(img_create_opts("qcow", &desc, &count, &err), &err,
			EINVAL, "unknown format 'qcow'");
}
END_TEST

/* Every subcommand has its man page (the tests run from the top folder). */
START_TEST(test_cmd_has_man_page)
{
	for (size_t i = 0; i < cmd_count; i++) {
		char path[128];

		snprintf(path, sizeof(path), "man/imgtool-%s.1",
			 cmd_table[i].name);
		ck_assert_msg(access(path, R_OK) == 0, "no man page %s", path);
	}
}
END_TEST

/* main's dispatch: exact names only, usage errors exit 1. */
START_TEST(test_dispatch)
{
	char prog[] = "imgtool", version[] = "--version", bogus[] = "--bogus";
	char inf[] = "inf", none[] = "frobnicate";
	char *a1[] = { prog, NULL };
	char *a2[] = { prog, version, NULL };
	char *a3[] = { prog, bogus, NULL };
	char *a4[] = { prog, inf, NULL };
	char *a5[] = { prog, none, NULL };

	ck_assert_int_eq(imgtool_main(1, a1), 1);
	ck_assert_int_eq(imgtool_main(2, a2), 0);
	ck_assert_int_eq(imgtool_main(2, a3), 1);
	ck_assert_int_eq(imgtool_main(2, a4), 1);
	ck_assert_int_eq(imgtool_main(2, a5), 1);
}
END_TEST

START_TEST(test_cmd_table_sorted_unique)
{
	ck_assert_uint_ge(cmd_count, 2);
	for (size_t i = 0; i < cmd_count; i++) {
		ck_assert_ptr_nonnull(cmd_table[i].name);
		ck_assert_ptr_nonnull(cmd_table[i].run);
		ck_assert_ptr_nonnull(cmd_table[i].summary);
		ck_assert_msg(cmd_table[i].name[0] &&
			      cmd_table[i].name[0] != '-',
			      "bad command name '%s'", cmd_table[i].name);
		if (i > 0)
			ck_assert_msg(strcmp(cmd_table[i - 1].name,
					     cmd_table[i].name) < 0,
				      "command '%s' is not after '%s'",
				      cmd_table[i].name,
				      cmd_table[i - 1].name);
	}
}
END_TEST

START_TEST(test_cmd_find_exact)
{
	const struct cmd *c;

	for (size_t i = 0; i < cmd_count; i++)
		ck_assert_ptr_eq(cmd_find(cmd_table[i].name), &cmd_table[i]);
	c = cmd_find("info");
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_eq(c->run, cmd_info);
	ck_assert_uint_eq(c->flags & CMD_JSON, CMD_JSON);
	ck_assert_uint_eq(c->flags & CMD_WRITES, 0);
	c = cmd_find("create");
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_eq(c->run, cmd_create);
	ck_assert_uint_eq(c->flags & CMD_WRITES, CMD_WRITES);
}
END_TEST

START_TEST(test_cmd_find_no_prefix_or_case)
{
	static const char *const bad[] = {
		"inf", "INFO", "Info", "info ", "infox", "i", "", "cre",
		"create2", "--info",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(cmd_find(bad[i]) == NULL,
			      "'%s' matched a command", bad[i]);
}
END_TEST

Suite *tables_suite(void)
{
	Suite *s = suite_create("tables");
	TCase *d = tcase_create("drivers");
	TCase *c = tcase_create("commands");

	tcase_add_test(d, test_driver_table_sorted_unique);
	tcase_add_test(d, test_driver_find_exact);
	tcase_add_test(d, test_driver_find_no_prefix_or_case);
	tcase_add_test(d, test_driver_create_opts);
	tcase_add_test(d, test_img_create_opts);
	suite_add_tcase(s, d);

	tcase_add_test(c, test_cmd_table_sorted_unique);
	tcase_add_test(c, test_cmd_find_exact);
	tcase_add_test(c, test_cmd_find_no_prefix_or_case);
	tcase_add_test(c, test_cmd_has_man_page);
	tcase_add_test(c, test_dispatch);
	suite_add_tcase(s, c);
	return s;
}
