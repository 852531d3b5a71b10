/* SPDX-License-Identifier: MIT */
/* src/infotree.c: the named-value tree drivers fill for "info". */
#include <stdint.h>

#include "../../src/infotree.h"
#include "suites.h"

START_TEST(test_members_in_insertion_order)
{
	struct itree *root = itree_new_object();
	const struct itree *c;

	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(root->type, ITREE_OBJECT);
	ck_assert_ptr_null(root->key);
	ck_assert_ptr_nonnull(itree_add_string(root, "compat", "1.1"));
	ck_assert_ptr_nonnull(itree_add_int(root, "refcount-bits", 16));
	ck_assert_ptr_nonnull(itree_add_bool(root, "corrupt", false));
	c = root->child;
	ck_assert_int_eq(c->type, ITREE_STRING);
	ck_assert_str_eq(c->key, "compat");
	ck_assert_str_eq(c->str, "1.1");
	c = c->next;
	ck_assert_int_eq(c->type, ITREE_INT);
	ck_assert_str_eq(c->key, "refcount-bits");
	ck_assert_int_eq(c->num, 16);
	c = c->next;
	ck_assert_int_eq(c->type, ITREE_BOOL);
	ck_assert(!c->b);
	ck_assert_ptr_null(c->next);
	ck_assert_ptr_eq(root->last, c);
	itree_free(root);
}
END_TEST

START_TEST(test_nested_array_elements_have_no_key)
{
	struct itree *root = itree_new_object();
	struct itree *arr = itree_add_array(root, "slots");
	struct itree *o = itree_add_object(arr, NULL);

	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(arr->type, ITREE_ARRAY);
	ck_assert_ptr_null(o->key);
	ck_assert_ptr_nonnull(itree_add_int(o, "key-offset", INT64_MAX));
	ck_assert_int_eq(arr->child->child->num, INT64_MAX);
	itree_free(root);
}
END_TEST

START_TEST(test_null_parent_and_value)
{
	struct itree *root = itree_new_object();
	struct itree *n;

	ck_assert_ptr_null(itree_add_object(NULL, "x"));
	ck_assert_ptr_null(itree_add_array(NULL, "x"));
	ck_assert_ptr_null(itree_add_string(NULL, "x", "y"));
	ck_assert_ptr_null(itree_add_int(NULL, "x", 1));
	ck_assert_ptr_null(itree_add_bool(NULL, "x", true));
	n = itree_add_string(root, "empty", NULL);
	ck_assert_ptr_nonnull(n);
	ck_assert_str_eq(n->str, "");
	itree_free(root);
	itree_free(NULL);
}
END_TEST

Suite *infotree_suite(void)
{
	Suite *s = suite_create("infotree");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_members_in_insertion_order);
	tcase_add_test(tc, test_nested_array_elements_have_no_key);
	tcase_add_test(tc, test_null_parent_and_value);
	suite_add_tcase(s, tc);
	return s;
}
