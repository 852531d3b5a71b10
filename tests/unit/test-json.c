/* SPDX-License-Identifier: MIT */
/* src/json.c: qemu-img's pretty JSON layout, byte for byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/json.h"
#include "suites.h"

/* Finish j and compare the whole document. */
static void doc_is(struct json *j, const char *want)
{
	char *got = json_finish(j);

	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	free(got);
}

/* The quoted form of one string, as a top-level value. */
static void quoted_is(const char *in, const char *want)
{
	struct json j;

	json_init(&j);
	json_string(&j, NULL, in);
	doc_is(&j, want);
}

START_TEST(test_small_object)
{
	struct json j;

	json_init(&j);
	json_object_begin(&j, NULL);
	json_int(&j, "a", 1);
	json_array_begin(&j, "b");
	json_array_end(&j);
	json_object_end(&j);
	doc_is(&j, "{\n    \"a\": 1,\n    \"b\": [\n    ]\n}");
}
END_TEST

START_TEST(test_mixed_members)
{
	struct json j;

	json_init(&j);
	json_object_begin(&j, NULL);
	json_string(&j, "s", "text");
	json_int(&j, "i", -5);
	json_bool(&j, "t", true);
	json_bool(&j, "f", false);
	json_object_begin(&j, "o");
	json_uint(&j, "u", 7);
	json_object_end(&j);
	json_array_begin(&j, "e");
	json_array_end(&j);
	json_object_end(&j);
	doc_is(&j,
	       "{\n"
	       "    \"s\": \"text\",\n"
	       "    \"i\": -5,\n"
	       "    \"t\": true,\n"
	       "    \"f\": false,\n"
	       "    \"o\": {\n"
	       "        \"u\": 7\n"
	       "    },\n"
	       "    \"e\": [\n"
	       "    ]\n"
	       "}");
}
END_TEST

START_TEST(test_empty_object)
{
	struct json j;

	json_init(&j);
	json_object_begin(&j, NULL);
	json_object_end(&j);
	doc_is(&j, "{\n}");
}
END_TEST

START_TEST(test_nested_empty_array_indent)
{
	struct json j;

	json_init(&j);
	json_object_begin(&j, NULL);
	json_object_begin(&j, "format-specific");
	json_array_begin(&j, "bitmaps");
	json_array_end(&j);
	json_object_end(&j);
	json_object_end(&j);
	doc_is(&j,
	       "{\n"
	       "    \"format-specific\": {\n"
	       "        \"bitmaps\": [\n"
	       "        ]\n"
	       "    }\n"
	       "}");
}
END_TEST

START_TEST(test_top_level_array)
{
	struct json j;

	json_init(&j);
	json_array_begin(&j, NULL);
	json_int(&j, NULL, 1);
	json_string(&j, NULL, "two");
	json_object_begin(&j, NULL);
	json_bool(&j, "three", true);
	json_object_end(&j);
	json_array_end(&j);
	doc_is(&j,
	       "[\n"
	       "    1,\n"
	       "    \"two\",\n"
	       "    {\n"
	       "        \"three\": true\n"
	       "    }\n"
	       "]");
}
END_TEST

START_TEST(test_array_of_objects)
{
	struct json j;

	json_init(&j);
	json_array_begin(&j, NULL);
	for (int i = 0; i < 2; i++) {
		json_object_begin(&j, NULL);
		json_int(&j, "n", i);
		json_object_end(&j);
	}
	json_array_end(&j);
	doc_is(&j,
	       "[\n"
	       "    {\n"
	       "        \"n\": 0\n"
	       "    },\n"
	       "    {\n"
	       "        \"n\": 1\n"
	       "    }\n"
	       "]");
}
END_TEST

START_TEST(test_top_level_scalar)
{
	struct json j;

	json_init(&j);
	json_int(&j, NULL, 42);
	doc_is(&j, "42");
}
END_TEST

START_TEST(test_integer_limits)
{
	struct json j;

	json_init(&j);
	json_array_begin(&j, NULL);
	json_int(&j, NULL, INT64_MIN);
	json_int(&j, NULL, INT64_MAX);
	json_uint(&j, NULL, UINT64_MAX);
	json_array_end(&j);
	doc_is(&j,
	       "[\n"
	       "    -9223372036854775808,\n"
	       "    9223372036854775807,\n"
	       "    18446744073709551615\n"
	       "]");
}
END_TEST

START_TEST(test_escape_quote_backslash)
{
	quoted_is("a\"b\\c", "\"a\\\"b\\\\c\"");
}
END_TEST

START_TEST(test_escape_named_controls)
{
	quoted_is("\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"");
}
END_TEST

START_TEST(test_escape_other_control)
{
	quoted_is("x\x1fy", "\"x\\u001Fy\"");
	quoted_is("\x01", "\"\\u0001\"");
	quoted_is("\x7f", "\"\\u007F\"");
}
END_TEST

START_TEST(test_plain_ascii_verbatim)
{
	/* '/' and other printables are not escaped by qemu. */
	quoted_is("dir/file name-1.qcow2", "\"dir/file name-1.qcow2\"");
}
END_TEST

START_TEST(test_escape_latin1)
{
	quoted_is("caf\xc3\xa9", "\"caf\\u00E9\"");
}
END_TEST

START_TEST(test_escape_bmp)
{
	/* U+20AC EURO SIGN, three bytes. */
	quoted_is("\xe2\x82\xac", "\"\\u20AC\"");
}
END_TEST

START_TEST(test_escape_surrogate_pair)
{
	/* U+1F600, four bytes: a UTF-16 surrogate pair. */
	quoted_is("\xf0\x9f\x98\x80", "\"\\uD83D\\uDE00\"");
	/* U+10FFFD, near the top of the code space. */
	quoted_is("\xf4\x8f\xbf\xbd", "\"\\uDBFF\\uDFFD\"");
}
END_TEST

START_TEST(test_invalid_byte_replaced)
{
	quoted_is("a\xff" "b", "\"a\\uFFFDb\"");
	quoted_is("\x80", "\"\\uFFFD\"");
}
END_TEST

START_TEST(test_truncated_sequence_at_end)
{
	/* A lead byte at the very end must not read past the NUL. */
	quoted_is("x\xc3", "\"x\\uFFFD\"");
}
END_TEST

START_TEST(test_encoded_surrogate_invalid)
{
	/* CESU-style encoded surrogates are not UTF-8. */
	struct json j;
	char *got;

	json_init(&j);
	json_string(&j, NULL, "\xed\xa0\x80");
	got = json_finish(&j);
	ck_assert_ptr_nonnull(got);
	ck_assert_ptr_null(strstr(got, "\\uD800"));
	ck_assert_contains(got, "\\uFFFD");
	free(got);
}
END_TEST

/*
 * qemu's quoted_str() decodes with mod_utf8_codepoint(): an invalid
 * sequence is consumed whole and becomes one U+FFFD, noncharacters are
 * invalid, and C0 80 is U+0000.  qemu-img prints file names this way, so
 * we must too.  Expected texts are those of qemu's own test,
 * tests/unit/check-qjson.c utf8_string().
 */
START_TEST(test_qemu_overlong_is_one_replacement)
{
	quoted_is("\xc0\xaf", "\"\\uFFFD\"");
}
END_TEST

START_TEST(test_qemu_truncated_sequence_is_one_replacement)
{
	/* E2 82 is a valid start of a 3-byte sequence cut short by '('. */
	quoted_is("\xe2\x82(", "\"\\uFFFD(\"");
}
END_TEST

START_TEST(test_qemu_noncharacter_replaced)
{
	/* U+FFFE is a noncharacter: qemu prints U+FFFD. */
	quoted_is("\xef\xbf\xbe", "\"\\uFFFD\"");
}
END_TEST

START_TEST(test_qemu_five_byte_sequence_is_one_replacement)
{
	/* U+200000 in the old 5-byte form: one sequence, one U+FFFD. */
	quoted_is("\xf8\x88\x80\x80\x80", "\"\\uFFFD\"");
}
END_TEST

START_TEST(test_qemu_modified_utf8_nul)
{
	/* qemu decodes modified UTF-8: C0 80 is U+0000. */
	quoted_is("a\xc0\x80" "b", "\"a\\u0000b\"");
}
END_TEST

START_TEST(test_key_escaped)
{
	struct json j;

	json_init(&j);
	json_object_begin(&j, NULL);
	json_int(&j, "k\"", 1);
	json_object_end(&j);
	doc_is(&j, "{\n    \"k\\\"\": 1\n}");
}
END_TEST

START_TEST(test_unbalanced_is_null)
{
	struct json j;

	json_init(&j);
	json_object_begin(&j, NULL);
	ck_assert_ptr_null(json_finish(&j));

	json_init(&j);
	json_object_end(&j);
	ck_assert_ptr_null(json_finish(&j));
}
END_TEST

START_TEST(test_empty_document_is_null)
{
	struct json j;

	json_init(&j);
	ck_assert_ptr_null(json_finish(&j));
}
END_TEST

START_TEST(test_depth_limit)
{
	struct json j;
	char *doc;
	int i;

	/* JSON_MAX_DEPTH - 1 levels fit... */
	json_init(&j);
	for (i = 0; i < JSON_MAX_DEPTH - 1; i++)
		json_array_begin(&j, NULL);
	for (i = 0; i < JSON_MAX_DEPTH - 1; i++)
		json_array_end(&j);
	doc = json_finish(&j);
	ck_assert_ptr_nonnull(doc);
	free(doc);

	/* ...one more is refused rather than overflowing first[]. */
	json_init(&j);
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_begin(&j, NULL);
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_end(&j);
	ck_assert_ptr_null(json_finish(&j));
}
END_TEST

START_TEST(test_large_document_grows)
{
	struct json j;
	char *doc;
	char key[16];

	json_init(&j);
	json_object_begin(&j, NULL);
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		json_int(&j, key, i);
	}
	json_object_end(&j);
	doc = json_finish(&j);
	ck_assert_ptr_nonnull(doc);
	ck_assert_contains(doc, "    \"k999\": 999\n}");
	ck_assert_int_eq(strncmp(doc, "{\n    \"k0\": 0,\n", 15), 0);
	free(doc);
}
END_TEST

START_TEST(test_free_unfinished)
{
	struct json j;

	json_init(&j);
	json_object_begin(&j, NULL);
	json_string(&j, "x", "y");
	json_free(&j);
	ck_assert_ptr_null(j.buf);
	json_free(&j);
}
END_TEST

Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *l = tcase_create("layout");
	TCase *e = tcase_create("escape");
	TCase *q = tcase_create("qemu-compat");
	TCase *m = tcase_create("misuse");

	tcase_add_test(l, test_small_object);
	tcase_add_test(l, test_mixed_members);
	tcase_add_test(l, test_empty_object);
	tcase_add_test(l, test_nested_empty_array_indent);
	tcase_add_test(l, test_top_level_array);
	tcase_add_test(l, test_array_of_objects);
	tcase_add_test(l, test_top_level_scalar);
	tcase_add_test(l, test_integer_limits);
	tcase_add_test(l, test_key_escaped);
	tcase_add_test(l, test_large_document_grows);
	suite_add_tcase(s, l);

	tcase_add_test(e, test_escape_quote_backslash);
	tcase_add_test(e, test_escape_named_controls);
	tcase_add_test(e, test_escape_other_control);
	tcase_add_test(e, test_plain_ascii_verbatim);
	tcase_add_test(e, test_escape_latin1);
	tcase_add_test(e, test_escape_bmp);
	tcase_add_test(e, test_escape_surrogate_pair);
	tcase_add_test(e, test_invalid_byte_replaced);
	tcase_add_test(e, test_truncated_sequence_at_end);
	tcase_add_test(e, test_encoded_surrogate_invalid);
	suite_add_tcase(s, e);

	tcase_add_test(q, test_qemu_overlong_is_one_replacement);
	tcase_add_test(q, test_qemu_truncated_sequence_is_one_replacement);
	tcase_add_test(q, test_qemu_noncharacter_replaced);
	tcase_add_test(q, test_qemu_five_byte_sequence_is_one_replacement);
	tcase_add_test(q, test_qemu_modified_utf8_nul);
	suite_add_tcase(s, q);

	tcase_add_test(m, test_unbalanced_is_null);
	tcase_add_test(m, test_empty_document_is_null);
	tcase_add_test(m, test_depth_limit);
	tcase_add_test(m, test_free_unfinished);
	suite_add_tcase(s, m);
	return s;
}
