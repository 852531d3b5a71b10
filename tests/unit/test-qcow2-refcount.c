/* SPDX-License-Identifier: MIT */
/* qcow2 refcount block entries of every width, 1 to 64 bits. */
#include <stdint.h>
#include <string.h>

#include "../../src/fmt/qcow2/qcow2-refcount.h"
#include "suites.h"

#define BLOCK 512

static uint64_t max_of(unsigned int order)
{
	unsigned int bits = 1U << order;

	return bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

/* Set entry i to val and check it, and that its neighbours did not move. */
static void set_and_check(uint8_t *block, unsigned int order, uint64_t i,
			  uint64_t val)
{
	uint64_t entries = (uint64_t)BLOCK * 8 >> order;
	uint64_t prev = i > 0 ? qcow2_refblock_get(block, order, i - 1) : 0;
	uint64_t next = i + 1 < entries ?
			qcow2_refblock_get(block, order, i + 1) : 0;
	uint64_t got;

	qcow2_refblock_set(block, order, i, val);
	got = qcow2_refblock_get(block, order, i);
	ck_assert_msg(got == val, "order %u idx %llu: got %#llx want %#llx",
		      order, (unsigned long long)i, (unsigned long long)got,
		      (unsigned long long)val);
	if (i > 0)
		ck_assert_uint_eq(qcow2_refblock_get(block, order, i - 1),
				  prev);
	if (i + 1 < entries)
		ck_assert_uint_eq(qcow2_refblock_get(block, order, i + 1),
				  next);
}

/*
 * Set/get at several indexes of one block for one order, over all-zero
 * and all-ones neighbours; restoring each entry must restore the block.
 */
static void round_trip(unsigned int order)
{
	uint8_t block[BLOCK];
	uint64_t entries = (uint64_t)BLOCK * 8 >> order;
	const uint64_t idx[] = { 0, 1, 2, 7, 8, 9, entries / 2, entries - 2,
				 entries - 1 };
	uint64_t max = max_of(order);
	const uint64_t vals[] = { 1, max, max ^ (max >> 1) };

	for (unsigned int fill = 0; fill < 2; fill++) {
		memset(block, fill ? 0xff : 0, sizeof(block));
		for (size_t k = 0; k < sizeof(idx) / sizeof(idx[0]); k++) {
			for (size_t v = 0; v < 3; v++)
				set_and_check(block, order, idx[k], vals[v]);
			set_and_check(block, order, idx[k], fill ? max : 0);
		}
		for (size_t b = 0; b < sizeof(block); b++)
			ck_assert_uint_eq(block[b], fill ? 0xff : 0);
	}
}

START_TEST(test_order_0)
{
	round_trip(0);
}
END_TEST

START_TEST(test_order_1)
{
	round_trip(1);
}
END_TEST

START_TEST(test_order_2)
{
	round_trip(2);
}
END_TEST

START_TEST(test_order_3)
{
	round_trip(3);
}
END_TEST

START_TEST(test_order_4)
{
	round_trip(4);
}
END_TEST

START_TEST(test_order_5)
{
	round_trip(5);
}
END_TEST

START_TEST(test_order_6)
{
	round_trip(6);
}
END_TEST

START_TEST(test_order_0_lsb_first)
{
	uint8_t block[4] = { 0 };

	qcow2_refblock_set(block, 0, 0, 1);
	ck_assert_uint_eq(block[0], 0x01);
	qcow2_refblock_set(block, 0, 7, 1);
	ck_assert_uint_eq(block[0], 0x81);
	qcow2_refblock_set(block, 0, 8, 1);
	ck_assert_uint_eq(block[1], 0x01);
	qcow2_refblock_set(block, 0, 0, 0);
	ck_assert_uint_eq(block[0], 0x80);
	/* Only the low bit of the value is stored. */
	qcow2_refblock_set(block, 0, 1, 3);
	ck_assert_uint_eq(block[0], 0x82);
}
END_TEST

START_TEST(test_order_1_and_2_packing)
{
	uint8_t block[4] = { 0 };

	qcow2_refblock_set(block, 1, 0, 3);
	ck_assert_uint_eq(block[0], 0x03);
	qcow2_refblock_set(block, 1, 3, 2);
	ck_assert_uint_eq(block[0], 0x83);
	memset(block, 0, sizeof(block));
	qcow2_refblock_set(block, 2, 0, 0xa);
	qcow2_refblock_set(block, 2, 1, 0x5);
	ck_assert_uint_eq(block[0], 0x5a);
	ck_assert_uint_eq(qcow2_refblock_get(block, 2, 1), 0x5);
}
END_TEST

START_TEST(test_order_4_big_endian)
{
	uint8_t block[8] = { 0 };

	qcow2_refblock_set(block, 4, 1, 0x1234);
	ck_assert_uint_eq(block[2], 0x12);
	ck_assert_uint_eq(block[3], 0x34);
	ck_assert_uint_eq(block[0], 0);
	ck_assert_uint_eq(block[4], 0);
	block[6] = 0xab;
	block[7] = 0xcd;
	ck_assert_uint_eq(qcow2_refblock_get(block, 4, 3), 0xabcd);
}
END_TEST

START_TEST(test_order_3_5_6_layout)
{
	uint8_t block[16] = { 0 };

	qcow2_refblock_set(block, 3, 5, 0xfe);
	ck_assert_uint_eq(block[5], 0xfe);
	memset(block, 0, sizeof(block));
	qcow2_refblock_set(block, 5, 1, 0x01020304);
	ck_assert_uint_eq(block[4], 0x01);
	ck_assert_uint_eq(block[7], 0x04);
	memset(block, 0, sizeof(block));
	qcow2_refblock_set(block, 6, 1, UINT64_C(0x0102030405060708));
	ck_assert_uint_eq(block[8], 0x01);
	ck_assert_uint_eq(block[15], 0x08);
	ck_assert_uint_eq(block[7], 0);
}
END_TEST

Suite *qcow2_refcount_suite(void)
{
	Suite *s = suite_create("qcow2-refcount");
	TCase *tc = tcase_create("refblock");

	tcase_add_test(tc, test_order_0);
	tcase_add_test(tc, test_order_1);
	tcase_add_test(tc, test_order_2);
	tcase_add_test(tc, test_order_3);
	tcase_add_test(tc, test_order_4);
	tcase_add_test(tc, test_order_5);
	tcase_add_test(tc, test_order_6);
	tcase_add_test(tc, test_order_0_lsb_first);
	tcase_add_test(tc, test_order_1_and_2_packing);
	tcase_add_test(tc, test_order_4_big_endian);
	tcase_add_test(tc, test_order_3_5_6_layout);
	suite_add_tcase(s, tc);
	return s;
}
