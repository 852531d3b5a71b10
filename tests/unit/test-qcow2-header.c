/* SPDX-License-Identifier: MIT */
/*
 * qcow2 cluster 0: qcow2_header_from_disk / _to_disk, the extension
 * parser qcow2_meta_parse, and qcow2_meta_validate.  Each validation rule
 * gets its own test with one malformed field, checking the message.
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
/* Header, refcount table, refcount block, L1: clusters 0..3. */
#define FILE_SIZE	(4 * CS)

static uint8_t *c0;		/* cluster 0 */
static struct qcow2_meta m;
static struct img_err err;

static struct qcow2_disk_header *hdr(void)
{
	return (struct qcow2_disk_header *)c0;
}

/* A valid v3 header for a 1 GiB image with 64 KiB clusters. */
static void put_v3(void)
{
	struct qcow2_disk_header *d = hdr();

	memset(c0, 0, CS);
	d->magic = be32_put(QCOW2_MAGIC);
	d->version = be32_put(3);
	d->cluster_bits = be32_put(CB);
	d->size = be64_put(GIB);
	d->l1_size = be32_put(2);
	d->l1_table_offset = be64_put(3 * CS);
	d->refcount_table_offset = be64_put(CS);
	d->refcount_table_clusters = be32_put(1);
	d->refcount_order = be32_put(4);
	d->header_length = be32_put(QCOW2_V3_HEADER_FULL);
}

/* The same image as v2: the v3 fields are not there. */
static void put_v2(void)
{
	put_v3();
	hdr()->version = be32_put(2);
	memset(c0 + QCOW2_V2_HEADER_LEN, 0,
	       QCOW2_V3_HEADER_FULL - QCOW2_V2_HEADER_LEN);
}

/* Write a header extension at off; returns where the next one goes. */
static size_t put_ext(size_t off, uint32_t type, const void *data,
		      uint32_t len)
{
	be32_set(c0 + off, type);
	be32_set(c0 + off + 4, len);
	if (len)
		memcpy(c0 + off + 8, data, len);
	return off + 8 + ((len + 7) & ~7U);
}

static size_t put_bitmaps_ext(size_t off, uint32_t nb, uint64_t dir_size,
			      uint64_t dir_offset)
{
	struct qcow2_disk_bitmaps_ext b;

	memset(&b, 0, sizeof(b));
	b.nb_bitmaps = be32_put(nb);
	b.bitmap_directory_size = be64_put(dir_size);
	b.bitmap_directory_offset = be64_put(dir_offset);
	/* Live bitmaps carry the autoclear bit (v3 only has the field). */
	if (be32_get(hdr()->version) == 3)
		hdr()->autoclear_features =
			be64_put(be64_get(hdr()->autoclear_features) |
				 QCOW2_AUTOCLEAR_BITMAPS);
	return put_ext(off, QCOW2_EXT_BITMAPS, &b, sizeof(b));
}

static size_t put_crypto_ext(size_t off, uint64_t offset, uint64_t length)
{
	struct qcow2_disk_crypto_ext c;

	c.offset = be64_put(offset);
	c.length = be64_put(length);
	return put_ext(off, QCOW2_EXT_CRYPTO_HEADER, &c, sizeof(c));
}

/* A feature name table of n entries {type, bit, name}. */
struct feat {
	uint8_t type, bit;
	const char *name;
};

static size_t put_features(size_t off, const struct feat *f, size_t n)
{
	struct qcow2_disk_feature t[8];

	ck_assert_uint_le(n, 8);
	memset(t, 0, sizeof(t));
	for (size_t i = 0; i < n; i++) {
		t[i].type = f[i].type;
		t[i].bit = f[i].bit;
		memcpy(t[i].name, f[i].name, strlen(f[i].name));
	}
	return put_ext(off, QCOW2_EXT_FEATURE_TABLE, t,
		       (uint32_t)(n * sizeof(t[0])));
}

static int parse(size_t len)
{
	return qcow2_meta_parse(c0, len, &m, &err);
}

/* Parse cluster 0, which must succeed, then validate. */
static int validate(uint64_t file_size)
{
	int ret = parse(CS);

	ck_assert_msg(ret == 0, "qcow2_meta_parse: %s", err.msg);
	return qcow2_meta_validate(&m, file_size, &err);
}

static void setup(void)
{
	c0 = calloc(1, CS);
	ck_assert_ptr_nonnull(c0);
	memset(&m, 0, sizeof(m));
	memset(&err, 0, sizeof(err));
	put_v3();
}

static void teardown(void)
{
	qcow2_meta_free(&m);
	free(c0);
}

/* --- qcow2_header_from_disk / qcow2_header_to_disk --- */

START_TEST(test_v2_round_trip)
{
	struct qcow2_header h;
	uint8_t out[QCOW2_V2_HEADER_LEN];
	struct qcow2_disk_header *d = hdr();

	put_v2();
	d->backing_file_offset = be64_put(0x1234);
	d->backing_file_size = be32_put(77);
	d->crypt_method = be32_put(1);
	d->nb_snapshots = be32_put(5);
	d->snapshots_offset = be64_put(7 * CS);
	/* Exactly 72 bytes: a v2 header needs no more. */
	ck_assert_int_eq(qcow2_header_from_disk(c0, QCOW2_V2_HEADER_LEN, &h,
						&err), 0);
	ck_assert_uint_eq(h.version, 2);
	ck_assert_uint_eq(h.backing_file_offset, 0x1234);
	ck_assert_uint_eq(h.backing_file_size, 77);
	ck_assert_uint_eq(h.cluster_bits, CB);
	ck_assert_uint_eq(h.size, GIB);
	ck_assert_uint_eq(h.crypt_method, 1);
	ck_assert_uint_eq(h.l1_size, 2);
	ck_assert_uint_eq(h.l1_table_offset, 3 * CS);
	ck_assert_uint_eq(h.refcount_table_offset, CS);
	ck_assert_uint_eq(h.refcount_table_clusters, 1);
	ck_assert_uint_eq(h.nb_snapshots, 5);
	ck_assert_uint_eq(h.snapshots_offset, 7 * CS);
	/* What v2 implies. */
	ck_assert_uint_eq(h.header_length, 72);
	ck_assert_uint_eq(h.refcount_order, 4);
	ck_assert_uint_eq(h.compression_type, 0);
	ck_assert_uint_eq(h.incompatible_features, 0);
	ck_assert_uint_eq(h.extra_len, 0);
	ck_assert_ptr_null(h.extra);
	memset(out, 0xee, sizeof(out));
	ck_assert_uint_eq(qcow2_header_to_disk(&h, out, sizeof(out)), 72);
	ck_assert_mem_eq(out, c0, 72);
}
END_TEST

START_TEST(test_v3_round_trip)
{
	struct qcow2_header h;
	uint8_t out[QCOW2_V3_HEADER_FULL];
	struct qcow2_disk_header *d = hdr();

	d->nb_snapshots = be32_put(3);
	d->snapshots_offset = be64_put(9 * CS);
	d->incompatible_features = be64_put(QCOW2_INCOMPAT_DIRTY |
					    QCOW2_INCOMPAT_COMPRESSION);
	d->compatible_features = be64_put(QCOW2_COMPAT_LAZY_REFCOUNTS);
	d->autoclear_features = be64_put(QCOW2_AUTOCLEAR_BITMAPS);
	d->refcount_order = be32_put(5);
	d->compression_type = QCOW2_COMPRESSION_ZSTD;
	ck_assert_int_eq(qcow2_header_from_disk(c0, QCOW2_V3_HEADER_FULL, &h,
						&err), 0);
	ck_assert_uint_eq(h.version, 3);
	ck_assert_uint_eq(h.nb_snapshots, 3);
	ck_assert_uint_eq(h.snapshots_offset, 9 * CS);
	ck_assert_uint_eq(h.incompatible_features, 0x9);
	ck_assert_uint_eq(h.compatible_features, 0x1);
	ck_assert_uint_eq(h.autoclear_features, 0x1);
	ck_assert_uint_eq(h.refcount_order, 5);
	ck_assert_uint_eq(h.header_length, 112);
	ck_assert_uint_eq(h.compression_type, QCOW2_COMPRESSION_ZSTD);
	ck_assert_uint_eq(h.extra_len, 0);
	ck_assert_uint_eq(qcow2_header_to_disk(&h, out, sizeof(out)), 112);
	ck_assert_mem_eq(out, c0, 112);
}
END_TEST

START_TEST(test_v3_unknown_header_bytes_preserved)
{
	static const uint8_t tail[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct qcow2_header h;
	uint8_t out[120];

	hdr()->header_length = be32_put(120);
	memcpy(c0 + 112, tail, 8);
	ck_assert_int_eq(qcow2_header_from_disk(c0, 120, &h, &err), 0);
	ck_assert_uint_eq(h.header_length, 120);
	ck_assert_uint_eq(h.extra_len, 8);
	ck_assert_ptr_nonnull(h.extra);
	ck_assert_mem_eq(h.extra, tail, 8);
	memset(out, 0xee, sizeof(out));
	ck_assert_uint_eq(qcow2_header_to_disk(&h, out, sizeof(out)), 120);
	ck_assert_mem_eq(out, c0, 120);
	free(h.extra);
}
END_TEST

START_TEST(test_v3_header_length_104)
{
	struct qcow2_header h;
	uint8_t out[QCOW2_V3_HEADER_FULL];

	/* No compression_type field: byte 104 is not ours to read. */
	hdr()->header_length = be32_put(104);
	c0[104] = 0x55;
	ck_assert_int_eq(qcow2_header_from_disk(c0, 104, &h, &err), 0);
	ck_assert_uint_eq(h.compression_type, 0);
	memset(out, 0xee, sizeof(out));
	ck_assert_uint_eq(qcow2_header_to_disk(&h, out, sizeof(out)), 104);
	ck_assert_mem_eq(out, c0, 104);
	ck_assert_uint_eq(out[104], 0xee);	/* wrote only 104 bytes */
}
END_TEST

START_TEST(test_v2_ignores_v3_fields)
{
	struct qcow2_header h;

	put_v2();
	/* Bytes after a v2 header are extensions, not feature fields. */
	memset(c0 + 72, 0xff, 40);
	ck_assert_int_eq(qcow2_header_from_disk(c0, 112, &h, &err), 0);
	ck_assert_uint_eq(h.incompatible_features, 0);
	ck_assert_uint_eq(h.refcount_order, 4);
	ck_assert_uint_eq(h.header_length, 72);
}
END_TEST

START_TEST(test_to_disk_short_buffer)
{
	struct qcow2_header h;
	uint8_t out[111];

	ck_assert_int_eq(qcow2_header_from_disk(c0, CS, &h, &err), 0);
	ck_assert_uint_eq(qcow2_header_to_disk(&h, out, sizeof(out)), 0);
}
END_TEST

START_TEST(test_bad_magic)
{
	struct qcow2_header h;

	c0[3] = 0xfa;
	ck_assert_fails(qcow2_header_from_disk(c0, CS, &h, &err), &err,
			EINVAL, "not a qcow2 image (bad magic)");
}
END_TEST

START_TEST(test_version_1)
{
	struct qcow2_header h;

	hdr()->version = be32_put(1);
	ck_assert_fails(qcow2_header_from_disk(c0, CS, &h, &err), &err,
			ENOTSUP, "unsupported qcow2 version 1");
}
END_TEST

START_TEST(test_version_4)
{
	struct qcow2_header h;

	hdr()->version = be32_put(4);
	ck_assert_fails(qcow2_header_from_disk(c0, CS, &h, &err), &err,
			ENOTSUP, "unsupported qcow2 version 4");
}
END_TEST

START_TEST(test_truncated)
{
	struct qcow2_header h;

	ck_assert_fails(qcow2_header_from_disk(c0, 71, &h, &err), &err,
			EINVAL, "qcow2 header truncated (71 bytes, need at least 72)");
	ck_assert_fails(qcow2_header_from_disk(c0, 0, &h, &err), &err,
			EINVAL, "qcow2 header truncated (0 bytes");
}
END_TEST

START_TEST(test_v3_truncated)
{
	struct qcow2_header h;

	ck_assert_fails(qcow2_header_from_disk(c0, 100, &h, &err), &err,
			EINVAL, "qcow2 v3 header truncated (100 bytes, need 104)");
}
END_TEST

START_TEST(test_cluster_bits_8)
{
	struct qcow2_header h;

	hdr()->cluster_bits = be32_put(8);
	ck_assert_fails(qcow2_header_from_disk(c0, CS, &h, &err), &err,
			EINVAL, "cluster_bits 8 out of range (9..21)");
}
END_TEST

START_TEST(test_cluster_bits_22)
{
	struct qcow2_header h;

	hdr()->cluster_bits = be32_put(22);
	ck_assert_fails(qcow2_header_from_disk(c0, CS, &h, &err), &err,
			EINVAL, "cluster_bits 22 out of range (9..21)");
}
END_TEST

START_TEST(test_cluster_bits_limits_ok)
{
	struct qcow2_header h;

	hdr()->cluster_bits = be32_put(9);
	ck_assert_int_eq(qcow2_header_from_disk(c0, CS, &h, &err), 0);
	ck_assert_uint_eq(h.cluster_bits, 9);
	hdr()->cluster_bits = be32_put(21);
	ck_assert_int_eq(qcow2_header_from_disk(c0, CS, &h, &err), 0);
	ck_assert_uint_eq(h.cluster_bits, 21);
}
END_TEST

START_TEST(test_header_length_100)
{
	struct qcow2_header h;

	hdr()->header_length = be32_put(100);
	ck_assert_fails(qcow2_header_from_disk(c0, CS, &h, &err), &err,
			EINVAL, "header_length 100 too short");
}
END_TEST

START_TEST(test_header_length_108)
{
	struct qcow2_header h;

	hdr()->header_length = be32_put(108);
	ck_assert_fails(qcow2_header_from_disk(c0, CS, &h, &err), &err,
			EINVAL, "header_length 108 is not a multiple of 8");
}
END_TEST

START_TEST(test_header_length_exceeds_cluster)
{
	struct qcow2_header h;

	hdr()->cluster_bits = be32_put(9);
	hdr()->header_length = be32_put(520);
	ck_assert_fails(qcow2_header_from_disk(c0, 1024, &h, &err), &err,
			EINVAL, "header_length 520 exceeds the cluster size");
}
END_TEST

START_TEST(test_header_length_past_buffer)
{
	struct qcow2_header h;

	hdr()->header_length = be32_put(120);
	ck_assert_fails(qcow2_header_from_disk(c0, 116, &h, &err), &err,
			EINVAL, "header_length 120 runs past the end of the file");
}
END_TEST

START_TEST(test_refcount_order_7)
{
	struct qcow2_header h;

	hdr()->refcount_order = be32_put(7);
	ck_assert_fails(qcow2_header_from_disk(c0, CS, &h, &err), &err,
			EINVAL, "refcount_order 7 out of range (0..6)");
}
END_TEST

START_TEST(test_refcount_order_limits_ok)
{
	struct qcow2_header h;

	hdr()->refcount_order = be32_put(0);
	ck_assert_int_eq(qcow2_header_from_disk(c0, CS, &h, &err), 0);
	ck_assert_uint_eq(h.refcount_order, 0);
	hdr()->refcount_order = be32_put(6);
	ck_assert_int_eq(qcow2_header_from_disk(c0, CS, &h, &err), 0);
	ck_assert_uint_eq(h.refcount_order, 6);
}
END_TEST

START_TEST(test_compression_type_2)
{
	struct qcow2_header h;

	hdr()->compression_type = 2;
	hdr()->incompatible_features = be64_put(QCOW2_INCOMPAT_COMPRESSION);
	ck_assert_fails(qcow2_header_from_disk(c0, CS, &h, &err), &err,
			ENOTSUP, "unknown compression type 2");
}
END_TEST

START_TEST(test_zstd_without_bit)
{
	struct qcow2_header h;

	hdr()->compression_type = QCOW2_COMPRESSION_ZSTD;
	ck_assert_fails(qcow2_header_from_disk(c0, CS, &h, &err), &err,
			EINVAL,
			"compression type zstd but the compression type feature bit is clear");
}
END_TEST

START_TEST(test_bit_with_zlib)
{
	struct qcow2_header h;

	hdr()->incompatible_features = be64_put(QCOW2_INCOMPAT_COMPRESSION);
	ck_assert_fails(qcow2_header_from_disk(c0, CS, &h, &err), &err,
			EINVAL,
			"compression type zlib but the compression type feature bit is set");
}
END_TEST

START_TEST(test_zstd_with_bit_ok)
{
	struct qcow2_header h;

	hdr()->compression_type = QCOW2_COMPRESSION_ZSTD;
	hdr()->incompatible_features = be64_put(QCOW2_INCOMPAT_COMPRESSION);
	ck_assert_int_eq(qcow2_header_from_disk(c0, CS, &h, &err), 0);
	ck_assert_uint_eq(h.compression_type, QCOW2_COMPRESSION_ZSTD);
}
END_TEST

START_TEST(test_compression_error_frees_extra)
{
	struct qcow2_header h;

	/* A failure after the extra bytes were copied must not leak them. */
	hdr()->header_length = be32_put(128);
	hdr()->compression_type = 7;
	ck_assert_fails(qcow2_header_from_disk(c0, CS, &h, &err), &err,
			ENOTSUP, "unknown compression type 7");
	ck_assert_ptr_null(h.extra);
}
END_TEST

/* --- qcow2_meta_parse: extensions and backing name --- */

START_TEST(test_no_extensions)
{
	ck_assert_int_eq(parse(CS), 0);
	ck_assert_ptr_null(m.backing_name);
	ck_assert_ptr_null(m.backing_fmt);
	ck_assert_ptr_null(m.data_file);
	ck_assert_uint_eq(m.nb_features, 0);
	ck_assert_uint_eq(m.nb_unknown, 0);
	ck_assert(!m.has_bitmaps_ext);
	ck_assert(!m.has_crypto_ext);
	ck_assert_uint_eq(m.h.size, GIB);
}
END_TEST

START_TEST(test_meta_parse_header_error)
{
	hdr()->version = be32_put(1);
	ck_assert_fails(parse(CS), &err, ENOTSUP,
			"unsupported qcow2 version 1");
}
END_TEST

START_TEST(test_backing_name_and_format)
{
	size_t off = put_ext(112, QCOW2_EXT_BACKING_FORMAT, "qcow2", 5);

	ck_assert_uint_eq(off, 128);
	hdr()->backing_file_offset = be64_put(512);
	hdr()->backing_file_size = be32_put(10);
	memcpy(c0 + 512, "base.qcow2", 10);
	ck_assert_int_eq(parse(CS), 0);
	ck_assert_str_eq(m.backing_name, "base.qcow2");
	ck_assert_str_eq(m.backing_fmt, "qcow2");
}
END_TEST

START_TEST(test_backing_name_too_long)
{
	hdr()->backing_file_offset = be64_put(512);
	hdr()->backing_file_size = be32_put(1024);
	memset(c0 + 512, 'a', 1024);
	ck_assert_fails(parse(CS), &err, EINVAL,
			"backing file name too long (1024 bytes, limit 1023)");
}
END_TEST

START_TEST(test_backing_name_1023_ok)
{
	hdr()->backing_file_offset = be64_put(512);
	hdr()->backing_file_size = be32_put(1023);
	memset(c0 + 512, 'a', 1023);
	ck_assert_int_eq(parse(CS), 0);
	ck_assert_uint_eq(strlen(m.backing_name), 1023);
}
END_TEST

START_TEST(test_backing_name_outside_cluster0)
{
	hdr()->backing_file_offset = be64_put(CS);
	hdr()->backing_file_size = be32_put(4);
	ck_assert_fails(parse(CS), &err, EINVAL,
			"backing file name at offset 65536 lies outside the first cluster");
}
END_TEST

START_TEST(test_backing_name_crosses_cluster_end)
{
	hdr()->backing_file_offset = be64_put(CS - 4);
	hdr()->backing_file_size = be32_put(8);
	ck_assert_fails(parse(CS), &err, EINVAL,
			"backing file name at offset 65532 lies outside the first cluster");
}
END_TEST

START_TEST(test_backing_name_inside_header)
{
	hdr()->backing_file_offset = be64_put(64);
	hdr()->backing_file_size = be32_put(4);
	ck_assert_fails(parse(CS), &err, EINVAL,
			"backing file name at offset 64 lies outside the first cluster");
}
END_TEST

START_TEST(test_backing_name_past_buffer)
{
	/* A file shorter than a cluster: the name runs off its end. */
	hdr()->backing_file_offset = be64_put(1000);
	hdr()->backing_file_size = be32_put(100);
	ck_assert_fails(parse(1024), &err, EINVAL,
			"backing file name runs past the end of the file");
}
END_TEST

START_TEST(test_backing_name_empty)
{
	hdr()->backing_file_offset = be64_put(512);
	hdr()->backing_file_size = be32_put(0);
	ck_assert_fails(parse(CS), &err, EINVAL,
			"invalid backing file name (empty or with a NUL byte)");
}
END_TEST

START_TEST(test_backing_name_with_nul)
{
	hdr()->backing_file_offset = be64_put(512);
	hdr()->backing_file_size = be32_put(6);
	memcpy(c0 + 512, "ab\0cd", 6);
	ck_assert_fails(parse(CS), &err, EINVAL,
			"invalid backing file name (empty or with a NUL byte)");
}
END_TEST

START_TEST(test_ext_past_cluster0)
{
	be32_set(c0 + 112, QCOW2_EXT_BACKING_FORMAT);
	be32_set(c0 + 116, (uint32_t)CS);
	ck_assert_fails(parse(CS), &err, EINVAL,
			"backing format header extension (0xe2792aca, 65536 bytes) runs past the end of the first cluster");
}
END_TEST

START_TEST(test_ext_overlaps_backing_name)
{
	/* Extensions end where the backing file name starts. */
	hdr()->backing_file_offset = be64_put(256);
	hdr()->backing_file_size = be32_put(4);
	memcpy(c0 + 256, "base", 4);
	be32_set(c0 + 112, 0x12345678);
	be32_set(c0 + 116, 200);
	ck_assert_fails(parse(CS), &err, EINVAL,
			"unknown header extension (0x12345678, 200 bytes) runs past the end of the first cluster");
}
END_TEST

START_TEST(test_ext_past_buffer)
{
	put_ext(112, QCOW2_EXT_BACKING_FORMAT, "qcow2-but-quite-long-name", 25);
	ck_assert_fails(parse(140), &err, EINVAL,
			"backing format header extension runs past the end of the file");
}
END_TEST

START_TEST(test_ext_header_past_buffer)
{
	ck_assert_fails(parse(116), &err, EINVAL,
			"header extension at offset 112 runs past the end of the file");
}
END_TEST

START_TEST(test_duplicate_backing_format)
{
	size_t off = put_ext(112, QCOW2_EXT_BACKING_FORMAT, "raw", 3);

	put_ext(off, QCOW2_EXT_BACKING_FORMAT, "qcow2", 5);
	ck_assert_fails(parse(CS), &err, EINVAL,
			"duplicate backing format header extension");
	/* The failed parse releases what it had collected. */
	ck_assert_ptr_null(m.backing_fmt);
}
END_TEST

START_TEST(test_empty_backing_format)
{
	put_ext(112, QCOW2_EXT_BACKING_FORMAT, NULL, 0);
	ck_assert_fails(parse(CS), &err, EINVAL,
			"invalid backing format header extension");
}
END_TEST

START_TEST(test_bitmaps_ext_wrong_length)
{
	uint8_t junk[16] = { 0 };

	put_ext(112, QCOW2_EXT_BITMAPS, junk, sizeof(junk));
	ck_assert_fails(parse(CS), &err, EINVAL,
			"bitmaps header extension has length 16 (expected 24)");
}
END_TEST

START_TEST(test_bitmaps_ext_reserved_nonzero)
{
	put_bitmaps_ext(112, 1, 32, 4 * CS);
	c0[112 + 8 + 7] = 1;	/* reserved field, checked for live bitmaps */
	ck_assert_fails(validate(5 * CS), &err, EINVAL,
			"bitmaps header extension: reserved field is not zero");
}
END_TEST

START_TEST(test_duplicate_bitmaps_ext)
{
	size_t off = put_bitmaps_ext(112, 1, 32, 4 * CS);

	put_bitmaps_ext(off, 1, 32, 4 * CS);
	ck_assert_fails(parse(CS), &err, EINVAL,
			"duplicate bitmaps header extension");
}
END_TEST

START_TEST(test_bitmaps_ext_parsed)
{
	put_bitmaps_ext(112, 3, 96, 5 * CS);
	ck_assert_int_eq(parse(CS), 0);
	ck_assert(m.has_bitmaps_ext);
	ck_assert_uint_eq(m.nb_bitmaps, 3);
	ck_assert_uint_eq(m.bitmap_dir_size, 96);
	ck_assert_uint_eq(m.bitmap_dir_offset, 5 * CS);
}
END_TEST

START_TEST(test_crypto_ext_wrong_length)
{
	uint8_t junk[8] = { 0 };

	put_ext(112, QCOW2_EXT_CRYPTO_HEADER, junk, sizeof(junk));
	ck_assert_fails(parse(CS), &err, EINVAL,
			"encryption header extension has length 8 (expected 16)");
}
END_TEST

START_TEST(test_crypto_ext_parsed)
{
	put_crypto_ext(112, 4 * CS, 2 * CS);
	ck_assert_int_eq(parse(CS), 0);
	ck_assert(m.has_crypto_ext);
	ck_assert_uint_eq(m.crypto_offset, 4 * CS);
	ck_assert_uint_eq(m.crypto_length, 2 * CS);
}
END_TEST

START_TEST(test_data_file_ext)
{
	put_ext(112, QCOW2_EXT_DATA_FILE, "data.raw", 8);
	ck_assert_int_eq(parse(CS), 0);
	ck_assert_str_eq(m.data_file, "data.raw");
}
END_TEST

START_TEST(test_duplicate_data_file)
{
	size_t off = put_ext(112, QCOW2_EXT_DATA_FILE, "a", 1);

	put_ext(off, QCOW2_EXT_DATA_FILE, "b", 1);
	ck_assert_fails(parse(CS), &err, EINVAL,
			"duplicate external data file header extension");
}
END_TEST

START_TEST(test_feature_table_parsed)
{
	static const struct feat f[] = {
		{ 0, 0, "dirty bit" },
		{ 1, 0, "lazy refcounts" },
		{ 2, 1, "raw external data" },
	};

	put_features(112, f, 3);
	ck_assert_int_eq(parse(CS), 0);
	ck_assert_uint_eq(m.nb_features, 3);
	ck_assert_uint_eq(m.features[1].type, 1);
	ck_assert_uint_eq(m.features[1].bit, 0);
	ck_assert_str_eq(m.features[1].name, "lazy refcounts");
	ck_assert_uint_eq(m.features[2].type, 2);
	ck_assert_uint_eq(m.features[2].bit, 1);
	ck_assert_str_eq(m.features[2].name, "raw external data");
}
END_TEST

START_TEST(test_feature_name_full_width_terminated)
{
	static const char name46[] =
		"0123456789012345678901234567890123456789012345";
	static const struct feat f[] = { { 0, 9, name46 } };

	ck_assert_uint_eq(strlen(name46), 46);
	put_features(112, f, 1);
	ck_assert_int_eq(parse(CS), 0);
	ck_assert_str_eq(m.features[0].name, name46);
}
END_TEST

START_TEST(test_duplicate_feature_table)
{
	static const struct feat f[] = { { 0, 0, "dirty bit" } };
	size_t off = put_features(112, f, 1);

	put_features(off, f, 1);
	ck_assert_fails(parse(CS), &err, EINVAL,
			"duplicate feature name table extension");
}
END_TEST

START_TEST(test_unknown_ext_kept)
{
	size_t off = put_ext(112, 0x12345678, "hello", 5);

	/* Padded to 8: the next extension starts at 112 + 8 + 8. */
	ck_assert_uint_eq(off, 128);
	put_ext(off, QCOW2_EXT_BACKING_FORMAT, "raw", 3);
	ck_assert_int_eq(parse(CS), 0);
	ck_assert_uint_eq(m.nb_unknown, 1);
	ck_assert_uint_eq(m.unknown[0].type, 0x12345678);
	ck_assert_uint_eq(m.unknown[0].len, 5);
	ck_assert_mem_eq(m.unknown[0].data, "hello", 5);
	ck_assert_str_eq(m.backing_fmt, "raw");
}
END_TEST

START_TEST(test_unknown_ext_empty_kept)
{
	size_t off = put_ext(112, 0xabcdef01, NULL, 0);

	put_ext(off, 0xabcdef02, "x", 1);
	ck_assert_int_eq(parse(CS), 0);
	ck_assert_uint_eq(m.nb_unknown, 2);
	ck_assert_uint_eq(m.unknown[0].type, 0xabcdef01);
	ck_assert_uint_eq(m.unknown[0].len, 0);
	ck_assert_uint_eq(m.unknown[1].type, 0xabcdef02);
	ck_assert_uint_eq(m.unknown[1].data[0], 'x');
}
END_TEST

START_TEST(test_v2_extensions)
{
	put_v2();
	put_ext(72, QCOW2_EXT_BACKING_FORMAT, "raw", 3);
	hdr()->backing_file_offset = be64_put(256);
	hdr()->backing_file_size = be32_put(8);
	memcpy(c0 + 256, "base.img", 8);
	ck_assert_int_eq(parse(CS), 0);
	ck_assert_str_eq(m.backing_fmt, "raw");
	ck_assert_str_eq(m.backing_name, "base.img");
}
END_TEST

/* --- qcow2_meta_validate --- */

START_TEST(test_valid_image)
{
	ck_assert_int_eq(validate(FILE_SIZE), 0);
}
END_TEST

START_TEST(test_unknown_incompat_named)
{
	static const struct feat f[] = {
		{ 0, 0, "dirty bit" },
		{ 0, 9, "future thing" },
	};

	put_features(112, f, 2);
	hdr()->incompatible_features = be64_put(UINT64_C(1) << 9);
	ck_assert_fails(validate(FILE_SIZE), &err, ENOTSUP,
			"unsupported qcow2 feature: 'future thing' (incompatible bit 9)");
}
END_TEST

START_TEST(test_unknown_incompat_unnamed)
{
	hdr()->incompatible_features = be64_put(UINT64_C(1) << 9);
	ck_assert_fails(validate(FILE_SIZE), &err, ENOTSUP,
			"unknown incompatible feature bit 9");
}
END_TEST

START_TEST(test_unknown_incompat_other_kind_not_used)
{
	/* A compatible bit 9 named in the table says nothing of incompat 9. */
	static const struct feat f[] = { { 1, 9, "harmless" } };

	put_features(112, f, 1);
	hdr()->incompatible_features = be64_put(UINT64_C(1) << 9);
	ck_assert_fails(validate(FILE_SIZE), &err, ENOTSUP,
			"unknown incompatible feature bit 9");
	ck_assert_ptr_null(strstr(err.msg, "harmless"));
}
END_TEST

START_TEST(test_unknown_incompat_lowest_reported)
{
	hdr()->incompatible_features = be64_put(UINT64_C(1) << 63 |
						UINT64_C(1) << 40);
	ck_assert_fails(validate(FILE_SIZE), &err, ENOTSUP,
			"unknown incompatible feature bit 40");
}
END_TEST

START_TEST(test_unknown_compat_and_autoclear_accepted)
{
	/* Unknown compatible and autoclear bits may be ignored. */
	hdr()->compatible_features = be64_put(UINT64_C(1) << 20);
	hdr()->autoclear_features = be64_put(UINT64_C(1) << 20);
	ck_assert_int_eq(validate(FILE_SIZE), 0);
}
END_TEST

START_TEST(test_feature_describe_kinds)
{
	static const struct feat f[] = {
		{ 1, 0, "lazy refcounts" },
		{ 2, 0, "bitmaps" },
	};
	char buf[96];

	put_features(112, f, 2);
	ck_assert_int_eq(parse(CS), 0);
	qcow2_feature_describe(&m, 1, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "'lazy refcounts' (compatible bit 0)");
	qcow2_feature_describe(&m, 2, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "'bitmaps' (autoclear bit 0)");
	qcow2_feature_describe(&m, 2, 5, buf, sizeof(buf));
	ck_assert_str_eq(buf, "unknown autoclear feature bit 5");
	qcow2_feature_describe(&m, 0, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "unknown incompatible feature bit 0");
}
END_TEST

START_TEST(test_l1_too_large)
{
	hdr()->l1_size = be32_put(4 * 1024 * 1024 + 1);
	ck_assert_fails(validate(FILE_SIZE), &err, EFBIG,
			"L1 table too large (l1_size 4194305, limit 4194304 entries)");
}
END_TEST

START_TEST(test_l1_too_small)
{
	hdr()->l1_size = be32_put(1);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"L1 table too small (l1_size 1, virtual size needs 2)");
}
END_TEST

START_TEST(test_l1_misaligned)
{
	hdr()->l1_table_offset = be64_put(3 * CS + 512);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"L1 table offset 0x30200 is not cluster-aligned");
}
END_TEST

START_TEST(test_l1_past_eof)
{
	ck_assert_fails(validate(3 * CS), &err, EINVAL,
			"L1 table (offset 0x30000, 16 bytes) lies past the end of the file (196608 bytes)");
}
END_TEST

START_TEST(test_l1_at_offset_zero)
{
	hdr()->l1_table_offset = be64_put(0);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"L1 table at offset 0 overlaps the header");
}
END_TEST

START_TEST(test_empty_disk_needs_no_l1)
{
	hdr()->size = be64_put(0);
	hdr()->l1_size = be32_put(0);
	hdr()->l1_table_offset = be64_put(0);
	ck_assert_int_eq(validate(FILE_SIZE), 0);
}
END_TEST

START_TEST(test_size_too_large_for_cluster_size)
{
	hdr()->cluster_bits = be32_put(9);
	hdr()->size = be64_put(UINT64_C(1) << 40);
	ck_assert_fails(validate(FILE_SIZE), &err, EFBIG,
			"virtual size 1099511627776 too large for cluster size 512");
}
END_TEST

START_TEST(test_size_over_int64)
{
	hdr()->size = be64_put(UINT64_C(1) << 63);
	ck_assert_fails(validate(FILE_SIZE), &err, EFBIG,
			"virtual size 9223372036854775808 too large");
}
END_TEST

START_TEST(test_reftable_zero_clusters)
{
	hdr()->refcount_table_clusters = be32_put(0);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"refcount table has no clusters");
}
END_TEST

START_TEST(test_reftable_too_large)
{
	/* 129 clusters of 64 KiB exceed the 8 MiB limit. */
	hdr()->refcount_table_clusters = be32_put(129);
	ck_assert_fails(validate(UINT64_C(1) << 40), &err, EFBIG,
			"refcount table too large (129 clusters, limit 8388608 bytes)");
}
END_TEST

START_TEST(test_reftable_8mib_ok)
{
	hdr()->refcount_table_clusters = be32_put(128);
	ck_assert_int_eq(validate(UINT64_C(1) << 40), 0);
}
END_TEST

START_TEST(test_reftable_misaligned)
{
	hdr()->refcount_table_offset = be64_put(CS + 8);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"refcount table offset 0x10008 is not cluster-aligned");
}
END_TEST

START_TEST(test_reftable_past_eof)
{
	hdr()->refcount_table_offset = be64_put(10 * CS);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"refcount table (offset 0xa0000, 65536 bytes) lies past the end of the file (262144 bytes)");
}
END_TEST

START_TEST(test_too_many_snapshots)
{
	hdr()->nb_snapshots = be32_put(65537);
	hdr()->snapshots_offset = be64_put(4 * CS);
	ck_assert_fails(validate(UINT64_C(1) << 40), &err, EFBIG,
			"too many snapshots (65537, limit 65536)");
}
END_TEST

START_TEST(test_snapshots_past_eof)
{
	hdr()->nb_snapshots = be32_put(1);
	hdr()->snapshots_offset = be64_put(4 * CS);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"snapshot table (offset 0x40000, 40 bytes) lies past the end of the file (262144 bytes)");
}
END_TEST

/* Without snapshots the table offset is meaningless and not checked. */
START_TEST(test_no_snapshots_offset_ignored)
{
	hdr()->nb_snapshots = be32_put(0);
	hdr()->snapshots_offset = be64_put(UINT64_C(0xdead0001));
	ck_assert_int_eq(validate(FILE_SIZE), 0);
	hdr()->nb_snapshots = be32_put(1);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"snapshot table offset 0xdead0001 is not cluster-aligned");
}
END_TEST

START_TEST(test_snapshots_misaligned)
{
	hdr()->nb_snapshots = be32_put(1);
	hdr()->snapshots_offset = be64_put(2 * CS + 40);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"snapshot table offset 0x20028 is not cluster-aligned");
}
END_TEST

START_TEST(test_bitmaps_none)
{
	put_bitmaps_ext(112, 0, 0, 0);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"bitmaps extension with no bitmaps");
}
END_TEST

START_TEST(test_bitmaps_too_many)
{
	put_bitmaps_ext(112, 65536, 65536 * 24, 4 * CS);
	ck_assert_fails(validate(UINT64_C(1) << 40), &err, EFBIG,
			"too many bitmaps (65536, limit 65535)");
}
END_TEST

START_TEST(test_bitmap_dir_too_large)
{
	put_bitmaps_ext(112, 1, (UINT64_C(64) << 20) + 1, 4 * CS);
	ck_assert_fails(validate(UINT64_C(1) << 40), &err, EFBIG,
			"bitmap directory too large (67108865 bytes, limit 67108864)");
}
END_TEST

START_TEST(test_bitmap_dir_too_small)
{
	put_bitmaps_ext(112, 2, 24, 4 * CS);
	ck_assert_fails(validate(5 * CS), &err, EINVAL,
			"bitmap directory too small for 2 bitmaps");
}
END_TEST

START_TEST(test_bitmap_dir_past_eof)
{
	put_bitmaps_ext(112, 1, 32, 4 * CS);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"bitmap directory (offset 0x40000, 32 bytes) lies past the end of the file (262144 bytes)");
}
END_TEST

START_TEST(test_bitmap_dir_misaligned)
{
	put_bitmaps_ext(112, 1, 32, 4 * CS + 8);
	ck_assert_fails(validate(5 * CS), &err, EINVAL,
			"bitmap directory offset 0x40008 is not cluster-aligned");
}
END_TEST

START_TEST(test_bitmaps_ok)
{
	put_bitmaps_ext(112, 1, 32, 4 * CS);
	ck_assert_int_eq(validate(5 * CS), 0);
}
END_TEST

/* v2 has no autoclear field: a bitmaps extension there is stale, ignored. */
START_TEST(test_bitmaps_in_v2)
{
	put_v2();
	put_bitmaps_ext(72, 0, 1ULL << 40, 7);
	ck_assert_int_eq(validate(5 * CS), 0);
}
END_TEST

/* Without the autoclear bit the extension is stale and not validated. */
START_TEST(test_bitmaps_stale_ignored)
{
	put_bitmaps_ext(112, 0, 1ULL << 40, 7);
	hdr()->autoclear_features = be64_put(0);
	ck_assert_int_eq(validate(5 * CS), 0);
}
END_TEST

START_TEST(test_extl2_cluster_bits_13)
{
	hdr()->cluster_bits = be32_put(13);
	hdr()->incompatible_features = be64_put(QCOW2_INCOMPAT_EXTL2);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"extended L2 entries need a cluster size of at least 16 KiB (cluster_bits 13)");
}
END_TEST

START_TEST(test_extl2_halves_l2_coverage)
{
	/* 64 KiB clusters with 16-byte L2 entries: 256 MiB per L2 table. */
	hdr()->incompatible_features = be64_put(QCOW2_INCOMPAT_EXTL2);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"L1 table too small (l1_size 2, virtual size needs 4)");
}
END_TEST

START_TEST(test_extl2_ok)
{
	hdr()->incompatible_features = be64_put(QCOW2_INCOMPAT_EXTL2);
	hdr()->l1_size = be32_put(4);
	ck_assert_int_eq(validate(FILE_SIZE), 0);
}
END_TEST

START_TEST(test_data_file_raw_without_data_file)
{
	hdr()->autoclear_features = be64_put(QCOW2_AUTOCLEAR_DATA_FILE_RAW);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"data_file_raw set without an external data file");
}
END_TEST

START_TEST(test_data_file_name_without_bit)
{
	put_ext(112, QCOW2_EXT_DATA_FILE, "data.raw", 8);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"external data file name present but the external data file bit is clear");
}
END_TEST

START_TEST(test_data_file_ok)
{
	put_ext(112, QCOW2_EXT_DATA_FILE, "data.raw", 8);
	hdr()->incompatible_features = be64_put(QCOW2_INCOMPAT_DATA_FILE);
	hdr()->autoclear_features = be64_put(QCOW2_AUTOCLEAR_DATA_FILE_RAW);
	ck_assert_int_eq(validate(FILE_SIZE), 0);
}
END_TEST

START_TEST(test_luks_without_crypto_ext)
{
	hdr()->crypt_method = be32_put(QCOW2_CRYPT_LUKS);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"LUKS encryption without an encryption header extension");
}
END_TEST

START_TEST(test_crypt_method_3)
{
	hdr()->crypt_method = be32_put(3);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"unknown encryption method 3");
}
END_TEST

START_TEST(test_v2_crypt_luks)
{
	put_v2();
	hdr()->crypt_method = be32_put(QCOW2_CRYPT_LUKS);
	ck_assert_fails(validate(FILE_SIZE), &err, EINVAL,
			"invalid encryption method 2 for a v2 image");
}
END_TEST

START_TEST(test_crypto_ext_without_luks)
{
	put_crypto_ext(112, 4 * CS, 592);
	ck_assert_fails(validate(5 * CS), &err, EINVAL,
			"encryption header extension on an image that is not LUKS-encrypted");
}
END_TEST

START_TEST(test_crypto_ext_misaligned)
{
	put_crypto_ext(112, 4 * CS + 1, 592);
	hdr()->crypt_method = be32_put(QCOW2_CRYPT_LUKS);
	ck_assert_fails(validate(5 * CS), &err, EINVAL,
			"encryption header offset 0x40001 is not cluster-aligned");
}
END_TEST

START_TEST(test_crypto_ext_past_eof)
{
	put_crypto_ext(112, 4 * CS, 2 * CS);
	hdr()->crypt_method = be32_put(QCOW2_CRYPT_LUKS);
	ck_assert_fails(validate(5 * CS), &err, EINVAL,
			"encryption header (offset 0x40000, 131072 bytes) lies past the end of the file");
}
END_TEST

START_TEST(test_luks_ok)
{
	put_crypto_ext(112, 4 * CS, 592);
	hdr()->crypt_method = be32_put(QCOW2_CRYPT_LUKS);
	ck_assert_int_eq(validate(5 * CS), 0);
}
END_TEST

START_TEST(test_aes_ok)
{
	hdr()->crypt_method = be32_put(QCOW2_CRYPT_AES);
	ck_assert_int_eq(validate(FILE_SIZE), 0);
	qcow2_meta_free(&m);
	put_v2();
	hdr()->crypt_method = be32_put(QCOW2_CRYPT_AES);
	ck_assert_int_eq(validate(FILE_SIZE), 0);
}
END_TEST

Suite *qcow2_header_suite(void)
{
	Suite *s = suite_create("qcow2-header");
	TCase *h = tcase_create("header");
	TCase *e = tcase_create("extensions");
	TCase *v = tcase_create("validate");

	tcase_add_checked_fixture(h, setup, teardown);
	tcase_add_test(h, test_v2_round_trip);
	tcase_add_test(h, test_v3_round_trip);
	tcase_add_test(h, test_v3_unknown_header_bytes_preserved);
	tcase_add_test(h, test_v3_header_length_104);
	tcase_add_test(h, test_v2_ignores_v3_fields);
	tcase_add_test(h, test_to_disk_short_buffer);
	tcase_add_test(h, test_bad_magic);
	tcase_add_test(h, test_version_1);
	tcase_add_test(h, test_version_4);
	tcase_add_test(h, test_truncated);
	tcase_add_test(h, test_v3_truncated);
	tcase_add_test(h, test_cluster_bits_8);
	tcase_add_test(h, test_cluster_bits_22);
	tcase_add_test(h, test_cluster_bits_limits_ok);
	tcase_add_test(h, test_header_length_100);
	tcase_add_test(h, test_header_length_108);
	tcase_add_test(h, test_header_length_exceeds_cluster);
	tcase_add_test(h, test_header_length_past_buffer);
	tcase_add_test(h, test_refcount_order_7);
	tcase_add_test(h, test_refcount_order_limits_ok);
	tcase_add_test(h, test_compression_type_2);
	tcase_add_test(h, test_zstd_without_bit);
	tcase_add_test(h, test_bit_with_zlib);
	tcase_add_test(h, test_zstd_with_bit_ok);
	tcase_add_test(h, test_compression_error_frees_extra);
	suite_add_tcase(s, h);

	tcase_add_checked_fixture(e, setup, teardown);
	tcase_add_test(e, test_no_extensions);
	tcase_add_test(e, test_meta_parse_header_error);
	tcase_add_test(e, test_backing_name_and_format);
	tcase_add_test(e, test_backing_name_too_long);
	tcase_add_test(e, test_backing_name_1023_ok);
	tcase_add_test(e, test_backing_name_outside_cluster0);
	tcase_add_test(e, test_backing_name_crosses_cluster_end);
	tcase_add_test(e, test_backing_name_inside_header);
	tcase_add_test(e, test_backing_name_past_buffer);
	tcase_add_test(e, test_backing_name_empty);
	tcase_add_test(e, test_backing_name_with_nul);
	tcase_add_test(e, test_ext_past_cluster0);
	tcase_add_test(e, test_ext_overlaps_backing_name);
	tcase_add_test(e, test_ext_past_buffer);
	tcase_add_test(e, test_ext_header_past_buffer);
	tcase_add_test(e, test_duplicate_backing_format);
	tcase_add_test(e, test_empty_backing_format);
	tcase_add_test(e, test_bitmaps_ext_wrong_length);
	tcase_add_test(e, test_bitmaps_ext_reserved_nonzero);
	tcase_add_test(e, test_duplicate_bitmaps_ext);
	tcase_add_test(e, test_bitmaps_ext_parsed);
	tcase_add_test(e, test_crypto_ext_wrong_length);
	tcase_add_test(e, test_crypto_ext_parsed);
	tcase_add_test(e, test_data_file_ext);
	tcase_add_test(e, test_duplicate_data_file);
	tcase_add_test(e, test_feature_table_parsed);
	tcase_add_test(e, test_feature_name_full_width_terminated);
	tcase_add_test(e, test_duplicate_feature_table);
	tcase_add_test(e, test_unknown_ext_kept);
	tcase_add_test(e, test_unknown_ext_empty_kept);
	tcase_add_test(e, test_v2_extensions);
	suite_add_tcase(s, e);

	tcase_add_checked_fixture(v, setup, teardown);
	tcase_add_test(v, test_valid_image);
	tcase_add_test(v, test_unknown_incompat_named);
	tcase_add_test(v, test_unknown_incompat_unnamed);
	tcase_add_test(v, test_unknown_incompat_other_kind_not_used);
	tcase_add_test(v, test_unknown_incompat_lowest_reported);
	tcase_add_test(v, test_unknown_compat_and_autoclear_accepted);
	tcase_add_test(v, test_feature_describe_kinds);
	tcase_add_test(v, test_l1_too_large);
	tcase_add_test(v, test_l1_too_small);
	tcase_add_test(v, test_l1_misaligned);
	tcase_add_test(v, test_l1_past_eof);
	tcase_add_test(v, test_l1_at_offset_zero);
	tcase_add_test(v, test_empty_disk_needs_no_l1);
	tcase_add_test(v, test_size_too_large_for_cluster_size);
	tcase_add_test(v, test_size_over_int64);
	tcase_add_test(v, test_reftable_zero_clusters);
	tcase_add_test(v, test_reftable_too_large);
	tcase_add_test(v, test_reftable_8mib_ok);
	tcase_add_test(v, test_reftable_misaligned);
	tcase_add_test(v, test_reftable_past_eof);
	tcase_add_test(v, test_too_many_snapshots);
	tcase_add_test(v, test_snapshots_past_eof);
	tcase_add_test(v, test_snapshots_misaligned);
	tcase_add_test(v, test_no_snapshots_offset_ignored);
	tcase_add_test(v, test_bitmaps_none);
	tcase_add_test(v, test_bitmaps_too_many);
	tcase_add_test(v, test_bitmap_dir_too_large);
	tcase_add_test(v, test_bitmap_dir_too_small);
	tcase_add_test(v, test_bitmap_dir_past_eof);
	tcase_add_test(v, test_bitmap_dir_misaligned);
	tcase_add_test(v, test_bitmaps_ok);
	tcase_add_test(v, test_bitmaps_in_v2);
	tcase_add_test(v, test_bitmaps_stale_ignored);
	tcase_add_test(v, test_extl2_cluster_bits_13);
	tcase_add_test(v, test_extl2_halves_l2_coverage);
	tcase_add_test(v, test_extl2_ok);
	tcase_add_test(v, test_data_file_raw_without_data_file);
	tcase_add_test(v, test_data_file_name_without_bit);
	tcase_add_test(v, test_data_file_ok);
	tcase_add_test(v, test_luks_without_crypto_ext);
	tcase_add_test(v, test_crypt_method_3);
	tcase_add_test(v, test_v2_crypt_luks);
	tcase_add_test(v, test_crypto_ext_without_luks);
	tcase_add_test(v, test_crypto_ext_misaligned);
	tcase_add_test(v, test_crypto_ext_past_eof);
	tcase_add_test(v, test_luks_ok);
	tcase_add_test(v, test_aes_ok);
	suite_add_tcase(s, v);
	return s;
}
