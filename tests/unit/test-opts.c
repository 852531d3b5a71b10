/* SPDX-License-Identifier: MIT */
/* src/opts.c: "-o key=value,..." lists typed by a descriptor table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/opts.h"
#include "suites.h"

static const struct opt_desc test_opts[] = {
	{ "name", OPT_STRING, "a string", NULL },
	{ "flag", OPT_BOOL, "a boolean", "off" },
	{ "count", OPT_NUMBER, "a number", NULL },
	{ "size", OPT_SIZE, "a size", NULL },
	{ NULL, OPT_STRING, NULL, NULL },
};

static struct opt_set set;
static struct img_err err;

static void setup(void)
{
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(opts_init(&set, test_opts, opts_count(test_opts)), 0);
}

static void teardown(void)
{
	opts_free(&set);
}

static void parse_ok(const char *text)
{
	int ret = opts_parse(&set, text, &err);

	ck_assert_msg(ret == 0, "opts_parse(\"%s\") = %d: %s", text, ret,
		      err.msg);
}

START_TEST(test_count)
{
	ck_assert_uint_eq(opts_count(test_opts), 4);
	ck_assert_uint_eq(opts_count(NULL), 0);
	ck_assert_uint_eq(opts_count(&test_opts[4]), 0);
}
END_TEST

START_TEST(test_nothing_set_initially)
{
	ck_assert(!opts_is_set(&set, "name"));
	ck_assert_ptr_null(opts_str(&set, "name"));
	ck_assert(opts_bool(&set, "flag", true));
	ck_assert(!opts_bool(&set, "flag", false));
	ck_assert_uint_eq(opts_num(&set, "count", 77), 77);
	ck_assert_ptr_null(opts_get(&set, "nope"));
	ck_assert(!opts_is_set(&set, "nope"));
}
END_TEST

START_TEST(test_parse_string)
{
	parse_ok("name=hello world");
	ck_assert(opts_is_set(&set, "name"));
	ck_assert_str_eq(opts_str(&set, "name"), "hello world");
	ck_assert(!opts_is_set(&set, "flag"));
}
END_TEST

START_TEST(test_parse_empty_string_value)
{
	parse_ok("name=");
	ck_assert(opts_is_set(&set, "name"));
	ck_assert_str_eq(opts_str(&set, "name"), "");
}
END_TEST

START_TEST(test_parse_bool_words)
{
	static const char *const on[] = { "on", "yes", "true", "y" };
	static const char *const off[] = { "off", "no", "false", "n" };
	char text[32];

	for (size_t i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "flag=%s", on[i]);
		parse_ok(text);
		ck_assert_msg(opts_bool(&set, "flag", false), "%s", text);
		ck_assert_str_eq(opts_str(&set, "flag"), "on");
		snprintf(text, sizeof(text), "flag=%s", off[i]);
		parse_ok(text);
		ck_assert_msg(!opts_bool(&set, "flag", true), "%s", text);
		ck_assert_str_eq(opts_str(&set, "flag"), "off");
	}
}
END_TEST

START_TEST(test_parse_bool_helper)
{
	bool b = false;

	ck_assert_int_eq(opts_parse_bool("true", &b), 0);
	ck_assert(b);
	ck_assert_int_eq(opts_parse_bool("no", &b), 0);
	ck_assert(!b);
	b = true;
	ck_assert_int_eq(opts_parse_bool("ON", &b), -EINVAL);
	ck_assert_int_eq(opts_parse_bool("", &b), -EINVAL);
	ck_assert_int_eq(opts_parse_bool("1", &b), -EINVAL);
	ck_assert(b);
}
END_TEST

START_TEST(test_parse_bare_bool_is_on)
{
	parse_ok("flag");
	ck_assert(opts_is_set(&set, "flag"));
	ck_assert(opts_bool(&set, "flag", false));
	ck_assert_str_eq(opts_str(&set, "flag"), "on");
}
END_TEST

START_TEST(test_parse_bare_non_bool_needs_value)
{
	ck_assert_fails(opts_parse(&set, "name", &err), &err, EINVAL,
			"parameter 'name' needs a value");
}
END_TEST

START_TEST(test_parse_number)
{
	parse_ok("count=42");
	ck_assert_uint_eq(opts_num(&set, "count", 0), 42);
	ck_assert_str_eq(opts_str(&set, "count"), "42");
	parse_ok("count=18446744073709551615");
	ck_assert_uint_eq(opts_num(&set, "count", 0), UINT64_MAX);
}
END_TEST

START_TEST(test_parse_size_normalised)
{
	parse_ok("size=1k");
	ck_assert_uint_eq(opts_num(&set, "size", 0), 1024);
	ck_assert_str_eq(opts_str(&set, "size"), "1024");
	parse_ok("size=1.5G");
	ck_assert_uint_eq(opts_num(&set, "size", 0), UINT64_C(1610612736));
	ck_assert_str_eq(opts_str(&set, "size"), "1610612736");
	parse_ok("size=512");
	ck_assert_str_eq(opts_str(&set, "size"), "512");
}
END_TEST

START_TEST(test_parse_several)
{
	parse_ok("name=x,flag=off,count=7,size=2M");
	ck_assert_str_eq(opts_str(&set, "name"), "x");
	ck_assert(!opts_bool(&set, "flag", true));
	ck_assert_uint_eq(opts_num(&set, "count", 0), 7);
	ck_assert_uint_eq(opts_num(&set, "size", 0), UINT64_C(2) << 20);
}
END_TEST

START_TEST(test_parse_comma_escape)
{
	parse_ok("name=a,,b,,,,c,flag");
	ck_assert_str_eq(opts_str(&set, "name"), "a,b,,c");
	ck_assert(opts_bool(&set, "flag", false));
}
END_TEST

START_TEST(test_parse_escape_at_end)
{
	parse_ok("name=trailing,,");
	ck_assert_str_eq(opts_str(&set, "name"), "trailing,");
}
END_TEST

START_TEST(test_parse_equals_in_value)
{
	parse_ok("name=a=b");
	ck_assert_str_eq(opts_str(&set, "name"), "a=b");
}
END_TEST

START_TEST(test_parse_empty_items_skipped)
{
	parse_ok("");
	parse_ok(",name=x,");
	ck_assert_str_eq(opts_str(&set, "name"), "x");
}
END_TEST

START_TEST(test_parse_repeated_last_wins)
{
	parse_ok("name=first,count=1,name=second,count=2");
	ck_assert_str_eq(opts_str(&set, "name"), "second");
	ck_assert_uint_eq(opts_num(&set, "count", 0), 2);
	parse_ok("flag=on,flag=off");
	ck_assert(!opts_bool(&set, "flag", true));
}
END_TEST

START_TEST(test_parse_unknown_key)
{
	ck_assert_fails(opts_parse(&set, "name=x,foo=1", &err), &err, EINVAL,
			"invalid parameter 'foo'");
}
END_TEST

START_TEST(test_parse_unknown_bare_key)
{
	ck_assert_fails(opts_parse(&set, "foo", &err), &err, EINVAL,
			"invalid parameter 'foo'");
}
END_TEST

START_TEST(test_parse_key_is_case_sensitive)
{
	ck_assert_fails(opts_parse(&set, "NAME=x", &err), &err, EINVAL,
			"invalid parameter 'NAME'");
}
END_TEST

START_TEST(test_parse_bad_bool)
{
	ck_assert_fails(opts_parse(&set, "flag=maybe", &err), &err, EINVAL,
			"parameter 'flag' expects 'on' or 'off'");
	ck_assert(!opts_is_set(&set, "flag"));
}
END_TEST

START_TEST(test_parse_bad_number)
{
	ck_assert_fails(opts_parse(&set, "count=12x", &err), &err, EINVAL,
			"parameter 'count' expects a number");
	ck_assert_fails(opts_parse(&set, "count=-1", &err), &err, EINVAL,
			"parameter 'count' expects a number");
	ck_assert_fails(opts_parse(&set, "count=", &err), &err, EINVAL,
			"parameter 'count' expects a number");
	ck_assert(!opts_is_set(&set, "count"));
}
END_TEST

START_TEST(test_parse_number_overflow)
{
	ck_assert_fails(opts_parse(&set, "count=18446744073709551616", &err),
			&err, EINVAL, "parameter 'count' expects a number");
}
END_TEST

START_TEST(test_parse_bad_size)
{
	ck_assert_fails(opts_parse(&set, "size=1Q", &err), &err, EINVAL,
			"parameter 'size' expects a size");
	ck_assert_fails(opts_parse(&set, "size=8E", &err), &err, EINVAL,
			"parameter 'size' expects a size");
	ck_assert_fails(opts_parse(&set, "size=", &err), &err, EINVAL,
			"parameter 'size' expects a size");
	ck_assert(!opts_is_set(&set, "size"));
}
END_TEST

START_TEST(test_parse_encrypt_refused)
{
	ck_assert_fails(opts_parse(&set, "encrypt.format=luks", &err), &err,
			ENOTSUP, "encryption is not supported");
	ck_assert_contains(err.msg, "'encrypt.format'");
	ck_assert_fails(opts_parse(&set, "encryption=on", &err), &err,
			ENOTSUP, "encryption is not supported");
}
END_TEST

START_TEST(test_parse_too_long)
{
	size_t n = 5000;
	char *text = malloc(n + 6);

	ck_assert_ptr_nonnull(text);
	memcpy(text, "name=", 5);
	memset(text + 5, 'x', n);
	text[n + 5] = '\0';
	ck_assert_fails(opts_parse(&set, text, &err), &err, EINVAL,
			"option value too long");
	free(text);
}
END_TEST

START_TEST(test_parse_error_keeps_earlier_values)
{
	/* Values before the bad item stay; the caller gives up anyway. */
	ck_assert_fails(opts_parse(&set, "name=kept,foo", &err), &err, EINVAL,
			"invalid parameter 'foo'");
	ck_assert_str_eq(opts_str(&set, "name"), "kept");
}
END_TEST

START_TEST(test_is_help)
{
	ck_assert(opts_is_help("help"));
	ck_assert(opts_is_help("?"));
	ck_assert(!opts_is_help("HELP"));
	ck_assert(!opts_is_help("help,size=1"));
	ck_assert(!opts_is_help(""));
	ck_assert(!opts_is_help(NULL));
}
END_TEST

START_TEST(test_set_str)
{
	ck_assert_int_eq(opts_set_str(&set, "size", "2G", &err), 0);
	ck_assert_uint_eq(opts_num(&set, "size", 0), UINT64_C(2) << 30);
	ck_assert_str_eq(opts_str(&set, "size"), "2147483648");
	ck_assert_int_eq(opts_set_str(&set, "name", "base,with,commas", &err),
			 0);
	ck_assert_str_eq(opts_str(&set, "name"), "base,with,commas");
	ck_assert_int_eq(opts_set_str(&set, "flag", "yes", &err), 0);
	ck_assert_str_eq(opts_str(&set, "flag"), "on");
}
END_TEST

START_TEST(test_set_str_errors)
{
	ck_assert_fails(opts_set_str(&set, "nope", "1", &err), &err, EINVAL,
			"invalid parameter 'nope'");
	ck_assert_fails(opts_set_str(&set, "size", "big", &err), &err, EINVAL,
			"parameter 'size' expects a size");
}
END_TEST

START_TEST(test_get_returns_table_slot)
{
	const struct opt_value *v;

	parse_ok("count=9");
	v = opts_get(&set, "count");
	ck_assert_ptr_eq(v, &set.val[2]);
	ck_assert(v->set);
	ck_assert_uint_eq(v->n, 9);
}
END_TEST

START_TEST(test_init_empty_table)
{
	static const struct opt_desc none[] = {
		{ NULL, OPT_STRING, NULL, NULL },
	};
	struct opt_set s2;

	ck_assert_int_eq(opts_init(&s2, none, opts_count(none)), 0);
	ck_assert_fails(opts_parse(&s2, "size=1", &err), &err, EINVAL,
			"invalid parameter 'size'");
	ck_assert_int_eq(opts_parse(&s2, "", &err), 0);
	opts_free(&s2);
	opts_free(&s2);		/* a second free is harmless */
}
END_TEST

Suite *opts_suite(void)
{
	Suite *s = suite_create("opts");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_count);
	tcase_add_test(tc, test_nothing_set_initially);
	tcase_add_test(tc, test_parse_string);
	tcase_add_test(tc, test_parse_empty_string_value);
	tcase_add_test(tc, test_parse_bool_words);
	tcase_add_test(tc, test_parse_bool_helper);
	tcase_add_test(tc, test_parse_bare_bool_is_on);
	tcase_add_test(tc, test_parse_bare_non_bool_needs_value);
	tcase_add_test(tc, test_parse_number);
	tcase_add_test(tc, test_parse_size_normalised);
	tcase_add_test(tc, test_parse_several);
	tcase_add_test(tc, test_parse_comma_escape);
	tcase_add_test(tc, test_parse_escape_at_end);
	tcase_add_test(tc, test_parse_equals_in_value);
	tcase_add_test(tc, test_parse_empty_items_skipped);
	tcase_add_test(tc, test_parse_repeated_last_wins);
	tcase_add_test(tc, test_parse_unknown_key);
	tcase_add_test(tc, test_parse_unknown_bare_key);
	tcase_add_test(tc, test_parse_key_is_case_sensitive);
	tcase_add_test(tc, test_parse_bad_bool);
	tcase_add_test(tc, test_parse_bad_number);
	tcase_add_test(tc, test_parse_number_overflow);
	tcase_add_test(tc, test_parse_bad_size);
	tcase_add_test(tc, test_parse_encrypt_refused);
	tcase_add_test(tc, test_parse_too_long);
	tcase_add_test(tc, test_parse_error_keeps_earlier_values);
	tcase_add_test(tc, test_is_help);
	tcase_add_test(tc, test_set_str);
	tcase_add_test(tc, test_set_str_errors);
	tcase_add_test(tc, test_get_returns_table_slot);
	tcase_add_test(tc, test_init_empty_table);
	suite_add_tcase(s, tc);
	return s;
}
