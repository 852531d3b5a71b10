/* SPDX-License-Identifier: MIT */
/*
 * The generic layer on memory files: probing, img_open_io and img_info
 * on small qcow2, QED and raw images built byte by byte here, creating
 * images on memory files, and img_path_combine.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/driver.h"
#include "../../src/fmt/qcow2/qcow2-refcount.h"
#include "../../src/fmt/qcow2/qcow2.h"
#include "../../src/fmt/qed/qed.h"
#include "suites.h"

#define CB	16
#define CS	(UINT64_C(1) << CB)
#define GIB	(UINT64_C(1) << 30)

static uint8_t *img_buf;
static size_t img_len;
static struct img *img;
static struct img_info info;
static struct img_err err;

static void setup(void)
{
	img_buf = NULL;
	img_len = 0;
	img = NULL;
	memset(&info, 0, sizeof(info));
	memset(&err, 0, sizeof(err));
}

static void teardown(void)
{
	itree_free(info.spec);
	img_close(img);
	free(img_buf);
}

static void alloc_image(size_t len)
{
	img_len = len;
	img_buf = calloc(1, len);
	ck_assert_ptr_nonnull(img_buf);
}

static struct qcow2_disk_header *qhdr(void)
{
	return (struct qcow2_disk_header *)img_buf;
}

/*
 * A 1 GiB qcow2 v3 image with 64 KiB clusters: header, refcount table,
 * refcount block and L1 table in clusters 0..3, the rest of the file
 * (clusters >= 4) free for the test to fill.
 */
static void build_qcow2(unsigned int clusters)
{
	struct qcow2_disk_header *d;

	alloc_image(clusters * CS);
	d = qhdr();
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
	be64_set(img_buf + CS, 2 * CS);
	for (unsigned int i = 0; i < clusters; i++)
		qcow2_refblock_set(img_buf + 2 * CS, 4, i, 1);
}

static size_t put_ext(size_t off, uint32_t type, const void *data,
		      uint32_t len)
{
	be32_set(img_buf + off, type);
	be32_set(img_buf + off + 4, len);
	memcpy(img_buf + off + 8, data, len);
	return off + 8 + ((len + 7) & ~7U);
}

/* A 1 GiB QED image: 64 KiB clusters, 4-cluster tables, L1 at 64 KiB. */
static void build_qed(void)
{
	struct qed_header h = {
		.cluster_size = 64 << 10,
		.table_size = 4,
		.header_size = 1,
		.l1_table_offset = 64 << 10,
		.image_size = GIB,
	};

	alloc_image(5 * (64 << 10));
	qed_header_to_disk(&h, img_buf);
}

static int try_open(const char *name, const char *fmt)
{
	struct io *io = NULL;
	int ret;

	ret = io_mem_open(img_buf, img_len, name, &io, &err);
	ck_assert_int_eq(ret, 0);
	return img_open_io(io, name, fmt, 0, &img, &err);
}

static void open_and_info(const char *name, const char *fmt)
{
	int ret = try_open(name, fmt);

	ck_assert_msg(ret == 0, "open: %s", err.msg);
	ret = img_info(img, &info, &err);
	ck_assert_msg(ret == 0, "info: %s", err.msg);
}

static const struct itree *member(const struct itree *o, const char *key)
{
	for (const struct itree *c = o->child; c; c = c->next)
		if (c->key && !strcmp(c->key, key))
			return c;
	return NULL;
}

static void keys_are(const struct itree *o, const char *const *keys)
{
	const struct itree *c = o->child;

	for (size_t i = 0; keys[i]; i++, c = c->next) {
		ck_assert_msg(c != NULL, "member '%s' missing", keys[i]);
		ck_assert_str_eq(c->key, keys[i]);
	}
	ck_assert_msg(c == NULL, "extra member '%s'", c ? c->key : "");
}

static void spec_str_is(const char *key, const char *want)
{
	const struct itree *c = member(info.spec, key);

	ck_assert_msg(c != NULL, "no spec member '%s'", key);
	ck_assert_int_eq(c->type, ITREE_STRING);
	ck_assert_str_eq(c->str, want);
}

static void spec_int_is(const char *key, int64_t want)
{
	const struct itree *c = member(info.spec, key);

	ck_assert_msg(c != NULL, "no spec member '%s'", key);
	ck_assert_int_eq(c->type, ITREE_INT);
	ck_assert_int_eq(c->num, want);
}

static void spec_bool_is(const char *key, bool want)
{
	const struct itree *c = member(info.spec, key);

	ck_assert_msg(c != NULL, "no spec member '%s'", key);
	ck_assert_int_eq(c->type, ITREE_BOOL);
	ck_assert(c->b == want);
}

/* --- qcow2 --- */

START_TEST(test_qcow2_info)
{
	static const char *const keys[] = {
		"compat", "compression-type", "lazy-refcounts",
		"refcount-bits", "corrupt", "extended-l2", NULL
	};

	build_qcow2(4);
	open_and_info("test.qcow2", NULL);
	ck_assert_str_eq(img_driver_name(img->drv), "qcow2");
	ck_assert_str_eq(info.filename, "test.qcow2");
	ck_assert_str_eq(info.format, "qcow2");
	ck_assert_uint_eq(info.virtual_size, GIB);
	ck_assert_int_eq(info.actual_size, 4 * CS);
	ck_assert(info.has_cluster_size);
	ck_assert_uint_eq(info.cluster_size, 65536);
	ck_assert(!info.dirty);
	ck_assert(!info.encrypted);
	ck_assert_ptr_null(info.backing_filename);
	ck_assert_ptr_null(info.backing_fmt);
	ck_assert(!info.has_snapshots);
	ck_assert_str_eq(info.spec_type, "qcow2");
	ck_assert_ptr_nonnull(info.spec);
	keys_are(info.spec, keys);
	spec_str_is("compat", "1.1");
	spec_str_is("compression-type", "zlib");
	spec_bool_is("lazy-refcounts", false);
	spec_int_is("refcount-bits", 16);
	spec_bool_is("corrupt", false);
	spec_bool_is("extended-l2", false);
}
END_TEST

START_TEST(test_qcow2_v2_info)
{
	static const char *const keys[] = {
		"compat", "compression-type", "refcount-bits", NULL
	};

	build_qcow2(4);
	qhdr()->version = be32_put(2);
	memset(img_buf + 72, 0, 40);
	open_and_info("v2.qcow2", NULL);
	keys_are(info.spec, keys);
	spec_str_is("compat", "0.10");
	spec_int_is("refcount-bits", 16);
}
END_TEST

START_TEST(test_qcow2_feature_bits_info)
{
	build_qcow2(4);
	qhdr()->incompatible_features = be64_put(QCOW2_INCOMPAT_DIRTY |
						 QCOW2_INCOMPAT_CORRUPT |
						 QCOW2_INCOMPAT_COMPRESSION);
	qhdr()->compression_type = QCOW2_COMPRESSION_ZSTD;
	qhdr()->compatible_features = be64_put(QCOW2_COMPAT_LAZY_REFCOUNTS);
	qhdr()->refcount_order = be32_put(0);
	open_and_info("f.qcow2", NULL);
	ck_assert(info.dirty);
	spec_str_is("compression-type", "zstd");
	spec_bool_is("lazy-refcounts", true);
	spec_bool_is("corrupt", true);
	spec_int_is("refcount-bits", 1);
}
END_TEST

START_TEST(test_qcow2_backing)
{
	size_t off;

	build_qcow2(4);
	off = put_ext(112, QCOW2_EXT_BACKING_FORMAT, "qcow2", 5);
	ck_assert_uint_le(off, 512);
	qhdr()->backing_file_offset = be64_put(512);
	qhdr()->backing_file_size = be32_put(10);
	memcpy(img_buf + 512, "base.qcow2", 10);
	open_and_info("images/top.qcow2", NULL);
	ck_assert_str_eq(img->backing_name, "base.qcow2");
	ck_assert_str_eq(img->backing_full, "images/base.qcow2");
	ck_assert_str_eq(info.backing_filename, "base.qcow2");
	ck_assert_str_eq(info.full_backing_filename, "images/base.qcow2");
	ck_assert_str_eq(info.backing_fmt, "qcow2");
	/* img_open_io never opens the chain. */
	ck_assert_ptr_null(img->backing);
}
END_TEST

START_TEST(test_qcow2_longer_header_opens)
{
	/*
	 * header_length 120: 8 bytes of fields from a future version.  The
	 * spec lets readers skip them; the image must open like any other.
	 */
	build_qcow2(4);
	qhdr()->header_length = be32_put(120);
	memset(img_buf + 112, 0, 8);
	open_and_info("long.qcow2", NULL);
	ck_assert_uint_eq(info.virtual_size, GIB);
	spec_str_is("compat", "1.1");
}
END_TEST

/* Append a snapshot entry at off with an optional full extra area. */
static size_t put_snapshot(size_t off, const char *id, const char *name,
			   bool with_icount)
{
	struct qcow2_disk_snapshot d;
	size_t idl = strlen(id), nl = strlen(name);

	memset(&d, 0, sizeof(d));
	d.l1_table_offset = be64_put(3 * CS);
	d.l1_size = be32_put(2);
	d.id_str_size = be16_put((uint16_t)idl);
	d.name_size = be16_put((uint16_t)nl);
	d.date_sec = be32_put(1600000000);
	d.date_nsec = be32_put(5);
	d.vm_clock_nsec = be64_put(UINT64_C(3000000007));
	d.vm_state_size = be32_put(0);
	d.extra_data_size = be32_put(24);
	memcpy(img_buf + off, &d, sizeof(d));
	off += sizeof(d);
	be64_set(img_buf + off, 4096);
	be64_set(img_buf + off + 8, GIB);
	be64_set(img_buf + off + 16, with_icount ? 77 : UINT64_MAX);
	off += 24;
	memcpy(img_buf + off, id, idl);
	memcpy(img_buf + off + idl, name, nl);
	return (off + idl + nl + 7) & ~(size_t)7;
}

START_TEST(test_qcow2_snapshots_info)
{
	size_t off;

	build_qcow2(5);
	off = put_snapshot(4 * CS, "1", "clean", true);
	put_snapshot(off, "2", "after update", false);
	qhdr()->nb_snapshots = be32_put(2);
	qhdr()->snapshots_offset = be64_put(4 * CS);
	open_and_info("snap.qcow2", NULL);
	ck_assert(info.has_snapshots);
	ck_assert_uint_eq(info.nb_snapshots, 2);
	ck_assert_str_eq(info.snapshots[0].id, "1");
	ck_assert_str_eq(info.snapshots[0].name, "clean");
	ck_assert_uint_eq(info.snapshots[0].date_sec, 1600000000);
	ck_assert_uint_eq(info.snapshots[0].date_nsec, 5);
	ck_assert_uint_eq(info.snapshots[0].vm_clock_nsec,
			  UINT64_C(3000000007));
	ck_assert_uint_eq(info.snapshots[0].vm_state_size, 4096);
	ck_assert_int_eq(info.snapshots[0].icount, 77);
	ck_assert_str_eq(info.snapshots[1].name, "after update");
	ck_assert_int_eq(info.snapshots[1].icount, -1);
}
END_TEST

START_TEST(test_qcow2_info_twice)
{
	struct img_info again;

	/* Each call hands out fresh results; none may leak (ASan). */
	build_qcow2(5);
	put_snapshot(4 * CS, "1", "s", true);
	qhdr()->nb_snapshots = be32_put(1);
	qhdr()->snapshots_offset = be64_put(4 * CS);
	open_and_info("twice.qcow2", NULL);
	ck_assert_int_eq(img_info(img, &again, &err), 0);
	ck_assert_uint_eq(again.nb_snapshots, 1);
	ck_assert_str_eq(again.snapshots[0].name, "s");
	/*
	 * Forget the first result, as a caller would: from here only the
	 * image may hold what it handed out, and img_close must free it.
	 */
	itree_free(info.spec);
	info = again;
}
END_TEST

START_TEST(test_qcow2_snapshot_long_name)
{
	/*
	 * A snapshot whose name is 65535 bytes: the entry (65576 bytes) is
	 * larger than the first 64 KiB read of the table, so the reader must
	 * grow its buffer.  Runs under the case timeout: a reader that does
	 * not grow retries forever.
	 */
	struct qcow2_disk_snapshot d;

	build_qcow2(6);
	memset(&d, 0, sizeof(d));
	d.l1_table_offset = be64_put(3 * CS);
	d.l1_size = be32_put(2);
	d.id_str_size = be16_put(1);
	d.name_size = be16_put(65535);
	memcpy(img_buf + 4 * CS, &d, sizeof(d));
	img_buf[4 * CS + sizeof(d)] = '1';
	memset(img_buf + 4 * CS + sizeof(d) + 1, 'n', 65535);
	qhdr()->nb_snapshots = be32_put(1);
	qhdr()->snapshots_offset = be64_put(4 * CS);
	open_and_info("longname.qcow2", NULL);
	ck_assert_uint_eq(info.nb_snapshots, 1);
	ck_assert_str_eq(info.snapshots[0].id, "1");
	ck_assert_uint_eq(strlen(info.snapshots[0].name), 65535);
}
END_TEST

START_TEST(test_qcow2_snapshot_table_past_eof)
{
	size_t off;

	/* The second entry's name runs past the file's last cluster. */
	build_qcow2(5);
	off = put_snapshot(4 * CS, "1", "x", true);
	put_snapshot(off, "2", "y", true);
	be16_set(img_buf + off + 14, 65535);
	qhdr()->nb_snapshots = be32_put(2);
	qhdr()->snapshots_offset = be64_put(4 * CS);
	ck_assert_fails(try_open("eof.qcow2", NULL), &err, EINVAL,
			"'eof.qcow2': snapshot table runs past the end of the file");
	ck_assert_ptr_null(img);
}
END_TEST

START_TEST(test_qcow2_bitmaps_info)
{
	struct qcow2_disk_bitmaps_ext b;
	struct qcow2_disk_bitmap_entry e;
	const struct itree *arr, *o, *flags;

	build_qcow2(6);
	memset(&b, 0, sizeof(b));
	b.nb_bitmaps = be32_put(1);
	b.bitmap_directory_size = be64_put(32);
	b.bitmap_directory_offset = be64_put(4 * CS);
	put_ext(112, QCOW2_EXT_BITMAPS, &b, sizeof(b));
	qhdr()->autoclear_features = be64_put(QCOW2_AUTOCLEAR_BITMAPS);
	memset(&e, 0, sizeof(e));
	e.bitmap_table_offset = be64_put(5 * CS);
	e.bitmap_table_size = be32_put(1);
	e.flags = be32_put(QCOW2_BITMAP_AUTO);
	e.type = 1;
	e.granularity_bits = 16;
	e.name_size = be16_put(3);
	memcpy(img_buf + 4 * CS, &e, sizeof(e));
	memcpy(img_buf + 4 * CS + sizeof(e), "bm0", 3);
	open_and_info("bm.qcow2", NULL);
	arr = member(info.spec, "bitmaps");
	ck_assert_ptr_nonnull(arr);
	ck_assert_int_eq(arr->type, ITREE_ARRAY);
	o = arr->child;
	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_null(o->next);
	ck_assert_str_eq(member(o, "name")->str, "bm0");
	ck_assert_int_eq(member(o, "granularity")->num, 65536);
	flags = member(o, "flags");
	ck_assert_ptr_nonnull(flags);
	ck_assert_ptr_nonnull(flags->child);
	ck_assert_str_eq(flags->child->str, "auto");
	ck_assert_ptr_null(flags->child->next);
}
END_TEST

START_TEST(test_qcow2_stale_bitmaps_ignored)
{
	struct qcow2_disk_bitmaps_ext b;

	/* Without the autoclear bit the directory is not even read. */
	build_qcow2(5);
	memset(&b, 0, sizeof(b));
	b.nb_bitmaps = be32_put(1);
	b.bitmap_directory_size = be64_put(32);
	b.bitmap_directory_offset = be64_put(4 * CS);
	put_ext(112, QCOW2_EXT_BITMAPS, &b, sizeof(b));
	memset(img_buf + 4 * CS, 0xff, 32);
	open_and_info("stale.qcow2", NULL);
	ck_assert_ptr_null(member(info.spec, "bitmaps"));
}
END_TEST

START_TEST(test_qcow2_luks_info)
{
	static const uint8_t magic[6] = { 'L', 'U', 'K', 'S', 0xba, 0xbe };
	struct qcow2_disk_crypto_ext c;
	const struct itree *enc;
	uint8_t *l;

	build_qcow2(5);
	c.offset = be64_put(4 * CS);
	c.length = be64_put(CS);
	put_ext(112, QCOW2_EXT_CRYPTO_HEADER, &c, sizeof(c));
	qhdr()->crypt_method = be32_put(QCOW2_CRYPT_LUKS);
	l = img_buf + 4 * CS;
	memcpy(l, magic, 6);
	be16_set(l + 6, 1);
	memcpy(l + 8, "aes", 3);
	memcpy(l + 40, "xts-plain64", 11);
	memcpy(l + 72, "sha256", 6);
	be32_set(l + 104, 4096);
	be32_set(l + 108, 64);
	be32_set(l + 164, 1000);
	memcpy(l + 168, "uuid-1", 6);
	open_and_info("luks.qcow2", NULL);
	ck_assert(info.encrypted);
	enc = member(info.spec, "encrypt");
	ck_assert_ptr_nonnull(enc);
	ck_assert_int_eq(enc->type, ITREE_OBJECT);
	ck_assert_str_eq(member(enc, "format")->str, "luks");
	ck_assert_str_eq(member(enc, "cipher-alg")->str, "aes-256");
	ck_assert_str_eq(member(enc, "uuid")->str, "uuid-1");
	ck_assert_int_eq(member(enc, "payload-offset")->num, 4096 * 512);
}
END_TEST

START_TEST(test_qcow2_aes_info)
{
	const struct itree *enc;

	build_qcow2(4);
	qhdr()->crypt_method = be32_put(QCOW2_CRYPT_AES);
	open_and_info("aes.qcow2", NULL);
	ck_assert(info.encrypted);
	enc = member(info.spec, "encrypt");
	ck_assert_ptr_nonnull(enc);
	ck_assert_str_eq(member(enc, "format")->str, "aes");
}
END_TEST

START_TEST(test_qcow2_bad_image_error_prefixed)
{
	build_qcow2(4);
	qhdr()->l1_size = be32_put(1);
	ck_assert_fails(try_open("bad.qcow2", NULL), &err, EINVAL,
			"'bad.qcow2': L1 table too small (l1_size 1, virtual size needs 2)");
	ck_assert_ptr_null(img);
}
END_TEST

START_TEST(test_qcow2_truncated_file)
{
	/* The header says 4 clusters of metadata; the file has 2. */
	build_qcow2(4);
	img_len = 2 * CS;
	ck_assert_fails(try_open("short.qcow2", NULL), &err, EINVAL,
			"'short.qcow2': L1 table (offset 0x30000, 16 bytes) lies past the end of the file (131072 bytes)");
}
END_TEST

/* --- QED and raw --- */

START_TEST(test_qed_info)
{
	build_qed();
	open_and_info("test.qed", NULL);
	ck_assert_str_eq(info.format, "qed");
	ck_assert_uint_eq(info.virtual_size, GIB);
	ck_assert(info.has_cluster_size);
	ck_assert_uint_eq(info.cluster_size, 65536);
	ck_assert_int_eq(info.actual_size, 5 * 65536);
	ck_assert_ptr_null(info.spec_type);
	ck_assert_ptr_null(info.spec);
	ck_assert_ptr_null(info.backing_filename);
}
END_TEST

START_TEST(test_qed_backing)
{
	struct qed_header h = {
		.cluster_size = 64 << 10,
		.table_size = 4,
		.header_size = 1,
		.features = QED_F_BACKING_FILE | QED_F_BACKING_FORMAT_NO_PROBE,
		.l1_table_offset = 64 << 10,
		.image_size = GIB,
		.backing_filename_offset = 64,
		.backing_filename_size = 8,
	};

	build_qed();
	qed_header_to_disk(&h, img_buf);
	memcpy(img_buf + 64, "base.raw", 8);
	open_and_info("d/top.qed", NULL);
	ck_assert_str_eq(info.backing_filename, "base.raw");
	ck_assert_str_eq(info.full_backing_filename, "d/base.raw");
	ck_assert_str_eq(info.backing_fmt, "raw");
}
END_TEST

START_TEST(test_qed_backing_name_with_nul)
{
	struct qed_header h = {
		.cluster_size = 64 << 10,
		.table_size = 4,
		.header_size = 1,
		.features = QED_F_BACKING_FILE,
		.l1_table_offset = 64 << 10,
		.image_size = GIB,
		.backing_filename_offset = 64,
		.backing_filename_size = 8,
	};

	build_qed();
	qed_header_to_disk(&h, img_buf);
	memcpy(img_buf + 64, "base\0raw", 8);
	ck_assert_fails(try_open("nul.qed", NULL), &err, EINVAL,
			"'nul.qed': QED backing file name contains a NUL byte");
}
END_TEST

START_TEST(test_qed_l1_past_eof)
{
	build_qed();
	img_len = 4 * (64 << 10);	/* one table cluster short */
	ck_assert_fails(try_open("short.qed", NULL), &err, EINVAL,
			"'short.qed': QED L1 table (offset 0x10000) lies past the end of the file");
}
END_TEST

START_TEST(test_raw_probe_random_bytes)
{
	uint32_t x = 12345;

	alloc_image(1024);
	for (size_t i = 0; i < img_len; i++) {
		x = x * 1103515245U + 12345U;
		img_buf[i] = (uint8_t)(x >> 16);
	}
	ck_assert(memcmp(img_buf, "QFI\xfb", 4) != 0);
	ck_assert(memcmp(img_buf, "QED\0", 4) != 0);
	open_and_info("random.img", NULL);
	ck_assert_str_eq(info.format, "raw");
	ck_assert_uint_eq(info.virtual_size, 1024);
	ck_assert(!info.has_cluster_size);
	ck_assert_ptr_null(info.spec);
}
END_TEST

START_TEST(test_raw_empty_file)
{
	struct io *io = NULL;

	ck_assert_int_eq(io_mem_open(NULL, 0, "empty", &io, &err), 0);
	ck_assert_int_eq(img_open_io(io, "empty", NULL, 0, &img, &err), 0);
	ck_assert_str_eq(img->drv->name, "raw");
	ck_assert_uint_eq(img->virtual_size, 0);
}
END_TEST

START_TEST(test_probe_qcow_v1_is_not_qcow2)
{
	struct io *io = NULL;

	build_qcow2(4);
	qhdr()->version = be32_put(1);
	ck_assert_int_eq(io_mem_open(img_buf, img_len, "v1", &io, &err), 0);
	ck_assert_ptr_eq(img_probe(io, "v1", &err), &raw_driver);
	io_close(io);
}
END_TEST

START_TEST(test_probe_formats)
{
	struct io *io = NULL;

	build_qcow2(4);
	ck_assert_int_eq(io_mem_open(img_buf, img_len, "q", &io, &err), 0);
	ck_assert_ptr_eq(img_probe(io, "q", &err), &qcow2_driver);
	io_close(io);
	free(img_buf);
	build_qed();
	ck_assert_int_eq(io_mem_open(img_buf, img_len, "e", &io, &err), 0);
	ck_assert_ptr_eq(img_probe(io, "e", &err), &qed_driver);
	io_close(io);
}
END_TEST

START_TEST(test_forced_raw_on_qcow2)
{
	build_qcow2(4);
	open_and_info("forced.qcow2", "raw");
	ck_assert_str_eq(info.format, "raw");
	ck_assert_uint_eq(info.virtual_size, 4 * CS);
}
END_TEST

START_TEST(test_forced_qcow2_on_raw)
{
	alloc_image(4096);
	memset(img_buf, 0x42, img_len);
	ck_assert_fails(try_open("data.img", "qcow2"), &err, EINVAL,
			"'data.img': not a qcow2 image (bad magic)");
	ck_assert_ptr_null(img);
}
END_TEST

START_TEST(test_unknown_format)
{
	alloc_image(512);
	ck_assert_fails(try_open("x.vmdk", "vmdk"), &err, EINVAL,
			"unknown format 'vmdk' (supported: qcow2, qed, raw)");
	ck_assert_ptr_null(img);
}
END_TEST

/* --- create on memory files --- */

/* Run a driver's create on an empty memory file; leaves it open in img. */
static void create_and_open(const char *fmt, const char *options)
{
	const struct driver *drv = img_driver_find(fmt);
	struct opt_set set;
	struct io *io = NULL;
	int ret;

	ck_assert_ptr_nonnull(drv);
	ck_assert_int_eq(opts_init(&set, drv->create_opts,
				   opts_count(drv->create_opts)), 0);
	ret = opts_parse(&set, options, &err);
	ck_assert_msg(ret == 0, "opts: %s", err.msg);
	ck_assert_int_eq(io_mem_open(NULL, 0, "new", &io, &err), 0);
	ret = drv->create(io, "new", &set, &err);
	opts_free(&set);
	if (ret < 0)
		io_close(io);
	ck_assert_msg(ret == 0, "create: %s", err.msg);
	ret = img_open_io(io, "new", NULL, 0, &img, &err);
	ck_assert_msg(ret == 0, "open: %s", err.msg);
	ck_assert_int_eq(img_info(img, &info, &err), 0);
}

START_TEST(test_create_qcow2_default)
{
	const uint8_t *data;
	size_t len;

	create_and_open("qcow2", "size=1G");
	ck_assert_str_eq(info.format, "qcow2");
	ck_assert_uint_eq(info.virtual_size, GIB);
	ck_assert_uint_eq(info.cluster_size, 65536);
	spec_str_is("compat", "1.1");
	spec_int_is("refcount-bits", 16);
	/* Header, refcount table, refcount block, L1: four clusters. */
	data = io_mem_data(img->file, &len);
	ck_assert_uint_eq(len, 4 * CS);
	ck_assert_uint_eq(be64_at(data + CS), 2 * CS);
	for (unsigned int i = 0; i < 4; i++)
		ck_assert_uint_eq(qcow2_refblock_get(data + 2 * CS, 4, i), 1);
	ck_assert_uint_eq(qcow2_refblock_get(data + 2 * CS, 4, 4), 0);
}
END_TEST

START_TEST(test_create_qcow2_options)
{
	create_and_open("qcow2",
			"size=10M,cluster_size=4k,refcount_bits=1,lazy_refcounts=on,compression_type=zstd");
	ck_assert_uint_eq(info.virtual_size, UINT64_C(10) << 20);
	ck_assert_uint_eq(info.cluster_size, 4096);
	spec_int_is("refcount-bits", 1);
	spec_bool_is("lazy-refcounts", true);
	spec_str_is("compression-type", "zstd");
}
END_TEST

START_TEST(test_create_qcow2_v2)
{
	create_and_open("qcow2", "size=1M,compat=0.10");
	spec_str_is("compat", "0.10");
	ck_assert_ptr_null(member(info.spec, "lazy-refcounts"));
}
END_TEST

START_TEST(test_create_qcow2_rounds_size)
{
	create_and_open("qcow2", "size=1000");
	ck_assert_uint_eq(info.virtual_size, 1024);
}
END_TEST

START_TEST(test_create_qcow2_prealloc_metadata)
{
	const uint8_t *data;
	size_t len;

	/*
	 * 1 MiB, 64 KiB clusters: header, refcount table, refcount block,
	 * L1, one L2 table, then 16 data clusters mapped in order.
	 */
	create_and_open("qcow2", "size=1M,preallocation=metadata");
	data = io_mem_data(img->file, &len);
	ck_assert_uint_eq(len, 21 * CS);
	ck_assert_uint_eq(be64_at(data + 3 * CS),
			  (4 * CS) | QCOW2_OFLAG_COPIED);
	ck_assert_uint_eq(be64_at(data + 3 * CS + 8), 0);
	for (unsigned int j = 0; j < 16; j++)
		ck_assert_uint_eq(be64_at(data + 4 * CS + j * 8),
				  ((5 + j) * CS) | QCOW2_OFLAG_COPIED);
	ck_assert_uint_eq(be64_at(data + 4 * CS + 16 * 8), 0);
	for (unsigned int i = 0; i < 21; i++)
		ck_assert_uint_eq(qcow2_refblock_get(data + 2 * CS, 4, i), 1);
	ck_assert_uint_eq(qcow2_refblock_get(data + 2 * CS, 4, 21), 0);
}
END_TEST

START_TEST(test_create_qcow2_falloc_unsupported)
{
	const struct driver *drv = img_driver_find("qcow2");
	struct opt_set set;
	struct io *io = NULL;

	/* Memory files cannot reserve blocks: the error says so. */
	ck_assert_int_eq(opts_init(&set, drv->create_opts,
				   opts_count(drv->create_opts)), 0);
	ck_assert_int_eq(opts_parse(&set, "size=1M,preallocation=falloc",
				    &err), 0);
	ck_assert_int_eq(io_mem_open(NULL, 0, "fa.qcow2", &io, &err), 0);
	ck_assert_fails(drv->create(io, "fa.qcow2", &set, &err), &err,
			ENOTSUP,
			"'fa.qcow2': preallocation=falloc is not supported");
	opts_free(&set);
	io_close(io);
}
END_TEST

/*
 * Create fmt on a fault-wrapped memory file that dies at write stop
 * (0: never); returns the create result and leaves the file's bytes in
 * img_buf/img_len.  *writes gets the number of writes attempted.
 */
static int create_crashing(const char *fmt, const char *options,
			   unsigned long stop, unsigned long *writes)
{
	const struct driver *drv = img_driver_find(fmt);
	struct io_fault_cfg cfg = { .stop_write = stop };
	struct opt_set set;
	struct io *mem = NULL, *io = NULL;
	const uint8_t *data;
	int ret;

	ck_assert_int_eq(opts_init(&set, drv->create_opts,
				   opts_count(drv->create_opts)), 0);
	ck_assert_int_eq(opts_parse(&set, options, &err), 0);
	ck_assert_int_eq(io_mem_open(NULL, 0, "crash", &mem, &err), 0);
	ck_assert_int_eq(io_fault_wrap(mem, &cfg, &io, &err), 0);
	ret = drv->create(io, "crash", &set, &err);
	*writes = io_fault_writes(io);
	data = io_mem_data(mem, &img_len);
	free(img_buf);
	img_buf = malloc(img_len ? img_len : 1);
	ck_assert_ptr_nonnull(img_buf);
	if (img_len)
		memcpy(img_buf, data, img_len);
	io_close(io);
	opts_free(&set);
	return ret;
}

/* A create cut short at any write leaves no image that probes as fmt. */
static void crash_leaves_no_header(const char *fmt, const char *options)
{
	unsigned long n = 0, w = 0;

	ck_assert_int_eq(create_crashing(fmt, options, 0, &n), 0);
	ck_assert_uint_ge(n, 2);
	ck_assert_int_eq(try_open("crash", NULL), 0);
	ck_assert_str_eq(img->drv->name, fmt);
	img_close(img);
	img = NULL;
	for (unsigned long stop = 1; stop <= n; stop++) {
		ck_assert_int_lt(create_crashing(fmt, options, stop, &w), 0);
		ck_assert_msg(img_len < 4 || (memcmp(img_buf, "QFI\xfb", 4) &&
					      memcmp(img_buf, "QED", 4)),
			      "%s: crash at write %lu of %lu left a header",
			      fmt, stop, n);
	}
}

START_TEST(test_create_qcow2_crash_leaves_no_header)
{
	crash_leaves_no_header("qcow2", "size=1G");
}
END_TEST

START_TEST(test_create_qcow2_prealloc_crash_leaves_no_header)
{
	crash_leaves_no_header("qcow2", "size=1M,preallocation=full");
}
END_TEST

START_TEST(test_create_qed_crash_leaves_no_header)
{
	crash_leaves_no_header("qed", "size=1G");
}
END_TEST

START_TEST(test_create_qed)
{
	create_and_open("qed", "size=1G");
	ck_assert_str_eq(info.format, "qed");
	ck_assert_uint_eq(info.virtual_size, GIB);
	ck_assert_uint_eq(info.cluster_size, 65536);
	ck_assert_int_eq(info.actual_size, 5 * 65536);
}
END_TEST

START_TEST(test_create_raw)
{
	create_and_open("raw", "size=1000");
	ck_assert_str_eq(info.format, "raw");
	ck_assert_uint_eq(info.virtual_size, 1024);
}
END_TEST

/* --- img_path_combine --- */

static void combine_is(const char *base, const char *name, const char *want)
{
	char *got = img_path_combine(base, name);

	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_path_combine_relative)
{
	combine_is("dir/a.qcow2", "b", "dir/b");
	combine_is("dir/sub/a", "../b", "dir/sub/../b");
	combine_is("/abs/dir/a", "b.img", "/abs/dir/b.img");
	combine_is("dir/", "b", "dir/b");
}
END_TEST

START_TEST(test_path_combine_no_dir)
{
	combine_is("a.qcow2", "b", "b");
	combine_is("a.qcow2", "sub/b", "sub/b");
}
END_TEST

START_TEST(test_path_combine_absolute)
{
	combine_is("dir/a", "/abs", "/abs");
	combine_is("/x/y", "/abs/b", "/abs/b");
}
END_TEST

Suite *img_suite(void)
{
	Suite *s = suite_create("img");
	TCase *q = tcase_create("qcow2");
	TCase *hang = tcase_create("qcow2-hang");
	TCase *o = tcase_create("other-formats");
	TCase *c = tcase_create("create");
	TCase *p = tcase_create("path");

	tcase_add_checked_fixture(q, setup, teardown);
	tcase_add_test(q, test_qcow2_info);
	tcase_add_test(q, test_qcow2_v2_info);
	tcase_add_test(q, test_qcow2_feature_bits_info);
	tcase_add_test(q, test_qcow2_backing);
	tcase_add_test(q, test_qcow2_longer_header_opens);
	tcase_add_test(q, test_qcow2_snapshots_info);
	tcase_add_test(q, test_qcow2_info_twice);
	tcase_add_test(q, test_qcow2_snapshot_table_past_eof);
	tcase_add_test(q, test_qcow2_bitmaps_info);
	tcase_add_test(q, test_qcow2_stale_bitmaps_ignored);
	tcase_add_test(q, test_qcow2_luks_info);
	tcase_add_test(q, test_qcow2_aes_info);
	tcase_add_test(q, test_qcow2_bad_image_error_prefixed);
	tcase_add_test(q, test_qcow2_truncated_file);
	suite_add_tcase(s, q);

	/* A reader that loops forever is caught by the timeout (fork mode). */
	tcase_add_checked_fixture(hang, setup, teardown);
	tcase_set_timeout(hang, 4);
	tcase_add_test(hang, test_qcow2_snapshot_long_name);
	suite_add_tcase(s, hang);

	tcase_add_checked_fixture(o, setup, teardown);
	tcase_add_test(o, test_qed_info);
	tcase_add_test(o, test_qed_backing);
	tcase_add_test(o, test_qed_backing_name_with_nul);
	tcase_add_test(o, test_qed_l1_past_eof);
	tcase_add_test(o, test_raw_probe_random_bytes);
	tcase_add_test(o, test_raw_empty_file);
	tcase_add_test(o, test_probe_qcow_v1_is_not_qcow2);
	tcase_add_test(o, test_probe_formats);
	tcase_add_test(o, test_forced_raw_on_qcow2);
	tcase_add_test(o, test_forced_qcow2_on_raw);
	tcase_add_test(o, test_unknown_format);
	suite_add_tcase(s, o);

	tcase_add_checked_fixture(c, setup, teardown);
	tcase_set_timeout(c, 20);
	tcase_add_test(c, test_create_qcow2_default);
	tcase_add_test(c, test_create_qcow2_options);
	tcase_add_test(c, test_create_qcow2_v2);
	tcase_add_test(c, test_create_qcow2_rounds_size);
	tcase_add_test(c, test_create_qcow2_prealloc_metadata);
	tcase_add_test(c, test_create_qcow2_falloc_unsupported);
	tcase_add_test(c, test_create_qcow2_crash_leaves_no_header);
	tcase_add_test(c, test_create_qcow2_prealloc_crash_leaves_no_header);
	tcase_add_test(c, test_create_qed_crash_leaves_no_header);
	tcase_add_test(c, test_create_qed);
	tcase_add_test(c, test_create_raw);
	suite_add_tcase(s, c);

	tcase_add_test(p, test_path_combine_relative);
	tcase_add_test(p, test_path_combine_no_dir);
	tcase_add_test(p, test_path_combine_absolute);
	suite_add_tcase(s, p);
	return s;
}
