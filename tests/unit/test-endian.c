/* SPDX-License-Identifier: MIT */
/* src/endian.h: on-disk integer wrappers and raw-buffer accessors. */
#include <stdint.h>

#include "../../src/endian.h"
#include "suites.h"

START_TEST(test_be16_bytes)
{
	struct be16 v = be16_put(0x1234);

	ck_assert_uint_eq(v.b[0], 0x12);
	ck_assert_uint_eq(v.b[1], 0x34);
	ck_assert_uint_eq(be16_get(v), 0x1234);
	ck_assert_uint_eq(be16_get(be16_put(0xffff)), 0xffff);
}
END_TEST

START_TEST(test_be32_bytes)
{
	struct be32 v = be32_put(0x514649fbU);
	static const uint8_t want[4] = { 'Q', 'F', 'I', 0xfb };

	ck_assert_mem_eq(v.b, want, 4);
	ck_assert_uint_eq(be32_get(v), 0x514649fbU);
	ck_assert_uint_eq(be32_get(be32_put(0x80000001U)), 0x80000001U);
}
END_TEST

START_TEST(test_be64_bytes)
{
	struct be64 v = be64_put(UINT64_C(0x0102030405060708));
	static const uint8_t want[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	ck_assert_mem_eq(v.b, want, 8);
	ck_assert_uint_eq(be64_get(v), UINT64_C(0x0102030405060708));
	ck_assert_uint_eq(be64_get(be64_put(UINT64_MAX)), UINT64_MAX);
	ck_assert_uint_eq(be64_get(be64_put(UINT64_C(1) << 63)),
			  UINT64_C(1) << 63);
}
END_TEST

START_TEST(test_le16_le32_bytes)
{
	struct le16 a = le16_put(0x1234);
	struct le32 b = le32_put(0x00444551U);
	static const uint8_t want[4] = { 'Q', 'E', 'D', 0 };

	ck_assert_uint_eq(a.b[0], 0x34);
	ck_assert_uint_eq(a.b[1], 0x12);
	ck_assert_uint_eq(le16_get(a), 0x1234);
	ck_assert_mem_eq(b.b, want, 4);
	ck_assert_uint_eq(le32_get(b), 0x00444551U);
	ck_assert_uint_eq(le32_get(le32_put(0xfedcba98U)), 0xfedcba98U);
}
END_TEST

START_TEST(test_le64_bytes)
{
	struct le64 v = le64_put(UINT64_C(0x0102030405060708));
	static const uint8_t want[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };

	ck_assert_mem_eq(v.b, want, 8);
	ck_assert_uint_eq(le64_get(v), UINT64_C(0x0102030405060708));
	ck_assert_uint_eq(le64_get(le64_put(UINT64_MAX - 1)), UINT64_MAX - 1);
}
END_TEST

START_TEST(test_raw_accessors_unaligned)
{
	/* Tables are byte arrays: entries may sit at any address. */
	uint8_t buf[32] = { 0 };

	be64_set(buf + 1, UINT64_C(0x1122334455667788));
	ck_assert_uint_eq(buf[1], 0x11);
	ck_assert_uint_eq(buf[8], 0x88);
	ck_assert_uint_eq(be64_at(buf + 1), UINT64_C(0x1122334455667788));
	be32_set(buf + 11, 0xdeadbeefU);
	ck_assert_uint_eq(buf[11], 0xde);
	ck_assert_uint_eq(be32_at(buf + 11), 0xdeadbeefU);
	be16_set(buf + 17, 0xcafe);
	ck_assert_uint_eq(buf[17], 0xca);
	ck_assert_uint_eq(buf[18], 0xfe);
	ck_assert_uint_eq(be16_at(buf + 17), 0xcafe);
	le64_set(buf + 21, UINT64_C(0x0807060504030201));
	ck_assert_uint_eq(buf[21], 0x01);
	ck_assert_uint_eq(buf[28], 0x08);
	ck_assert_uint_eq(le64_at(buf + 21), UINT64_C(0x0807060504030201));
	/* Neighbours untouched. */
	ck_assert_uint_eq(buf[0], 0);
	ck_assert_uint_eq(buf[9], 0);
	ck_assert_uint_eq(buf[29], 0);
}
END_TEST

Suite *endian_suite(void)
{
	Suite *s = suite_create("endian");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_be16_bytes);
	tcase_add_test(tc, test_be32_bytes);
	tcase_add_test(tc, test_be64_bytes);
	tcase_add_test(tc, test_le16_le32_bytes);
	tcase_add_test(tc, test_le64_bytes);
	tcase_add_test(tc, test_raw_accessors_unaligned);
	suite_add_tcase(s, tc);
	return s;
}
