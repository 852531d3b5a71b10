/* SPDX-License-Identifier: MIT */
/* QED: qed_header_from_disk validation and qed_header_to_disk. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../src/fmt/qed/qed.h"
#include "suites.h"

#define QCS	(64U << 10)
#define GIB	(UINT64_C(1) << 30)

static uint8_t buf[4096];
static struct qed_header h;
static struct img_err err;

static struct qed_disk_header *hdr(void)
{
	return (struct qed_disk_header *)buf;
}

/* A valid header: 64 KiB clusters, 4-cluster tables, 1 GiB, L1 at 64 KiB. */
static void setup(void)
{
	struct qed_disk_header *d = hdr();

	memset(buf, 0, sizeof(buf));
	memset(&h, 0, sizeof(h));
	memset(&err, 0, sizeof(err));
	d->magic = le32_put(QED_MAGIC);
	d->cluster_size = le32_put(QCS);
	d->table_size = le32_put(4);
	d->header_size = le32_put(1);
	d->l1_table_offset = le64_put(QCS);
	d->image_size = le64_put(GIB);
}

static int parse(void)
{
	return qed_header_from_disk(buf, sizeof(struct qed_disk_header), &h,
				    &err);
}

START_TEST(test_valid_header)
{
	static const uint8_t magic[4] = { 'Q', 'E', 'D', 0 };

	ck_assert_mem_eq(buf, magic, 4);
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(h.cluster_size, QCS);
	ck_assert_uint_eq(h.table_size, 4);
	ck_assert_uint_eq(h.header_size, 1);
	ck_assert_uint_eq(h.features, 0);
	ck_assert_uint_eq(h.l1_table_offset, QCS);
	ck_assert_uint_eq(h.image_size, GIB);
}
END_TEST

START_TEST(test_backing_file_header)
{
	hdr()->features = le64_put(QED_F_BACKING_FILE |
				   QED_F_BACKING_FORMAT_NO_PROBE |
				   QED_F_NEED_CHECK);
	hdr()->backing_filename_offset = le32_put(64);
	hdr()->backing_filename_size = le32_put(8);
	memcpy(buf + 64, "base.raw", 8);
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(h.features, 0x7);
	ck_assert_uint_eq(h.backing_filename_offset, 64);
	ck_assert_uint_eq(h.backing_filename_size, 8);
}
END_TEST

START_TEST(test_round_trip)
{
	uint8_t out[sizeof(struct qed_disk_header)];
	struct qed_disk_header *d = hdr();

	d->features = le64_put(QED_F_BACKING_FILE);
	d->compat_features = le64_put(0);
	d->autoclear_features = le64_put(0);
	d->backing_filename_offset = le32_put(64);
	d->backing_filename_size = le32_put(1023);
	d->table_size = le32_put(16);
	d->image_size = le64_put(GIB + 512);
	ck_assert_int_eq(parse(), 0);
	memset(out, 0xee, sizeof(out));
	qed_header_to_disk(&h, out);
	ck_assert_mem_eq(out, buf, sizeof(out));
}
END_TEST

START_TEST(test_round_trip_from_host)
{
	struct qed_header in = {
		.cluster_size = 4096,
		.table_size = 1,
		.header_size = 2,
		.features = QED_F_NEED_CHECK,
		.l1_table_offset = 8192,
		.image_size = 512,
	};
	uint8_t out[sizeof(struct qed_disk_header)];

	qed_header_to_disk(&in, out);
	ck_assert_uint_eq(out[4], 0x00);	/* 4096 little-endian */
	ck_assert_uint_eq(out[5], 0x10);
	ck_assert_int_eq(qed_header_from_disk(out, sizeof(out), &h, &err), 0);
	ck_assert_uint_eq(h.cluster_size, 4096);
	ck_assert_uint_eq(h.table_size, 1);
	ck_assert_uint_eq(h.header_size, 2);
	ck_assert_uint_eq(h.features, QED_F_NEED_CHECK);
	ck_assert_uint_eq(h.l1_table_offset, 8192);
	ck_assert_uint_eq(h.image_size, 512);
}
END_TEST

START_TEST(test_truncated)
{
	ck_assert_fails(qed_header_from_disk(buf, 63, &h, &err), &err, EINVAL,
			"QED header truncated (63 bytes, need 64)");
}
END_TEST

START_TEST(test_bad_magic)
{
	buf[3] = 'X';
	ck_assert_fails(parse(), &err, EINVAL, "not a QED image (bad magic)");
}
END_TEST

START_TEST(test_cluster_size_2048)
{
	hdr()->cluster_size = le32_put(2048);
	ck_assert_fails(parse(), &err, EINVAL,
			"QED cluster_size 2048 invalid (power of two in [4096, 67108864])");
}
END_TEST

START_TEST(test_cluster_size_not_power_of_2)
{
	hdr()->cluster_size = le32_put(3 * 4096);
	ck_assert_fails(parse(), &err, EINVAL, "QED cluster_size 12288 invalid");
}
END_TEST

START_TEST(test_cluster_size_128m)
{
	hdr()->cluster_size = le32_put(128U << 20);
	ck_assert_fails(parse(), &err, EINVAL,
			"QED cluster_size 134217728 invalid");
}
END_TEST

START_TEST(test_cluster_size_limits_ok)
{
	hdr()->cluster_size = le32_put(4096);
	hdr()->l1_table_offset = le64_put(4096);
	ck_assert_int_eq(parse(), 0);
	hdr()->cluster_size = le32_put(64U << 20);
	hdr()->l1_table_offset = le64_put(64U << 20);
	ck_assert_int_eq(parse(), 0);
}
END_TEST

START_TEST(test_table_size_0)
{
	hdr()->table_size = le32_put(0);
	ck_assert_fails(parse(), &err, EINVAL,
			"QED table_size 0 invalid (power of two in [1, 16])");
}
END_TEST

START_TEST(test_table_size_3)
{
	hdr()->table_size = le32_put(3);
	ck_assert_fails(parse(), &err, EINVAL, "QED table_size 3 invalid");
}
END_TEST

START_TEST(test_table_size_32)
{
	hdr()->table_size = le32_put(32);
	ck_assert_fails(parse(), &err, EINVAL, "QED table_size 32 invalid");
}
END_TEST

START_TEST(test_image_size_not_sector_multiple)
{
	hdr()->image_size = le64_put(GIB + 100);
	ck_assert_fails(parse(), &err, EINVAL,
			"QED image_size 1073741924 is not a multiple of 512");
}
END_TEST

START_TEST(test_image_size_beyond_max)
{
	uint64_t max = qed_max_image_size(QCS, 4);

	/* 64 KiB clusters, 4-cluster tables: 32768^2 clusters = 64 TiB. */
	ck_assert_uint_eq(max, UINT64_C(64) << 40);
	hdr()->image_size = le64_put(max + 512);
	ck_assert_fails(parse(), &err, EINVAL,
			"QED image_size 70368744178176 exceeds what the tables address (70368744177664)");
	hdr()->image_size = le64_put(max);
	ck_assert_int_eq(parse(), 0);
}
END_TEST

START_TEST(test_max_image_size)
{
	ck_assert_uint_eq(qed_max_image_size(4096, 1),
			  UINT64_C(512) * 512 * 4096);
	/* The largest geometry overflows 64 bits: no limit. */
	ck_assert_uint_eq(qed_max_image_size(64U << 20, 16), UINT64_MAX);
}
END_TEST

START_TEST(test_unknown_feature)
{
	hdr()->features = le64_put(0x08);
	ck_assert_fails(parse(), &err, ENOTSUP,
			"unsupported QED feature bits 0x8");
}
END_TEST

START_TEST(test_unknown_compat_feature_ok)
{
	/* Compatible and autoclear bits may be ignored. */
	hdr()->compat_features = le64_put(0x10);
	hdr()->autoclear_features = le64_put(0x10);
	ck_assert_int_eq(parse(), 0);
}
END_TEST

START_TEST(test_header_size_0)
{
	hdr()->header_size = le32_put(0);
	ck_assert_fails(parse(), &err, EINVAL,
			"QED header_size 0 clusters invalid");
}
END_TEST

START_TEST(test_l1_offset_0)
{
	hdr()->l1_table_offset = le64_put(0);
	ck_assert_fails(parse(), &err, EINVAL,
			"QED l1_table_offset 0 invalid (cluster-aligned, after the header)");
}
END_TEST

START_TEST(test_l1_offset_misaligned)
{
	hdr()->l1_table_offset = le64_put(QCS + 4096);
	ck_assert_fails(parse(), &err, EINVAL,
			"QED l1_table_offset 0x11000 invalid");
}
END_TEST

START_TEST(test_l1_offset_inside_header)
{
	hdr()->header_size = le32_put(2);
	ck_assert_fails(parse(), &err, EINVAL,
			"QED l1_table_offset 0x10000 invalid");
}
END_TEST

START_TEST(test_backing_name_size_0)
{
	hdr()->features = le64_put(QED_F_BACKING_FILE);
	hdr()->backing_filename_offset = le32_put(64);
	hdr()->backing_filename_size = le32_put(0);
	ck_assert_fails(parse(), &err, EINVAL,
			"QED backing file name length 0 invalid (1..1023)");
}
END_TEST

START_TEST(test_backing_name_too_long)
{
	hdr()->features = le64_put(QED_F_BACKING_FILE);
	hdr()->backing_filename_offset = le32_put(64);
	hdr()->backing_filename_size = le32_put(1024);
	ck_assert_fails(parse(), &err, EINVAL,
			"QED backing file name length 1024 invalid (1..1023)");
}
END_TEST

START_TEST(test_backing_name_outside_header)
{
	hdr()->features = le64_put(QED_F_BACKING_FILE);
	hdr()->backing_filename_offset = le32_put(QCS - 4);
	hdr()->backing_filename_size = le32_put(8);
	ck_assert_fails(parse(), &err, EINVAL,
			"QED backing file name lies outside the header");
}
END_TEST

START_TEST(test_backing_name_overlaps_fields)
{
	hdr()->features = le64_put(QED_F_BACKING_FILE);
	hdr()->backing_filename_offset = le32_put(32);
	hdr()->backing_filename_size = le32_put(8);
	ck_assert_fails(parse(), &err, EINVAL,
			"QED backing file name lies outside the header");
}
END_TEST

START_TEST(test_backing_name_offset_overflow)
{
	/* offset + size must not wrap in 32 bits. */
	hdr()->features = le64_put(QED_F_BACKING_FILE);
	hdr()->backing_filename_offset = le32_put(UINT32_MAX - 2);
	hdr()->backing_filename_size = le32_put(8);
	ck_assert_fails(parse(), &err, EINVAL,
			"QED backing file name lies outside the header");
}
END_TEST

START_TEST(test_backing_fields_ignored_without_flag)
{
	hdr()->backing_filename_offset = le32_put(UINT32_MAX);
	hdr()->backing_filename_size = le32_put(UINT32_MAX);
	ck_assert_int_eq(parse(), 0);
}
END_TEST

Suite *qed_suite(void)
{
	Suite *s = suite_create("qed");
	TCase *tc = tcase_create("header");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_valid_header);
	tcase_add_test(tc, test_backing_file_header);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_round_trip_from_host);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_bad_magic);
	tcase_add_test(tc, test_cluster_size_2048);
	tcase_add_test(tc, test_cluster_size_not_power_of_2);
	tcase_add_test(tc, test_cluster_size_128m);
	tcase_add_test(tc, test_cluster_size_limits_ok);
	tcase_add_test(tc, test_table_size_0);
	tcase_add_test(tc, test_table_size_3);
	tcase_add_test(tc, test_table_size_32);
	tcase_add_test(tc, test_image_size_not_sector_multiple);
	tcase_add_test(tc, test_image_size_beyond_max);
	tcase_add_test(tc, test_max_image_size);
	tcase_add_test(tc, test_unknown_feature);
	tcase_add_test(tc, test_unknown_compat_feature_ok);
	tcase_add_test(tc, test_header_size_0);
	tcase_add_test(tc, test_l1_offset_0);
	tcase_add_test(tc, test_l1_offset_misaligned);
	tcase_add_test(tc, test_l1_offset_inside_header);
	tcase_add_test(tc, test_backing_name_size_0);
	tcase_add_test(tc, test_backing_name_too_long);
	tcase_add_test(tc, test_backing_name_outside_header);
	tcase_add_test(tc, test_backing_name_overlaps_fields);
	tcase_add_test(tc, test_backing_name_offset_overflow);
	tcase_add_test(tc, test_backing_fields_ignored_without_flag);
	suite_add_tcase(s, tc);
	return s;
}
