/* SPDX-License-Identifier: MIT */
/*
 * qcow2 tables read after the header: the snapshot table
 * (qcow2_snapshots_parse) and the bitmap directory (qcow2_bitmaps_parse).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/fmt/qcow2/qcow2.h"
#include "suites.h"

#define CB		16
#define CS		(UINT64_C(1) << CB)
#define GIB		(UINT64_C(1) << 30)
#define FILE_SIZE	(8 * CS)
#define BUF_SIZE	(128 * 1024)

static uint8_t *buf;
static struct qcow2_header h;
static struct img_err err;
static struct qcow2_snapshot *snaps;
static uint32_t nb_snaps;
static struct qcow2_bitmap *bms;
static uint32_t nb_bms;

static void setup(void)
{
	buf = calloc(1, BUF_SIZE);
	ck_assert_ptr_nonnull(buf);
	memset(&h, 0, sizeof(h));
	h.version = 3;
	h.cluster_bits = CB;
	h.size = GIB;
	h.header_length = QCOW2_V3_HEADER_FULL;
	h.refcount_order = 4;
	memset(&err, 0, sizeof(err));
	snaps = NULL;
	nb_snaps = 0;
	bms = NULL;
	nb_bms = 0;
}

static void teardown(void)
{
	qcow2_snapshots_free(snaps, nb_snaps);
	qcow2_bitmaps_free(bms, nb_bms);
	free(buf);
}

/* --- snapshot table --- */

struct snap {
	uint64_t l1_offset;
	uint32_t l1_size;
	const char *id, *name;
	uint32_t vm_state_size;		/* the 32-bit field */
	const uint8_t *extra;
	uint32_t extra_size;
};

static size_t put_snapshot(size_t off, const struct snap *s)
{
	struct qcow2_disk_snapshot d;
	size_t id_len = strlen(s->id), name_len = strlen(s->name);

	memset(&d, 0, sizeof(d));
	d.l1_table_offset = be64_put(s->l1_offset);
	d.l1_size = be32_put(s->l1_size);
	d.id_str_size = be16_put((uint16_t)id_len);
	d.name_size = be16_put((uint16_t)name_len);
	d.date_sec = be32_put(1700000000);
	d.date_nsec = be32_put(123456789);
	d.vm_clock_nsec = be64_put(UINT64_C(5000000001));
	d.vm_state_size = be32_put(s->vm_state_size);
	d.extra_data_size = be32_put(s->extra_size);
	memcpy(buf + off, &d, sizeof(d));
	off += sizeof(d);
	if (s->extra_size)
		memcpy(buf + off, s->extra, s->extra_size);
	off += s->extra_size;
	memcpy(buf + off, s->id, id_len);
	off += id_len;
	memcpy(buf + off, s->name, name_len);
	off += name_len;
	return (off + 7) & ~(size_t)7;
}

/* The v3 extra data: vm_state_size_large, disk_size, icount. */
static void make_extra(uint8_t *x, uint64_t vm_state, uint64_t disk_size,
		       uint64_t icount)
{
	be64_set(x, vm_state);
	be64_set(x + 8, disk_size);
	be64_set(x + 16, icount);
}

static int parse_snaps(size_t len, uint32_t nb, size_t *need)
{
	int ret = qcow2_snapshots_parse(buf, len, nb, &h, &snaps, need, &err);

	if (ret == 0)
		nb_snaps = nb;
	return ret;
}

START_TEST(test_snap_v3_extra_data)
{
	uint8_t x0[24], x1[24];
	struct snap s0 = { 5 * CS, 2, "1", "first", 0, x0, 24 };
	struct snap s1 = { 6 * CS, 2, "2", "second", 0, x1, 24 };
	size_t off, need = 0;

	make_extra(x0, UINT64_C(0x123456789), GIB, 42);
	make_extra(x1, 0, 2 * GIB, UINT64_MAX);
	off = put_snapshot(0, &s0);
	off = put_snapshot(off, &s1);
	ck_assert_int_eq(parse_snaps(off, 2, &need), 0);
	ck_assert_uint_eq(snaps[0].l1_table_offset, 5 * CS);
	ck_assert_uint_eq(snaps[0].l1_size, 2);
	ck_assert_str_eq(snaps[0].id, "1");
	ck_assert_str_eq(snaps[0].name, "first");
	ck_assert_uint_eq(snaps[0].date_sec, 1700000000);
	ck_assert_uint_eq(snaps[0].date_nsec, 123456789);
	ck_assert_uint_eq(snaps[0].vm_clock_nsec, UINT64_C(5000000001));
	/* The 64-bit field wins over the 32-bit one. */
	ck_assert_uint_eq(snaps[0].vm_state_size, UINT64_C(0x123456789));
	ck_assert(snaps[0].has_disk_size);
	ck_assert_uint_eq(snaps[0].disk_size, GIB);
	ck_assert(snaps[0].has_icount);
	ck_assert_uint_eq(snaps[0].icount, 42);
	ck_assert_uint_eq(snaps[0].extra_data_size, 24);
	ck_assert_ptr_null(snaps[0].extra);
	ck_assert_str_eq(snaps[1].id, "2");
	ck_assert_str_eq(snaps[1].name, "second");
	ck_assert_uint_eq(snaps[1].disk_size, 2 * GIB);
}
END_TEST

START_TEST(test_snap_icount_max_means_none)
{
	uint8_t x[24];
	struct snap s = { 5 * CS, 2, "1", "a", 0, x, 24 };
	size_t need = 0;

	make_extra(x, 0, GIB, UINT64_MAX);
	ck_assert_int_eq(parse_snaps(put_snapshot(0, &s), 1, &need), 0);
	ck_assert(!snaps[0].has_icount);
	ck_assert(snaps[0].has_disk_size);
}
END_TEST

START_TEST(test_snap_v2_no_extra)
{
	struct snap s = { 5 * CS, 2, "7", "old", 0x10000, NULL, 0 };
	size_t need = 0;

	ck_assert_int_eq(parse_snaps(put_snapshot(0, &s), 1, &need), 0);
	ck_assert_uint_eq(snaps[0].vm_state_size, 0x10000);
	ck_assert(!snaps[0].has_disk_size);
	ck_assert(!snaps[0].has_icount);
	ck_assert_uint_eq(snaps[0].extra_data_size, 0);
	ck_assert_str_eq(snaps[0].id, "7");
	ck_assert_str_eq(snaps[0].name, "old");
}
END_TEST

START_TEST(test_snap_partial_extra)
{
	uint8_t x[16];
	struct snap s = { 5 * CS, 2, "1", "a", 0x99, x, 16 };
	size_t need = 0;

	be64_set(x, 0x1234);
	be64_set(x + 8, 3 * GIB);
	ck_assert_int_eq(parse_snaps(put_snapshot(0, &s), 1, &need), 0);
	ck_assert_uint_eq(snaps[0].vm_state_size, 0x1234);
	ck_assert(snaps[0].has_disk_size);
	ck_assert_uint_eq(snaps[0].disk_size, 3 * GIB);
	ck_assert(!snaps[0].has_icount);
}
END_TEST

START_TEST(test_snap_unknown_extra_kept)
{
	uint8_t x[32];
	struct snap s = { 5 * CS, 2, "1", "a", 0, x, 32 };
	size_t need = 0;

	make_extra(x, 1, GIB, 5);
	memcpy(x + 24, "FUTURE!!", 8);
	ck_assert_int_eq(parse_snaps(put_snapshot(0, &s), 1, &need), 0);
	ck_assert_uint_eq(snaps[0].extra_data_size, 32);
	ck_assert_ptr_nonnull(snaps[0].extra);
	ck_assert_mem_eq(snaps[0].extra, "FUTURE!!", 8);
	ck_assert_str_eq(snaps[0].name, "a");
}
END_TEST

START_TEST(test_snap_padding_between_entries)
{
	/* 40 + 24 + 1 + 1 = 66 bytes: the next entry starts at 72. */
	uint8_t x[24];
	struct snap s0 = { 5 * CS, 2, "1", "a", 0, x, 24 };
	struct snap s1 = { 6 * CS, 2, "22", "bb", 0, x, 24 };
	size_t off, need = 0;

	make_extra(x, 0, GIB, 1);
	off = put_snapshot(0, &s0);
	ck_assert_uint_eq(off, 72);
	memset(buf + 66, 0xaa, 6);	/* padding content is ignored */
	off = put_snapshot(off, &s1);
	ck_assert_int_eq(parse_snaps(off, 2, &need), 0);
	ck_assert_str_eq(snaps[0].name, "a");
	ck_assert_str_eq(snaps[1].id, "22");
	ck_assert_str_eq(snaps[1].name, "bb");
	ck_assert_uint_eq(snaps[1].l1_table_offset, 6 * CS);
}
END_TEST

START_TEST(test_snap_empty_names)
{
	struct snap s = { 5 * CS, 2, "", "", 0, NULL, 0 };
	size_t need = 0;

	ck_assert_int_eq(parse_snaps(put_snapshot(0, &s), 1, &need), 0);
	ck_assert_str_eq(snaps[0].id, "");
	ck_assert_str_eq(snaps[0].name, "");
}
END_TEST

START_TEST(test_snap_none)
{
	size_t need = 0;

	ck_assert_int_eq(parse_snaps(0, 0, &need), 0);
	ck_assert_ptr_nonnull(snaps);
}
END_TEST

START_TEST(test_snap_short_buffer_eagain)
{
	uint8_t x[24];
	struct snap s0 = { 5 * CS, 2, "1", "first", 0, x, 24 };
	struct snap s1 = { 6 * CS, 2, "2", "second", 0, x, 24 };
	size_t off, cut, need = 0;
	int ret;

	make_extra(x, 0, GIB, 1);
	off = put_snapshot(0, &s0);
	put_snapshot(off, &s1);
	/* The last entry ends unpadded at 72 + 40 + 24 + 1 + 6. */
	off += sizeof(struct qcow2_disk_snapshot) + 24 + 1 + 6;
	/* Every cut, inside the first entry or the second, is too short. */
	for (cut = 0; cut < off; cut += 13) {
		need = 0;
		ret = qcow2_snapshots_parse(buf, cut, 2, &h, &snaps, &need,
					    &err);
		ck_assert_msg(ret == -EAGAIN, "cut %zu of %zu: returned %d",
			      cut, off, ret);
		ck_assert_msg(need > cut, "cut %zu: need %zu", cut, need);
		ck_assert_ptr_null(snaps);
	}
	ck_assert_int_eq(parse_snaps(off, 2, &need), 0);
}
END_TEST

START_TEST(test_snap_last_entry_unpadded)
{
	/* qemu does not pad the last entry: the table may end at 143. */
	uint8_t x[24];
	struct snap s0 = { 5 * CS, 2, "1", "first", 0, x, 24 };
	struct snap s1 = { 6 * CS, 2, "2", "second", 0, x, 24 };
	size_t off, need = 0;

	make_extra(x, 0, GIB, 1);
	off = put_snapshot(0, &s0);
	off = put_snapshot(off, &s1);
	ck_assert_uint_eq(off, 144);
	ck_assert_int_eq(parse_snaps(143, 2, &need), 0);
	ck_assert_str_eq(snaps[1].name, "second");
}
END_TEST

START_TEST(test_snap_eagain_need_exceeds_len_for_long_name)
{
	/*
	 * One entry whose id and name alone are larger than the buffer
	 * growth step: *need must still exceed len, or the caller, which
	 * grows its buffer until it holds need bytes, retries forever.
	 */
	struct qcow2_disk_snapshot d;
	size_t len = 65536, need = 0;

	memset(&d, 0, sizeof(d));
	d.l1_table_offset = be64_put(5 * CS);
	d.l1_size = be32_put(2);
	d.id_str_size = be16_put(1);
	d.name_size = be16_put(65535);
	memcpy(buf, &d, sizeof(d));
	memset(buf + sizeof(d), 'n', len - sizeof(d));
	ck_assert_int_eq(qcow2_snapshots_parse(buf, len, 1, &h, &snaps, &need,
					       &err), -EAGAIN);
	ck_assert_msg(need > len, "need %zu, len %zu", need, len);
	ck_assert_msg(need >= sizeof(d) + 1 + 65535,
		      "need %zu is less than the entry's %zu bytes", need,
		      sizeof(d) + 1 + 65535);
}
END_TEST

START_TEST(test_snap_extra_too_large)
{
	static uint8_t x[1025];
	struct snap s = { 5 * CS, 2, "1", "a", 0, x, 1025 };
	size_t need = 0;

	ck_assert_fails(parse_snaps(put_snapshot(0, &s), 1, &need), &err,
			EINVAL,
			"snapshot 0: extra data too large (1025 bytes, limit 1024)");
	ck_assert_ptr_null(snaps);
}
END_TEST

START_TEST(test_snap_extra_1024_ok)
{
	static uint8_t x[1024];
	struct snap s = { 5 * CS, 2, "1", "a", 0, x, 1024 };
	size_t need = 0;

	make_extra(x, 0, GIB, 1);
	ck_assert_int_eq(parse_snaps(put_snapshot(0, &s), 1, &need), 0);
	ck_assert_uint_eq(snaps[0].extra_data_size, 1024);
}
END_TEST

START_TEST(test_snap_l1_misaligned)
{
	struct snap s0 = { 5 * CS, 2, "1", "a", 0, NULL, 0 };
	struct snap s1 = { 6 * CS + 512, 2, "2", "b", 0, NULL, 0 };
	size_t off, need = 0;

	off = put_snapshot(0, &s0);
	off = put_snapshot(off, &s1);
	ck_assert_fails(parse_snaps(off, 2, &need), &err, EINVAL,
			"snapshot 1: L1 table offset 0x60200 is not cluster-aligned");
}
END_TEST

START_TEST(test_snap_l1_too_large)
{
	struct snap s = { 5 * CS, 4 * 1024 * 1024 + 1, "1", "a", 0, NULL, 0 };
	size_t need = 0;

	ck_assert_fails(parse_snaps(put_snapshot(0, &s), 1, &need), &err,
			EFBIG,
			"snapshot 0: L1 table too large (4194305 entries)");
}
END_TEST

/* --- bitmap directory --- */

struct bitmap {
	uint64_t table_offset;
	uint32_t table_size;
	uint32_t flags;
	uint8_t type, granularity_bits;
	const char *name;
	uint32_t extra_size;
};

static size_t put_bitmap(size_t off, const struct bitmap *b)
{
	struct qcow2_disk_bitmap_entry d;
	size_t name_len = strlen(b->name);

	memset(&d, 0, sizeof(d));
	d.bitmap_table_offset = be64_put(b->table_offset);
	d.bitmap_table_size = be32_put(b->table_size);
	d.flags = be32_put(b->flags);
	d.type = b->type;
	d.granularity_bits = b->granularity_bits;
	d.name_size = be16_put((uint16_t)name_len);
	d.extra_data_size = be32_put(b->extra_size);
	memcpy(buf + off, &d, sizeof(d));
	off += sizeof(d);
	memset(buf + off, 0xe0, b->extra_size);
	off += b->extra_size;
	memcpy(buf + off, b->name, name_len);
	off += name_len;
	return (off + 7) & ~(size_t)7;
}

/* One valid bitmap at 5 * CS covering the 1 GiB disk. */
static struct bitmap bm_ok(void)
{
	return (struct bitmap){
		.table_offset = 5 * CS,
		.table_size = 1,
		.flags = QCOW2_BITMAP_IN_USE | QCOW2_BITMAP_AUTO,
		.type = 1,
		.granularity_bits = 16,
		.name = "bm0",
	};
}

static int parse_bms(size_t len, uint32_t nb)
{
	int ret = qcow2_bitmaps_parse(buf, len, nb, &h, FILE_SIZE, &bms,
				      &err);

	if (ret == 0)
		nb_bms = nb;
	return ret;
}

START_TEST(test_bitmaps_two_valid)
{
	struct bitmap b0 = bm_ok();
	struct bitmap b1 = {
		.table_offset = 6 * CS,
		.table_size = 4,	/* 4 * 2^19 bits * 512 B = 1 GiB */
		.flags = 0,
		.type = 1,
		.granularity_bits = 9,
		.name = "bitmap-two",
	};
	size_t off;

	off = put_bitmap(0, &b0);
	ck_assert_uint_eq(off, 32);
	off = put_bitmap(off, &b1);
	ck_assert_uint_eq(off, 72);
	ck_assert_int_eq(parse_bms(off, 2), 0);
	ck_assert_str_eq(bms[0].name, "bm0");
	ck_assert_uint_eq(bms[0].flags,
			  QCOW2_BITMAP_IN_USE | QCOW2_BITMAP_AUTO);
	ck_assert_uint_eq(bms[0].granularity_bits, 16);
	ck_assert_uint_eq(bms[0].table_offset, 5 * CS);
	ck_assert_uint_eq(bms[0].table_size, 1);
	ck_assert_uint_eq(bms[0].type, 1);
	ck_assert_str_eq(bms[1].name, "bitmap-two");
	ck_assert_uint_eq(bms[1].flags, 0);
	ck_assert_uint_eq(bms[1].granularity_bits, 9);
	ck_assert_uint_eq(bms[1].table_offset, 6 * CS);
}
END_TEST

START_TEST(test_bitmap_extra_with_compat_flag_ok)
{
	struct bitmap b = bm_ok();

	b.flags |= QCOW2_BITMAP_EXTRA_COMPAT;
	b.extra_size = 8;
	ck_assert_int_eq(parse_bms(put_bitmap(0, &b), 1), 0);
	ck_assert_uint_eq(bms[0].extra_data_size, 8);
	ck_assert_str_eq(bms[0].name, "bm0");
}
END_TEST

START_TEST(test_bitmap_name_size_0)
{
	struct bitmap b = bm_ok();

	b.name = "";
	ck_assert_fails(parse_bms(put_bitmap(0, &b), 1), &err, EINVAL,
			"bitmap 0: invalid name length 0");
	ck_assert_ptr_null(bms);
}
END_TEST

START_TEST(test_bitmap_name_with_nul)
{
	struct bitmap b = bm_ok();
	size_t off = put_bitmap(0, &b);

	buf[24 + 1] = '\0';
	ck_assert_fails(parse_bms(off, 1), &err, EINVAL,
			"bitmap 0: invalid name length 3");
}
END_TEST

START_TEST(test_bitmap_granularity_8)
{
	struct bitmap b = bm_ok();

	b.granularity_bits = 8;
	ck_assert_fails(parse_bms(put_bitmap(0, &b), 1), &err, EINVAL,
			"bitmap 'bm0': granularity_bits 8 out of range (9..31)");
}
END_TEST

START_TEST(test_bitmap_granularity_32)
{
	struct bitmap b = bm_ok();

	b.granularity_bits = 32;
	ck_assert_fails(parse_bms(put_bitmap(0, &b), 1), &err, EINVAL,
			"bitmap 'bm0': granularity_bits 32 out of range (9..31)");
}
END_TEST

START_TEST(test_bitmap_type_2)
{
	struct bitmap b = bm_ok();

	b.type = 2;
	ck_assert_fails(parse_bms(put_bitmap(0, &b), 1), &err, EINVAL,
			"bitmap 'bm0': unknown type 2");
}
END_TEST

START_TEST(test_bitmap_reserved_flag)
{
	struct bitmap b = bm_ok();

	b.flags = 1U << 3;
	ck_assert_fails(parse_bms(put_bitmap(0, &b), 1), &err, EINVAL,
			"bitmap 'bm0': reserved flags 0x8 set");
}
END_TEST

START_TEST(test_bitmap_extra_without_compat_flag)
{
	struct bitmap b = bm_ok();

	b.extra_size = 8;
	ck_assert_fails(parse_bms(put_bitmap(0, &b), 1), &err, ENOTSUP,
			"bitmap 'bm0': unknown extra data");
}
END_TEST

START_TEST(test_bitmap_table_too_small)
{
	struct bitmap b = bm_ok();

	/* One table entry at 512-byte granularity covers 256 MiB. */
	b.granularity_bits = 9;
	ck_assert_fails(parse_bms(put_bitmap(0, &b), 1), &err, EINVAL,
			"bitmap 'bm0': bitmap table too small for the disk (1 entries)");
}
END_TEST

START_TEST(test_bitmap_table_empty_too_small)
{
	struct bitmap b = bm_ok();

	b.table_size = 0;
	ck_assert_fails(parse_bms(put_bitmap(0, &b), 1), &err, EINVAL,
			"bitmap 'bm0': bitmap table too small for the disk (0 entries)");
}
END_TEST

START_TEST(test_bitmap_table_too_large)
{
	struct bitmap b = bm_ok();

	/* 8193 clusters of bitmap data exceed the 512 MiB limit. */
	b.table_size = 8193;
	ck_assert_fails(parse_bms(put_bitmap(0, &b), 1), &err, EFBIG,
			"bitmap 'bm0': bitmap table too large (8193 entries)");
}
END_TEST

START_TEST(test_bitmap_huge_granularity_covers)
{
	struct bitmap b = bm_ok();

	/*
	 * 8192 clusters of bitmap (2^32 bits) of 2^31 bytes each: the
	 * coverage overflows 64 bits and must clamp, not wrap to "too small".
	 */
	b.table_size = 8192;
	b.granularity_bits = 31;
	h.size = (uint64_t)INT64_MAX & ~UINT64_C(511);
	ck_assert_int_eq(parse_bms(put_bitmap(0, &b), 1), 0);
}
END_TEST

START_TEST(test_bitmap_table_offset_0)
{
	struct bitmap b = bm_ok();

	b.table_offset = 0;
	ck_assert_fails(parse_bms(put_bitmap(0, &b), 1), &err, EINVAL,
			"bitmap 'bm0': bitmap table offset 0 is misaligned or past the end of the file");
}
END_TEST

START_TEST(test_bitmap_table_offset_misaligned)
{
	struct bitmap b = bm_ok();

	b.table_offset = 5 * CS + 512;
	ck_assert_fails(parse_bms(put_bitmap(0, &b), 1), &err, EINVAL,
			"bitmap 'bm0': bitmap table offset 0x50200 is misaligned or past the end of the file");
}
END_TEST

START_TEST(test_bitmap_table_past_eof)
{
	struct bitmap b = bm_ok();

	b.table_offset = 10 * CS;
	ck_assert_fails(parse_bms(put_bitmap(0, &b), 1), &err, EINVAL,
			"bitmap 'bm0': bitmap table offset 0xa0000 is misaligned or past the end of the file");
}
END_TEST

START_TEST(test_bitmap_table_ends_past_eof)
{
	struct bitmap b = bm_ok();

	/* Starts at the last byte boundary, 8 bytes of table do not fit. */
	b.table_offset = FILE_SIZE;
	ck_assert_fails(parse_bms(put_bitmap(0, &b), 1), &err, EINVAL,
			"bitmap table offset 0x80000 is misaligned or past the end of the file");
}
END_TEST

START_TEST(test_bitmap_dir_size_mismatch)
{
	struct bitmap b = bm_ok();
	size_t off = put_bitmap(0, &b);

	ck_assert_fails(parse_bms(off + 8, 1), &err, EINVAL,
			"bitmap directory size 40 does not match its 1 entries (32 bytes)");
}
END_TEST

START_TEST(test_bitmap_dir_too_short)
{
	struct bitmap b = bm_ok();
	size_t off = put_bitmap(0, &b);

	ck_assert_fails(parse_bms(off, 2), &err, EINVAL,
			"bitmap directory too short for 2 bitmaps");
}
END_TEST

START_TEST(test_bitmap_entry_past_dir)
{
	struct bitmap b = bm_ok();

	b.name = "a-name-longer-than-the-directory";
	put_bitmap(0, &b);
	ck_assert_fails(parse_bms(32, 1), &err, EINVAL,
			"bitmap 0: entry runs past the bitmap directory");
}
END_TEST

START_TEST(test_bitmap_second_entry_named_in_error)
{
	struct bitmap b0 = bm_ok(), b1 = bm_ok();
	size_t off;

	b1.name = "second";
	b1.type = 9;
	off = put_bitmap(0, &b0);
	off = put_bitmap(off, &b1);
	ck_assert_fails(parse_bms(off, 2), &err, EINVAL,
			"bitmap 'second': unknown type 9");
}
END_TEST

Suite *qcow2_tables_suite(void)
{
	Suite *s = suite_create("qcow2-tables");
	TCase *sn = tcase_create("snapshots");
	TCase *bm = tcase_create("bitmaps");

	tcase_add_checked_fixture(sn, setup, teardown);
	tcase_add_test(sn, test_snap_v3_extra_data);
	tcase_add_test(sn, test_snap_icount_max_means_none);
	tcase_add_test(sn, test_snap_v2_no_extra);
	tcase_add_test(sn, test_snap_partial_extra);
	tcase_add_test(sn, test_snap_unknown_extra_kept);
	tcase_add_test(sn, test_snap_padding_between_entries);
	tcase_add_test(sn, test_snap_empty_names);
	tcase_add_test(sn, test_snap_none);
	tcase_add_test(sn, test_snap_short_buffer_eagain);
	tcase_add_test(sn, test_snap_last_entry_unpadded);
	tcase_add_test(sn, test_snap_eagain_need_exceeds_len_for_long_name);
	tcase_add_test(sn, test_snap_extra_too_large);
	tcase_add_test(sn, test_snap_extra_1024_ok);
	tcase_add_test(sn, test_snap_l1_misaligned);
	tcase_add_test(sn, test_snap_l1_too_large);
	suite_add_tcase(s, sn);

	tcase_add_checked_fixture(bm, setup, teardown);
	tcase_add_test(bm, test_bitmaps_two_valid);
	tcase_add_test(bm, test_bitmap_extra_with_compat_flag_ok);
	tcase_add_test(bm, test_bitmap_name_size_0);
	tcase_add_test(bm, test_bitmap_name_with_nul);
	tcase_add_test(bm, test_bitmap_granularity_8);
	tcase_add_test(bm, test_bitmap_granularity_32);
	tcase_add_test(bm, test_bitmap_type_2);
	tcase_add_test(bm, test_bitmap_reserved_flag);
	tcase_add_test(bm, test_bitmap_extra_without_compat_flag);
	tcase_add_test(bm, test_bitmap_table_too_small);
	tcase_add_test(bm, test_bitmap_table_empty_too_small);
	tcase_add_test(bm, test_bitmap_table_too_large);
	tcase_add_test(bm, test_bitmap_huge_granularity_covers);
	tcase_add_test(bm, test_bitmap_table_offset_0);
	tcase_add_test(bm, test_bitmap_table_offset_misaligned);
	tcase_add_test(bm, test_bitmap_table_past_eof);
	tcase_add_test(bm, test_bitmap_table_ends_past_eof);
	tcase_add_test(bm, test_bitmap_dir_size_mismatch);
	tcase_add_test(bm, test_bitmap_dir_too_short);
	tcase_add_test(bm, test_bitmap_entry_past_dir);
	tcase_add_test(bm, test_bitmap_second_entry_named_in_error);
	suite_add_tcase(s, bm);
	return s;
}
