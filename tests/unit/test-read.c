/* SPDX-License-Identifier: MIT */
/*
 * The read path on memory files: the table cache, io_extent, block status
 * and img_read on qcow2 (standard and extended L2, zlib and zstd clusters),
 * QED and raw images built byte by byte here, qcow2_decode on its own,
 * img_compare and img_convert_raw between memory images, a backing chain
 * linked by hand, and read errors injected with io_fault_wrap.
 *
 * Images are opened with img_open_io: no backing chain, no data file, so
 * what a layer leaves unallocated reads as zeros (unless a test links a
 * backing image itself).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "../../src/convert.h"
#include "../../src/driver.h"
#include "../../src/fmt/qcow2/qcow2.h"
#include "../../src/fmt/qed/qed.h"
#include "../../src/tcache.h"
#include "suites.h"

#define DATA	IMG_BS_DATA
#define ZERO	IMG_BS_ZERO
#define OV	IMG_BS_OFFSET_VALID
#define AL	IMG_BS_ALLOCATED
#define EOF_	IMG_BS_EOF
#define COMP	IMG_BS_COMPRESSED
#define COPIED	QCOW2_OFLAG_COPIED

static struct img_err err;
static struct img *img;
static uint8_t *want;		/* the guest content the image should read as */
static uint64_t want_len;

/* ------------------------------------------------------------- helpers */

/* Deterministic bytes, in runs of 8 so they compress somewhat. */
static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)((((i >> 3) + 1) * UINT32_C(2654435761) +
				  seed * UINT32_C(40503)) >> 24);
}

static void want_init(uint64_t len)
{
	want_len = len;
	want = calloc(1, len ? (size_t)len : 1);
	ck_assert_ptr_nonnull(want);
}

static void setup(void)
{
	memset(&err, 0, sizeof(err));
	img = NULL;
	want = NULL;
	want_len = 0;
}

static void teardown(void);

/* Open bytes as an image; the memory file copies them. */
static int try_open_bytes(const void *buf, size_t len, const char *name,
			  const char *fmt)
{
	struct io *io = NULL;

	ck_assert_int_eq(io_mem_open(buf, len, name, &io, &err), 0);
	return img_open_io(io, name, fmt, 0, &img, &err);
}

static void open_bytes(const void *buf, size_t len, const char *name,
		       const char *fmt)
{
	int ret = try_open_bytes(buf, len, name, fmt);

	ck_assert_msg(ret == 0, "open %s: %s", name, err.msg);
	ck_assert_ptr_nonnull(img);
}

/*
 * The status img_map_status reports at off (asked up to the end): flags
 * (EOF included), length, and the host offset when it is valid.
 */
static void map_is(uint64_t off, unsigned int flags, uint64_t len,
		   uint64_t host)
{
	struct img_status st;
	int ret;

	memset(&st, 0xee, sizeof(st));
	ret = img_map_status(img, off, img->virtual_size - off, &st, &err);
	ck_assert_msg(ret == 0, "map at %" PRIu64 ": %s", off, err.msg);
	ck_assert_msg(st.flags == flags, "map at %" PRIu64 ": flags %#x, want %#x",
		      off, st.flags, flags);
	ck_assert_msg(st.len == len, "map at %" PRIu64 ": len %" PRIu64
		      ", want %" PRIu64, off, st.len, len);
	ck_assert_int_eq(st.depth, 0);
	if (flags & OV) {
		ck_assert_msg(st.host == host, "map at %" PRIu64 ": host %#"
			      PRIx64 ", want %#" PRIx64, off, st.host, host);
		ck_assert_ptr_eq(st.file, img->file);
	}
}

/*
 * The status of [off, off + len) alone: one run of exactly len bytes.  The
 * error tests use it for the good clusters before a broken entry, as a
 * query whose range reaches the broken entry fails as a whole.
 */
static void map_part_is(uint64_t off, uint64_t len, unsigned int flags,
			uint64_t host)
{
	struct img_status st;
	int ret;

	memset(&st, 0xee, sizeof(st));
	ret = img_map_status(img, off, len, &st, &err);
	ck_assert_msg(ret == 0, "map of %" PRIu64 "+%" PRIu64 ": %s", off, len,
		      err.msg);
	ck_assert_msg(st.flags == flags, "map at %" PRIu64 ": flags %#x, want %#x",
		      off, st.flags, flags);
	ck_assert_uint_eq(st.len, len);
	if (flags & OV)
		ck_assert_uint_eq(st.host, host);
}

struct run {
	uint64_t len;
	unsigned int flags;
	uint64_t host;
};

/*
 * Walk the whole image with img_map_status; every run must be the next
 * one in the table, and img_status_above (no backing file: the same
 * question) must agree.
 */
static void map_walk_is(const struct run *r, size_t n)
{
	uint64_t off = 0;

	for (size_t i = 0; i < n; i++) {
		struct img_status st;

		map_is(off, r[i].flags, r[i].len, r[i].host);
		ck_assert_int_eq(img_status_above(img, off,
						  img->virtual_size - off,
						  &st, &err), 0);
		ck_assert_uint_eq(st.flags, r[i].flags);
		ck_assert_uint_eq(st.len, r[i].len);
		off += r[i].len;
	}
	ck_assert_uint_eq(off, img->virtual_size);
}

/* img_read of [off, off + len) must give want's bytes. */
static void read_is(uint64_t off, size_t len)
{
	uint8_t *b;
	int ret;

	ck_assert_uint_le(off + len, want_len);
	b = malloc(len ? len : 1);	/* exact size: ASan sees overruns */
	ck_assert_ptr_nonnull(b);
	memset(b, 0xa5, len);
	ret = img_read(img, off, len, b, &err);
	ck_assert_msg(ret == 0, "img_read(%" PRIu64 ", %zu): %s", off, len,
		      err.msg);
	for (size_t i = 0; i < len; i++)
		if (b[i] != want[off + i]) {
			uint8_t got = b[i], exp = want[off + i];

			free(b);
			ck_abort_msg("img_read(%" PRIu64 ", %zu): byte %" PRIu64
				     " is %#x, want %#x", off, len, off + i,
				     got, exp);
		}
	free(b);
}

/* img_read of [off, off + len) fails with EIO and a message with sub. */
static void read_fails(uint64_t off, size_t len, const char *sub)
{
	uint8_t *b = malloc(len);

	ck_assert_ptr_nonnull(b);
	memset(&err, 0, sizeof(err));
	ck_assert_fails(img_read(img, off, len, b, &err), &err, EIO, sub);
	free(b);
}

static void map_fails(uint64_t off, const char *sub)
{
	struct img_status st;

	memset(&err, 0, sizeof(err));
	ck_assert_fails(img_map_status(img, off, img->virtual_size - off, &st,
				       &err), &err, EIO, sub);
}

/* ---------------------------------------------------- compressed streams */

static size_t deflate_raw(const uint8_t *src, size_t n, uint8_t *dst,
			  size_t cap)
{
	z_stream z;
	size_t out;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, -12, 9,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)src;
	z.avail_in = (uInt)n;
	z.next_out = dst;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	out = z.total_out;
	deflateEnd(&z);
	return out;
}

static size_t zstd_pack(const uint8_t *src, size_t n, uint8_t *dst,
			size_t cap)
{
	size_t r = ZSTD_compress(dst, cap, src, n, 3);

	ck_assert_msg(!ZSTD_isError(r), "ZSTD_compress: %s",
		      ZSTD_getErrorName(r));
	return r;
}

static size_t pack(unsigned int type, const uint8_t *src, size_t n,
		   uint8_t *dst, size_t cap)
{
	return type == QCOW2_COMPRESSION_ZSTD ? zstd_pack(src, n, dst, cap) :
	       deflate_raw(src, n, dst, cap);
}

/* ------------------------------------------------------- qcow2 builder */

/*
 * A qcow2 v3 image built in a byte buffer: header in cluster 0, an empty
 * refcount table in cluster 1 (no refcounts: nothing looks preallocated),
 * the L1 table in cluster 2, the L2 table of L1 index 0 in cluster 3;
 * clusters from 4 on are for data and further tables.
 */
enum { QB_EXTL2 = 1, QB_ZSTD = 2 };

#define H_RT	1
#define H_L1	2
#define H_L2	3

static struct {
	uint8_t *buf;
	size_t len;
	unsigned int cb;
	uint64_t cs, l2n;
	bool extl2;
	unsigned int ctype;
} q;

static void teardown(void)
{
	img_close(img);
	img = NULL;
	free(q.buf);
	memset(&q, 0, sizeof(q));
	free(want);
	want = NULL;
	img_thread_done();
}

static void qb_l1(uint64_t idx, uint64_t entry)
{
	be64_set(q.buf + H_L1 * q.cs + idx * 8, entry);
}

/* The L2 entry of guest cluster c in the table at host cluster table. */
static void qb_l2_in(uint64_t table, uint64_t c, uint64_t entry,
		     uint64_t bitmap)
{
	uint8_t *p;

	ck_assert_uint_lt(c, q.l2n);
	p = q.buf + table * q.cs + c * (q.extl2 ? 16 : 8);
	be64_set(p, entry);
	if (q.extl2)
		be64_set(p + 8, bitmap);
}

static void qb_l2(uint64_t c, uint64_t entry, uint64_t bitmap)
{
	qb_l2_in(H_L2, c, entry, bitmap);
}

static void qb_init(unsigned int cb, uint64_t size, unsigned int clusters,
		    unsigned int flags)
{
	struct qcow2_disk_header *d;
	uint64_t per_l1, l1, incompat = 0;

	q.cb = cb;
	q.cs = UINT64_C(1) << cb;
	q.extl2 = flags & QB_EXTL2;
	q.ctype = (flags & QB_ZSTD) ? QCOW2_COMPRESSION_ZSTD :
		  QCOW2_COMPRESSION_ZLIB;
	q.l2n = q.extl2 ? q.cs / 16 : q.cs / 8;
	q.len = clusters * q.cs;
	q.buf = calloc(1, q.len);
	ck_assert_ptr_nonnull(q.buf);
	per_l1 = q.cs * q.l2n;
	l1 = (size + per_l1 - 1) / per_l1;
	if (!l1)
		l1 = 1;
	ck_assert_uint_le(l1 * 8, q.cs);

	d = (struct qcow2_disk_header *)q.buf;
	d->magic = be32_put(QCOW2_MAGIC);
	d->version = be32_put(3);
	d->cluster_bits = be32_put(cb);
	d->size = be64_put(size);
	d->l1_size = be32_put((uint32_t)l1);
	d->l1_table_offset = be64_put(H_L1 * q.cs);
	d->refcount_table_offset = be64_put(H_RT * q.cs);
	d->refcount_table_clusters = be32_put(1);
	d->refcount_order = be32_put(4);
	d->header_length = be32_put(QCOW2_V3_HEADER_FULL);
	if (q.extl2)
		incompat |= QCOW2_INCOMPAT_EXTL2;
	if (q.ctype == QCOW2_COMPRESSION_ZSTD) {
		incompat |= QCOW2_INCOMPAT_COMPRESSION;
		d->compression_type = QCOW2_COMPRESSION_ZSTD;
	}
	d->incompatible_features = be64_put(incompat);
	qb_l1(0, (H_L2 * q.cs) | COPIED);
}

/* Guest cluster c holds data at host cluster h (pattern seed c + 1). */
static void qb_normal(uint64_t c, uint64_t h)
{
	uint64_t g = c * q.cs;

	fill(q.buf + h * q.cs, (size_t)q.cs, (unsigned int)c + 1);
	qb_l2(c, (h * q.cs) | COPIED, q.extl2 ? 0xffffffffu : 0);
	if (g < want_len)
		memcpy(want + g, q.buf + h * q.cs,
		       (size_t)(want_len - g < q.cs ? want_len - g : q.cs));
}

/* A compressed cluster descriptor for clen bytes at host. */
static uint64_t cdesc(uint64_t host, size_t clen)
{
	unsigned int shift = 62 - (q.cb - 8);
	uint64_t extra = ((host + clen - 1) >> 9) - (host >> 9);

	ck_assert_uint_le(extra, (UINT64_C(1) << (q.cb - 8)) - 1);
	return QCOW2_OFLAG_COMPRESSED | extra << shift | host;
}

/*
 * Guest cluster c compressed (dlen bytes of pattern, normally a whole
 * cluster) at host byte offset host; returns the next free byte.
 */
static uint64_t qb_compressed_len(uint64_t c, uint64_t host, size_t dlen)
{
	uint8_t *plain = malloc(dlen);
	uint64_t g = c * q.cs;
	size_t clen;

	ck_assert_ptr_nonnull(plain);
	fill(plain, dlen, (unsigned int)c + 1000);
	clen = pack(q.ctype, plain, dlen, q.buf + host, q.len - host);
	qb_l2(c, cdesc(host, clen), 0);
	if (g < want_len)
		memcpy(want + g, plain,
		       (size_t)(want_len - g < dlen ? want_len - g : dlen));
	free(plain);
	return host + clen;
}

static uint64_t qb_compressed(uint64_t c, uint64_t host)
{
	return qb_compressed_len(c, host, (size_t)q.cs);
}

static void qb_open(void)
{
	open_bytes(q.buf, q.len, "t.qcow2", "qcow2");
	ck_assert_str_eq(img_driver_name(img->drv), "qcow2");
}

/*
 * The mixed image: 4 KiB clusters, 12.375 clusters of guest space.
 *   guest  0-2  data at host 8-10 (one run)    3   data at host 12
 *          4    zero (plain)                   5   zero, allocated at 13
 *          6-7  unallocated                    8-9 compressed, packed
 *          10   data at host 11                11  data at host 7
 *          12   compressed, partial (1.5 KiB of guest space)
 */
#define MCB	12
#define MCS	(UINT64_C(1) << MCB)
#define MV	(12 * MCS + 1536)

static void build_mixed(unsigned int flags)
{
	uint64_t h;

	qb_init(MCB, MV, 20, flags);
	want_init(MV);
	qb_normal(0, 8);
	qb_normal(1, 9);
	qb_normal(2, 10);
	qb_normal(3, 12);
	qb_l2(4, QCOW2_OFLAG_ZERO, 0);
	fill(q.buf + 13 * MCS, MCS, 99);	/* never read: the cluster is zero */
	qb_l2(5, (13 * MCS) | COPIED | QCOW2_OFLAG_ZERO, 0);
	h = qb_compressed(8, 14 * MCS + 100);
	h = qb_compressed(9, h);
	qb_normal(10, 11);
	qb_normal(11, 7);
	h = qb_compressed(12, h + 3);
	ck_assert_uint_le(h, q.len);
}

static const struct run mixed_runs[] = {
	{ 3 * MCS, DATA | OV | AL, 8 * MCS },
	{ MCS, DATA | OV | AL, 12 * MCS },
	{ MCS, ZERO | AL, 0 },
	{ MCS, ZERO | OV | AL, 13 * MCS },
	{ 2 * MCS, ZERO, 0 },
	{ 2 * MCS, DATA | COMP | AL, 0 },
	{ MCS, DATA | OV | AL, 11 * MCS },
	{ MCS, DATA | OV | AL, 7 * MCS },
	{ 1536, DATA | COMP | AL | EOF_, 0 },
};

/* -------------------------------------------------------------- tcache */

/* A memory file that counts its reads. */
struct count_io {
	struct io io;
	struct io *inner;
	unsigned long reads;
};

/* Reads of every counting file, also of those already closed. */
static unsigned long count_all;

static int count_pread(struct io *io, void *buf, size_t len, uint64_t off,
		       size_t *got, struct img_err *e)
{
	struct count_io *c = (struct count_io *)io;

	c->reads++;
	count_all++;
	return c->inner->ops->pread(c->inner, buf, len, off, got, e);
}

static int count_size(struct io *io, uint64_t *size, struct img_err *e)
{
	return io_size(((struct count_io *)io)->inner, size, e);
}

static int64_t count_allocated_size(struct io *io)
{
	return io_allocated_size(((struct count_io *)io)->inner);
}

static void count_close(struct io *io)
{
	io_close(((struct count_io *)io)->inner);
	free(io->name);
	free(io);
}

static const struct io_ops count_ops = {
	.pread = count_pread,
	.size = count_size,
	.allocated_size = count_allocated_size,
	.close = count_close,
};

/* A counting memory file holding a copy of data. */
static struct count_io *count_bytes(const void *data, size_t len,
				    const char *name)
{
	struct count_io *c = calloc(1, sizeof(*c));

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(io_mem_open(data, len, name, &c->inner, &err), 0);
	c->io.ops = &count_ops;
	c->io.name = strdup(name);
	ck_assert_ptr_nonnull(c->io.name);
	return c;
}

/* A counting memory file of len pattern bytes. */
static struct count_io *count_open(size_t len)
{
	uint8_t *data = malloc(len);
	struct count_io *c;

	ck_assert_ptr_nonnull(data);
	fill(data, len, 7);
	c = count_bytes(data, len, "counted");
	free(data);
	return c;
}

/*
 * tcache_get through io of [off, off + len) gives the file's bytes (read
 * for the comparison from c's memory file, not counted).
 */
static void get_is(struct tcache *tc, struct count_io *c, struct io *io,
		   uint64_t off, size_t len)
{
	uint8_t *exp = malloc(len);
	const uint8_t *p = NULL;
	size_t got = 0;

	ck_assert_ptr_nonnull(exp);
	ck_assert_int_eq(c->inner->ops->pread(c->inner, exp, len, off, &got,
					      &err), 0);
	ck_assert_uint_eq(got, len);
	ck_assert_int_eq(tcache_get(tc, io, off, len, &p, &err), 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_mem_eq(p, exp, len);
	free(exp);
}

START_TEST(test_tcache_miss_then_hit)
{
	struct count_io *c = count_open(8192);
	struct tcache tc;

	const uint8_t *p1 = NULL, *p2 = NULL;

	ck_assert_int_eq(tcache_init(&tc, 2, 1024, &err), 0);
	ck_assert_int_eq(tcache_get(&tc, &c->io, 512, 1024, &p1, &err), 0);
	ck_assert_uint_eq(c->reads, 1);		/* miss */
	ck_assert_int_eq(tcache_get(&tc, &c->io, 512, 1024, &p2, &err), 0);
	ck_assert_uint_eq(c->reads, 1);		/* hit: no read */
	ck_assert_ptr_eq(p1, p2);
	get_is(&tc, c, &c->io, 512, 1024);	/* the file's bytes */
	ck_assert_uint_eq(c->reads, 1);
	get_is(&tc, c, &c->io, 2048, 1000);
	ck_assert_uint_eq(c->reads, 2);
	get_is(&tc, c, &c->io, 512, 1024);
	ck_assert_uint_eq(c->reads, 2);
	tcache_free(&tc);
	tcache_free(&tc);			/* twice is harmless */
	io_close(&c->io);
}
END_TEST

START_TEST(test_tcache_lru_eviction)
{
	struct count_io *c = count_open(16384);
	struct tcache tc;
	const uint8_t *p;
	uint8_t a[512], b[512];

	ck_assert_int_eq(tcache_init(&tc, 2, 512, &err), 0);
	ck_assert_int_eq(tcache_get(&tc, &c->io, 0, 512, &p, &err), 0); /* A */
	memcpy(a, p, 512);
	ck_assert_int_eq(tcache_get(&tc, &c->io, 4096, 512, &p, &err), 0); /* B */
	memcpy(b, p, 512);
	ck_assert_uint_eq(c->reads, 2);
	ck_assert_int_eq(tcache_get(&tc, &c->io, 0, 512, &p, &err), 0); /* A hit */
	ck_assert_uint_eq(c->reads, 2);
	ck_assert_mem_eq(p, a, 512);
	/* C evicts B, the least recently used. */
	ck_assert_int_eq(tcache_get(&tc, &c->io, 8192, 512, &p, &err), 0);
	ck_assert_uint_eq(c->reads, 3);
	ck_assert_int_eq(tcache_get(&tc, &c->io, 0, 512, &p, &err), 0); /* A */
	ck_assert_uint_eq(c->reads, 3);
	ck_assert_mem_eq(p, a, 512);
	ck_assert_int_eq(tcache_get(&tc, &c->io, 4096, 512, &p, &err), 0); /* B */
	ck_assert_uint_eq(c->reads, 4);
	ck_assert_mem_eq(p, b, 512);
	/* B evicted C (A was used after C): C misses, A still hits. */
	ck_assert_int_eq(tcache_get(&tc, &c->io, 0, 512, &p, &err), 0);
	ck_assert_uint_eq(c->reads, 4);
	ck_assert_int_eq(tcache_get(&tc, &c->io, 8192, 512, &p, &err), 0);
	ck_assert_uint_eq(c->reads, 5);
	tcache_free(&tc);
	io_close(&c->io);
}
END_TEST

START_TEST(test_tcache_len_is_part_of_key)
{
	struct count_io *c = count_open(8192);
	struct tcache tc;

	ck_assert_int_eq(tcache_init(&tc, 4, 4096, &err), 0);
	get_is(&tc, c, &c->io, 1024, 512);
	get_is(&tc, c, &c->io, 1024, 4096);	/* same offset, longer: a miss */
	ck_assert_uint_eq(c->reads, 2);
	get_is(&tc, c, &c->io, 1024, 512);	/* both cached now */
	get_is(&tc, c, &c->io, 1024, 4096);
	ck_assert_uint_eq(c->reads, 2);
	tcache_free(&tc);
	io_close(&c->io);
}
END_TEST

START_TEST(test_tcache_too_large)
{
	struct count_io *c = count_open(8192);
	struct tcache tc;
	const uint8_t *p;

	ck_assert_int_eq(tcache_init(&tc, 2, 1024, &err), 0);
	ck_assert_fails(tcache_get(&tc, &c->io, 0, 1025, &p, &err), &err,
			EINVAL, "table slice of 1025 bytes too large");
	ck_assert_uint_eq(c->reads, 0);
	/* Past the end of the file: io_read's error, nothing cached. */
	ck_assert_fails(tcache_get(&tc, &c->io, 7680, 1024, &p, &err), &err,
			EIO, "unexpected end of file reading 1024 bytes at offset 7680");
	ck_assert_fails(tcache_get(&tc, &c->io, 7680, 1024, &p, &err), &err,
			EIO, "unexpected end of file");
	ck_assert_uint_eq(c->reads, 2);
	tcache_free(&tc);
	io_close(&c->io);
}
END_TEST

START_TEST(test_tcache_failed_read_not_cached)
{
	struct count_io *c = count_open(8192);
	struct io_fault_cfg cfg = { .fail_read = 2 };
	struct io *f = NULL;
	struct tcache tc;
	const uint8_t *p;

	ck_assert_int_eq(io_fault_wrap(&c->io, &cfg, &f, &err), 0);
	ck_assert_int_eq(tcache_init(&tc, 2, 1024, &err), 0);
	ck_assert_int_eq(tcache_get(&tc, f, 0, 1024, &p, &err), 0);
	ck_assert_fails(tcache_get(&tc, f, 2048, 1024, &p, &err), &err, EIO,
			"injected read error at offset 2048");
	/* The failed slot holds nothing: the next get reads again. */
	get_is(&tc, c, f, 2048, 1024);
	ck_assert_uint_eq(c->reads, 2);	/* the injected failure never got in */
	get_is(&tc, c, f, 0, 1024);
	get_is(&tc, c, f, 2048, 1024);
	ck_assert_uint_eq(c->reads, 2);
	tcache_free(&tc);
	io_close(f);
}
END_TEST

START_TEST(test_tcache_short_read_not_cached)
{
	/*
	 * A read that ends early leaves part of a slot's buffer overwritten:
	 * the slot must no longer answer for what it held before.
	 */
	struct count_io *c = count_open(8192);
	struct tcache tc;
	const uint8_t *p;

	ck_assert_int_eq(tcache_init(&tc, 2, 1024, &err), 0);
	get_is(&tc, c, &c->io, 0, 1024);		/* A */
	get_is(&tc, c, &c->io, 2048, 1024);		/* B */
	get_is(&tc, c, &c->io, 0, 1024);		/* A again: B is older */
	ck_assert_uint_eq(c->reads, 2);
	ck_assert_fails(tcache_get(&tc, &c->io, 7680, 1024, &p, &err), &err,
			EIO, "unexpected end of file");
	ck_assert_uint_eq(c->reads, 3);
	get_is(&tc, c, &c->io, 2048, 1024);		/* B: read again, right */
	ck_assert_uint_eq(c->reads, 4);
	get_is(&tc, c, &c->io, 0, 1024);		/* A untouched */
	ck_assert_uint_eq(c->reads, 4);
	tcache_free(&tc);
	io_close(&c->io);
}
END_TEST

/* ----------------------------------------------------------- io_extent */

START_TEST(test_io_extent_mem_data_to_eof)
{
	struct count_io *c = count_open(3000);
	struct io_extent e;

	memset(&e, 0xee, sizeof(e));
	ck_assert_int_eq(io_extent(c->inner, 0, 100, &e, &err), 0);
	ck_assert_uint_eq(e.len, 100);
	ck_assert(!e.hole);
	ck_assert(!e.eof);
	ck_assert_int_eq(io_extent(c->inner, 1000, 1UL << 20, &e, &err), 0);
	ck_assert_uint_eq(e.len, 2000);
	ck_assert(!e.hole);
	ck_assert(e.eof);
	ck_assert_int_eq(io_extent(c->inner, 2999, 1, &e, &err), 0);
	ck_assert_uint_eq(e.len, 1);
	ck_assert(!e.hole);
	ck_assert(e.eof);			/* exactly reaches the end */
	io_close(&c->io);
}
END_TEST

START_TEST(test_io_extent_mem_past_eof)
{
	struct count_io *c = count_open(3000);
	struct io_extent e;

	memset(&e, 0xee, sizeof(e));
	ck_assert_int_eq(io_extent(c->inner, 3000, 512, &e, &err), 0);
	ck_assert_uint_eq(e.len, 0);
	ck_assert(e.hole);
	ck_assert(e.eof);
	memset(&e, 0xee, sizeof(e));
	ck_assert_int_eq(io_extent(c->inner, UINT64_C(1) << 40, 512, &e, &err), 0);
	ck_assert_uint_eq(e.len, 0);
	ck_assert(e.hole);
	ck_assert(e.eof);
	io_close(&c->io);
}
END_TEST

START_TEST(test_io_extent_through_fault_wrapper)
{
	struct count_io *c = count_open(3000);
	struct io_fault_cfg cfg = { .fail_read = 1 };
	struct io *f = NULL;
	struct io_extent e;

	ck_assert_int_eq(io_fault_wrap(c->inner, &cfg, &f, &err), 0);
	c->inner = NULL;
	ck_assert_int_eq(io_extent(f, 2048, 4096, &e, &err), 0);
	ck_assert_uint_eq(e.len, 952);
	ck_assert(!e.hole);
	ck_assert(e.eof);
	ck_assert_int_eq(io_extent(f, 4096, 4096, &e, &err), 0);
	ck_assert_uint_eq(e.len, 0);
	ck_assert(e.eof);
	io_close(f);
	free(c->io.name);
	free(c);
}
END_TEST

/* ------------------------------------------------------- qcow2 reading */

static void mixed_map(unsigned int flags)
{
	build_mixed(flags);
	qb_open();
	map_walk_is(mixed_runs, sizeof(mixed_runs) / sizeof(mixed_runs[0]));
	/* Asked from the middle of a run, with a length inside it. */
	map_is(MCS + 100, DATA | OV | AL, 2 * MCS - 100, 9 * MCS + 100);
	{
		struct img_status st;

		ck_assert_int_eq(img_block_status(img, MCS, 1000, &st, &err), 0);
		ck_assert_uint_eq(st.flags, DATA | OV | AL);
		ck_assert_uint_eq(st.len, 1000);
		ck_assert_uint_eq(st.host, 9 * MCS);
		ck_assert_int_eq(img_block_status(img, 6 * MCS + 1, MCS, &st,
						  &err), 0);
		ck_assert_uint_eq(st.flags, ZERO);
		ck_assert_uint_eq(st.len, MCS);
		/* At or past the end: EOF, nothing else. */
		ck_assert_int_eq(img_block_status(img, MV, 512, &st, &err), 0);
		ck_assert_uint_eq(st.flags, EOF_);
		ck_assert_uint_eq(st.len, 0);
	}
}

START_TEST(test_qcow2_map_mixed_zlib)
{
	mixed_map(0);
}
END_TEST

START_TEST(test_qcow2_map_mixed_zstd)
{
	mixed_map(QB_ZSTD);
}
END_TEST

static void mixed_read(unsigned int flags)
{
	build_mixed(flags);
	qb_open();
	read_is(0, MV);				/* everything at once */
	read_is(2 * MCS + 100, 2 * MCS);	/* across a run boundary */
	read_is(5 * MCS - 10, 3 * MCS + 20);	/* zero, zero alloc, unalloc */
	read_is(8 * MCS + 1000, MCS + 500);	/* mid compressed clusters */
	read_is(9 * MCS + 7, 1);		/* one byte of one */
	read_is(7 * MCS, 4 * MCS);		/* unalloc, compressed, data */
	read_is(12 * MCS + 10, 1526);		/* partial last cluster */
	read_is(12 * MCS, 1536);
	read_is(MV, 0);
	/* Again, now that tables and decoders are warm. */
	read_is(0, MV);
}

START_TEST(test_qcow2_read_mixed_zlib)
{
	mixed_read(0);
}
END_TEST

START_TEST(test_qcow2_read_mixed_zstd)
{
	mixed_read(QB_ZSTD);
}
END_TEST

START_TEST(test_qcow2_read_every_offset)
{
	/* Small reads at many alignments, each checked byte for byte. */
	build_mixed(0);
	qb_open();
	for (uint64_t off = 0; off < MV; off += 1531)
		read_is(off, (size_t)(MV - off < 3000 ? MV - off : 3000));
}
END_TEST

START_TEST(test_qcow2_packed_compressed_one_read)
{
	/*
	 * Compressed clusters packed back to back are read in one call, and
	 * once the tables are cached block status reads nothing.
	 */
	struct count_io *c;
	struct io *io;

	build_mixed(0);
	c = count_bytes(q.buf, q.len, "t.qcow2");
	io = &c->io;
	ck_assert_int_eq(img_open_io(io, "t.qcow2", "qcow2", 0, &img, &err), 0);
	read_is(0, MV);				/* tables now cached */
	c->reads = 0;
	map_walk_is(mixed_runs, sizeof(mixed_runs) / sizeof(mixed_runs[0]));
	ck_assert_uint_eq(c->reads, 0);
	read_is(8 * MCS, 2 * MCS);		/* clusters 8 and 9 */
	ck_assert_uint_eq(c->reads, 1);
	read_is(8 * MCS + 5, 2 * MCS - 10);
	ck_assert_uint_eq(c->reads, 2);
	read_is(0, 3 * MCS);			/* one data run: one read */
	ck_assert_uint_eq(c->reads, 3);
}
END_TEST

START_TEST(test_qcow2_unallocated_l1)
{
	/*
	 * 512-byte clusters: an L2 table maps 32 KiB.  L1 entries 0 and 2
	 * have tables, 1 and 3 none; the last L1 entry is partial.
	 */
	const uint64_t span = 512 * 64, v = 3 * span + 5120;

	qb_init(9, v, 12, 0);
	want_init(v);
	qb_l1(2, (5 * 512) | COPIED);
	qb_normal(0, 6);
	qb_normal(63, 7);		/* last of L2 table 0 */
	qb_l2_in(5, 0, (8 * 512) | COPIED, 0);	/* first of table 2 */
	fill(q.buf + 8 * 512, 512, 77);
	memcpy(want + 2 * span, q.buf + 8 * 512, 512);
	qb_open();
	{
		const struct run r[] = {
			{ 512, DATA | OV | AL, 6 * 512 },
			{ 62 * 512, ZERO, 0 },
			{ 512, DATA | OV | AL, 7 * 512 },
			/* table 1 missing: one run up to table 2 */
			{ span, ZERO, 0 },
			{ 512, DATA | OV | AL, 8 * 512 },
			{ span - 512 + 5120, ZERO | EOF_, 0 },
		};

		map_walk_is(r, sizeof(r) / sizeof(r[0]));
	}
	read_is(0, (size_t)v);
	read_is(span - 100, (size_t)span + 200);
}
END_TEST

START_TEST(test_qcow2_zero_alloc_not_merged_with_data)
{
	/* A zero cluster allocated right after a data cluster: two runs. */
	qb_init(MCB, 4 * MCS, 10, 0);
	want_init(4 * MCS);
	qb_normal(0, 5);
	fill(q.buf + 6 * MCS, MCS, 3);
	qb_l2(1, (6 * MCS) | COPIED | QCOW2_OFLAG_ZERO, 0);
	qb_l2(2, (7 * MCS) | COPIED | QCOW2_OFLAG_ZERO, 0);
	qb_normal(3, 8);
	qb_open();
	{
		const struct run r[] = {
			{ MCS, DATA | OV | AL, 5 * MCS },
			{ 2 * MCS, ZERO | OV | AL, 6 * MCS },	/* contiguous */
			{ MCS, DATA | OV | AL | EOF_, 8 * MCS },
		};

		map_walk_is(r, sizeof(r) / sizeof(r[0]));
	}
	read_is(0, 4 * MCS);
}
END_TEST

/* ------------------------------------------------- qcow2 errors on read */

/* A 6-cluster image with a corrupt compressed cluster at guest 2. */
static void bad_compressed(unsigned int flags, size_t dlen)
{
	qb_init(MCB, 6 * MCS, 16, flags);
	want_init(6 * MCS);
	qb_normal(0, 5);
	qb_normal(1, 6);
	qb_compressed_len(2, 8 * MCS + 17, dlen);
	qb_normal(3, 7);
	qb_open();
	/* Block status does not decode: it still says compressed data. */
	map_is(2 * MCS, DATA | COMP | AL, MCS, 0);
	read_is(0, 2 * MCS);			/* the good part reads */
	read_is(3 * MCS, MCS);
}

START_TEST(test_qcow2_compressed_short_zlib)
{
	bad_compressed(0, MCS - 100);
	read_fails(0, 6 * MCS, "'t.qcow2': guest offset 8192: compressed cluster decodes to less than a cluster");
	read_fails(2 * MCS + 100, 10, "guest offset 8192: compressed cluster decodes to less");
}
END_TEST

START_TEST(test_qcow2_compressed_short_zstd)
{
	bad_compressed(QB_ZSTD, MCS - 1);
	read_fails(0, 6 * MCS, "'t.qcow2': guest offset 8192: compressed cluster decodes to less than a cluster");
}
END_TEST

START_TEST(test_qcow2_compressed_long_zlib)
{
	bad_compressed(0, MCS + 1);
	read_fails(MCS, 2 * MCS, "'t.qcow2': guest offset 8192: compressed cluster decodes to more than a cluster");
}
END_TEST

START_TEST(test_qcow2_compressed_long_zstd)
{
	bad_compressed(QB_ZSTD, 2 * MCS);
	read_fails(2 * MCS + 4000, 96, "'t.qcow2': guest offset 8192: compressed cluster decodes to more than a cluster");
}
END_TEST

static void garbage_compressed(unsigned int flags)
{
	qb_init(MCB, 4 * MCS, 10, flags);
	want_init(4 * MCS);
	qb_normal(0, 5);
	memset(q.buf + 6 * MCS, 0xff, 600);
	qb_l2(3, cdesc(6 * MCS, 600), 0);
	qb_open();
	read_is(0, MCS);
	read_fails(0, 4 * MCS, "'t.qcow2': guest offset 12288: compressed cluster is not a valid compressed stream");
}

START_TEST(test_qcow2_compressed_bad_zlib)
{
	garbage_compressed(0);
}
END_TEST

START_TEST(test_qcow2_compressed_bad_zstd)
{
	garbage_compressed(QB_ZSTD);
}
END_TEST

START_TEST(test_qcow2_compressed_past_eof)
{
	qb_init(MCB, 4 * MCS, 8, 0);
	want_init(4 * MCS);
	qb_l2(1, cdesc(100 * MCS + 8, 700), 0);
	qb_open();
	map_is(MCS, DATA | COMP | AL, MCS, 0);
	read_fails(MCS, MCS, "'t.qcow2': guest offset 4096: compressed cluster (host offset 0x64008, 1016 bytes) runs past the end of the file");
}
END_TEST

START_TEST(test_qcow2_compressed_stream_at_file_end)
{
	/*
	 * The last stream ends mid-sector, where the file ends: the sector
	 * count runs past the file, which qemu writes and must read.
	 */
	uint64_t end;

	qb_init(MCB, 2 * MCS, 8, 0);
	want_init(2 * MCS);
	end = qb_compressed(1, 6 * MCS + 40);
	q.len = (size_t)end;		/* cut the file right after it */
	qb_open();
	read_is(0, 2 * MCS);
}
END_TEST

START_TEST(test_qcow2_l2_reserved_bits)
{
	qb_init(MCB, 4 * MCS, 10, 0);
	want_init(4 * MCS);
	qb_normal(0, 5);
	qb_l2(1, (6 * MCS) | COPIED | 2, 0);		/* bit 1 */
	qb_l2(2, (7 * MCS) | (UINT64_C(1) << 56), 0);	/* bit 56 */
	qb_open();
	map_part_is(0, MCS, DATA | OV | AL, 5 * MCS);
	map_fails(MCS, "'t.qcow2': guest offset 4096: L2 entry 0x8000000000006002 has reserved bits set");
	map_fails(2 * MCS, "'t.qcow2': guest offset 8192: L2 entry 0x0100000000007000 has reserved bits set");
	read_is(0, MCS);
	read_fails(0, 4 * MCS, "guest offset 4096: L2 entry 0x8000000000006002 has reserved bits set");
}
END_TEST

START_TEST(test_qcow2_l2_unaligned)
{
	qb_init(MCB, 4 * MCS, 10, 0);
	want_init(4 * MCS);
	qb_l2(3, (6 * MCS + 512) | COPIED, 0);
	qb_open();
	/* The good clusters before the bad entry come back; it fails next. */
	map_part_is(0, 3 * MCS, ZERO, 0);
	map_fails(3 * MCS, "'t.qcow2': guest offset 12288: cluster offset 0x6200 unaligned");
	read_fails(3 * MCS + 1, 1, "guest offset 12288: cluster offset 0x6200 unaligned");
}
END_TEST

START_TEST(test_qcow2_l2_past_eof)
{
	qb_init(MCB, 4 * MCS, 10, 0);
	want_init(4 * MCS);
	qb_normal(0, 5);
	qb_l2(1, (100 * MCS) | COPIED, 0);
	qb_open();
	map_fails(MCS, "'t.qcow2': guest offset 4096: cluster at host offset 0x64000 lies past the end of the file");
	read_is(0, MCS);
	read_fails(0, 2 * MCS, "'t.qcow2': guest offset 4096: cluster at host offset 0x64000 lies past the end of the file");
}
END_TEST

START_TEST(test_qcow2_data_cut_short_by_eof)
{
	/* The cluster starts inside the file but the file ends 100 bytes in. */
	qb_init(MCB, 4 * MCS, 10, 0);
	want_init(4 * MCS);
	qb_normal(0, 8);
	qb_normal(3, 9);
	q.len = 9 * MCS + 100;
	qb_open();
	/* Block status refuses the cluster: convert must not call it zeros. */
	map_fails(3 * MCS, "'t.qcow2': guest offset 12288: data at host offset 0x9000 runs past the end of the file");
	read_fails(0, 4 * MCS, "'t.qcow2': guest offset 12288: data at host offset 0x9000 runs past the end of the file");
	read_fails(3 * MCS + 50, 100, "'t.qcow2': guest offset 12338: data at host offset 0x9032 runs past the end of the file");
}
END_TEST

START_TEST(test_qcow2_l1_reserved_bits)
{
	qb_init(9, 3 * 512 * 64, 8, 0);
	want_init(3 * 512 * 64);
	qb_l1(1, (5 * 512) | 2);
	qb_open();
	map_part_is(0, 512 * 64, ZERO, 0);
	map_fails(512 * 64, "'t.qcow2': L1 entry 1 (0x0000000000000a02) has reserved bits set");
	read_fails(512 * 64 + 512, 512, "L1 entry 1 (0x0000000000000a02) has reserved bits set");
}
END_TEST

START_TEST(test_qcow2_l1_past_eof_and_unaligned)
{
	const uint64_t span = MCS * 512;	/* what one L2 table maps */

	qb_init(MCB, 3 * span, 8, 0);
	want_init(3 * span);
	qb_l1(1, (8 * MCS) | COPIED);		/* the file has 8 clusters */
	qb_l1(2, (5 * MCS + 512) | COPIED);
	qb_open();
	map_part_is(0, span, ZERO, 0);
	map_fails(span, "'t.qcow2': L2 table at offset 0x8000 (L1 index 1) lies past the end of the file");
	map_fails(2 * span, "'t.qcow2': L2 table offset 0x5200 unaligned (L1 index 2)");
	read_fails(span - 10, 20, "'t.qcow2': L2 table at offset 0x8000 (L1 index 1) lies past the end of the file");
}
END_TEST

START_TEST(test_qcow2_data_file_not_open)
{
	struct qcow2_disk_header *d;

	qb_init(MCB, 4 * MCS, 8, 0);
	d = (struct qcow2_disk_header *)q.buf;
	d->incompatible_features = be64_put(QCOW2_INCOMPAT_DATA_FILE);
	qb_open();
	{
		struct img_status st;
		uint8_t b[8];

		ck_assert_fails(img_map_status(img, 0, MCS, &st, &err), &err,
				EINVAL, "'t.qcow2': the external data file is not open");
		ck_assert_fails(img_read(img, 0, sizeof(b), b, &err), &err,
				EINVAL, "'t.qcow2': the external data file is not open");
	}
}
END_TEST

START_TEST(test_qcow2_encrypted_data_not_read)
{
	/* AES (v3 still accepts it for reading metadata): data is refused. */
	struct qcow2_disk_header *d;
	uint8_t b[16];

	qb_init(MCB, 4 * MCS, 8, 0);
	want_init(4 * MCS);
	qb_normal(0, 5);
	d = (struct qcow2_disk_header *)q.buf;
	d->crypt_method = be32_put(QCOW2_CRYPT_AES);
	qb_open();
	map_is(0, DATA | AL, MCS, 0);		/* no host offset */
	ck_assert_fails(img_read(img, 0, sizeof(b), b, &err), &err, ENOTSUP,
			"'t.qcow2': encrypted images cannot be read");
}
END_TEST

/* ---------------------------------------------------------- extended L2 */

#define XCB	14
#define XCS	(UINT64_C(1) << XCB)
#define SC	(XCS / 32)

static uint64_t bits(unsigned int from, unsigned int to)	/* [from, to] */
{
	uint64_t b = 0;

	for (unsigned int i = from; i <= to; i++)
		b |= UINT64_C(1) << i;
	return b;
}

/*
 * 16 KiB clusters, 512-byte subclusters, 4 clusters of guest space:
 *   cluster 0 at host 4: subclusters 0-3 data, 4-5 zero, 6-7 unallocated,
 *             8-9 data, 10-30 unallocated, 31 data
 *   cluster 1 at host 5: all data (contiguous with subcluster 31 above)
 *   cluster 2 no host:   subclusters 0-15 zero, the rest unallocated
 *   cluster 3 nothing
 */
static void build_extl2(void)
{
	uint64_t b0 = bits(0, 3) | bits(8, 9) | bits(31, 31) |
		      (bits(4, 5) << 32);

	qb_init(XCB, 4 * XCS, 6, QB_EXTL2);
	want_init(4 * XCS);
	fill(q.buf + 4 * XCS, XCS, 41);
	qb_l2(0, (4 * XCS) | COPIED, b0);
	memcpy(want, q.buf + 4 * XCS, 4 * SC);
	memcpy(want + 8 * SC, q.buf + 4 * XCS + 8 * SC, 2 * SC);
	memcpy(want + 31 * SC, q.buf + 4 * XCS + 31 * SC, SC);
	qb_normal(1, 5);
	qb_l2(2, 0, bits(0, 15) << 32);
	qb_open();
}

START_TEST(test_extl2_subcluster_runs)
{
	const struct run r[] = {
		{ 4 * SC, DATA | OV | AL, 4 * XCS },
		{ 2 * SC, ZERO | OV | AL, 4 * XCS + 4 * SC },
		/* unallocated subclusters of an allocated cluster */
		{ 2 * SC, ZERO | OV, 4 * XCS + 6 * SC },
		{ 2 * SC, DATA | OV | AL, 4 * XCS + 8 * SC },
		{ 21 * SC, ZERO | OV, 4 * XCS + 10 * SC },
		/* subcluster 31 and the next cluster: one host run */
		{ SC + XCS, DATA | OV | AL, 4 * XCS + 31 * SC },
		{ 16 * SC, ZERO | AL, 0 },
		{ 16 * SC + XCS, ZERO | EOF_, 0 },
	};

	build_extl2();
	map_walk_is(r, sizeof(r) / sizeof(r[0]));
	map_is(SC + 3, DATA | OV | AL, 3 * SC - 3, 4 * XCS + SC + 3);
}
END_TEST

START_TEST(test_extl2_read)
{
	build_extl2();
	read_is(0, 4 * XCS);
	read_is(3 * SC + 100, 7 * SC);
	read_is(30 * SC, XCS);
	read_is(2 * XCS - 1, 2);
}
END_TEST

START_TEST(test_extl2_compressed)
{
	uint64_t h;

	qb_init(XCB, 3 * XCS, 8, QB_EXTL2 | QB_ZSTD);
	want_init(3 * XCS);
	qb_normal(0, 4);
	h = qb_compressed(1, 5 * XCS + 200);
	qb_compressed(2, h);
	qb_open();
	{
		const struct run r[] = {
			{ XCS, DATA | OV | AL, 4 * XCS },
			{ 2 * XCS, DATA | COMP | AL | EOF_, 0 },
		};

		map_walk_is(r, sizeof(r) / sizeof(r[0]));
	}
	read_is(0, 3 * XCS);
	read_is(XCS + 3 * SC + 1, XCS);
}
END_TEST

START_TEST(test_extl2_both_bits)
{
	qb_init(XCB, 4 * XCS, 6, QB_EXTL2);
	want_init(4 * XCS);
	qb_normal(0, 4);
	qb_l2(1, (5 * XCS) | COPIED, bits(0, 3) | (bits(3, 3) << 32));
	qb_open();
	map_part_is(0, XCS, DATA | OV | AL, 4 * XCS);
	map_fails(XCS, "'t.qcow2': guest offset 16384: subcluster both allocated and zero (bitmap 0x000000080000000f)");
	read_fails(0, 2 * XCS, "guest offset 16384: subcluster both allocated and zero");
}
END_TEST

START_TEST(test_extl2_reserved_bit0)
{
	/* Bit 0 (the standard zero flag) is reserved with extended L2. */
	qb_init(XCB, 4 * XCS, 6, QB_EXTL2);
	want_init(4 * XCS);
	qb_l2(1, (5 * XCS) | COPIED | QCOW2_OFLAG_ZERO, bits(0, 31));
	qb_open();
	map_part_is(0, XCS, ZERO, 0);
	map_fails(XCS, "'t.qcow2': guest offset 16384: L2 entry 0x8000000000014001 has reserved bits set");
	read_fails(XCS + 512, 512, "guest offset 16384: L2 entry 0x8000000000014001 has reserved bits set");
	/* Also without a host offset. */
	qb_l2(1, QCOW2_OFLAG_ZERO, 0);
	img_close(img);
	img = NULL;
	qb_open();
	map_fails(XCS, "'t.qcow2': guest offset 16384: L2 entry 0x0000000000000001 has reserved bits set");
}
END_TEST

START_TEST(test_extl2_unallocated_with_data_bits)
{
	qb_init(XCB, 4 * XCS, 6, QB_EXTL2);
	want_init(4 * XCS);
	qb_l2(2, 0, bits(5, 5));
	qb_open();
	map_fails(2 * XCS, "'t.qcow2': guest offset 32768: unallocated cluster with allocated subclusters (bitmap 0x0000000000000020)");
	read_fails(0, 4 * XCS, "guest offset 32768: unallocated cluster with allocated subclusters");
}
END_TEST

START_TEST(test_extl2_compressed_with_bitmap)
{
	uint8_t plain[XCS], packed[XCS * 2];
	size_t clen;

	qb_init(XCB, 4 * XCS, 8, QB_EXTL2);
	want_init(4 * XCS);
	fill(plain, sizeof(plain), 5);
	clen = deflate_raw(plain, sizeof(plain), packed, sizeof(packed));
	memcpy(q.buf + 5 * XCS, packed, clen);
	qb_l2(1, cdesc(5 * XCS, clen), UINT64_C(1) << 40);
	qb_open();
	map_fails(XCS, "'t.qcow2': guest offset 16384: compressed cluster with a subcluster bitmap (0x0000010000000000)");
	read_fails(XCS, XCS, "guest offset 16384: compressed cluster with a subcluster bitmap");
}
END_TEST

/* ----------------------------------------------------------------- QED */

/*
 * 4 KiB clusters, one-cluster tables (512 entries: an L2 table maps
 * 2 MiB), 4 MiB of guest space.  Header in cluster 0, L1 in 1, the L2
 * table of L1 entry 0 in 2, data from 3.
 */
#define QCS	4096u
#define QV	(UINT64_C(4) << 20)

static uint8_t *qed_buf;
static size_t qed_len;

static void qed_l2(uint64_t c, uint64_t entry)
{
	le64_set(qed_buf + 2 * QCS + c * 8, entry);
}

static void qed_data(uint64_t c, uint64_t h)
{
	fill(qed_buf + h * QCS, QCS, (unsigned int)c + 500);
	qed_l2(c, h * QCS);
	memcpy(want + c * QCS, qed_buf + h * QCS, QCS);
}

static void build_qed(void)
{
	struct qed_header h = {
		.cluster_size = QCS,
		.table_size = 1,
		.header_size = 1,
		.l1_table_offset = QCS,
		.image_size = QV,
	};

	qed_len = 8 * QCS;
	qed_buf = calloc(1, qed_len);
	ck_assert_ptr_nonnull(qed_buf);
	want_init(QV);
	qed_header_to_disk(&h, qed_buf);
	le64_set(qed_buf + QCS, 2 * QCS);	/* L1[0] */
	qed_data(0, 3);
	qed_data(1, 4);			/* contiguous: one run */
	qed_l2(2, 1);			/* zero cluster */
	/* 3 unallocated */
	qed_data(4, 6);
	qed_data(5, 5);			/* backwards: a new run */
	fill(qed_buf + 7 * QCS, QCS, 1);	/* unreferenced */
}

static void qed_teardown(void)
{
	free(qed_buf);
	qed_buf = NULL;
	teardown();
}

static void qed_open(void)
{
	open_bytes(qed_buf, qed_len, "t.qed", NULL);	/* probed */
	ck_assert_str_eq(img_driver_name(img->drv), "qed");
	ck_assert_uint_eq(img->virtual_size, QV);
}

START_TEST(test_qed_map)
{
	const struct run r[] = {
		{ 2 * QCS, DATA | OV | AL, 3 * QCS },
		{ QCS, ZERO | AL, 0 },
		{ QCS, ZERO, 0 },
		{ QCS, DATA | OV | AL, 6 * QCS },
		{ QCS, DATA | OV | AL, 5 * QCS },
		/* the rest of table 0 and all of the missing table 1 */
		{ QV - 6 * QCS, ZERO | EOF_, 0 },
	};

	build_qed();
	qed_open();
	map_walk_is(r, sizeof(r) / sizeof(r[0]));
	map_is(QCS + 5, DATA | OV | AL, QCS - 5, 4 * QCS + 5);
}
END_TEST

START_TEST(test_qed_read)
{
	build_qed();
	qed_open();
	read_is(0, (size_t)QV);
	read_is(QCS - 3, 5 * QCS);
	read_is(5 * QCS + 4000, 200);
	read_is((UINT64_C(2) << 20) - 10, 20);	/* across the L1 boundary */
}
END_TEST

START_TEST(test_qed_misaligned_entry)
{
	build_qed();
	qed_l2(1, 5 * QCS + 8);
	qed_open();
	map_part_is(0, QCS, DATA | OV | AL, 3 * QCS);
	map_fails(QCS, "'t.qed': guest offset 4096: L2 entry 0x5008 is not cluster-aligned");
	read_fails(0, 3 * QCS, "'t.qed': guest offset 4096: L2 entry 0x5008 is not cluster-aligned");
}
END_TEST

START_TEST(test_qed_entry_past_eof)
{
	build_qed();
	qed_l2(4, 100 * QCS);
	qed_open();
	map_fails(4 * QCS, "'t.qed': guest offset 16384: L2 entry 0x64000 is past the end of the file");
	read_fails(4 * QCS + 1, 1, "guest offset 16384: L2 entry 0x64000 is past the end of the file");
}
END_TEST

START_TEST(test_qed_bad_l1_entry)
{
	build_qed();
	le64_set(qed_buf + QCS + 8, 3 * QCS + 1);	/* L1[1] unaligned */
	qed_open();
	map_part_is(6 * QCS, (UINT64_C(2) << 20) - 6 * QCS, ZERO, 0);
	map_fails(UINT64_C(2) << 20, "'t.qed': L1 entry 1 (0x3001) is not a valid L2 table offset");
	le64_set(qed_buf + QCS + 8, 8 * QCS);		/* at the end of the file */
	img_close(img);
	img = NULL;
	qed_open();
	map_fails(UINT64_C(2) << 20, "'t.qed': L1 entry 1 (0x8000) is not a valid L2 table offset");
}
END_TEST

START_TEST(test_qed_data_cut_short)
{
	build_qed();
	qed_data(6, 7);
	qed_len = 7 * QCS + 1000;
	qed_open();
	map_is(6 * QCS, DATA | OV | AL, QCS, 7 * QCS);
	read_is(6 * QCS, 1000);
	read_fails(6 * QCS, QCS, "'t.qed': guest offset 25576: data at host offset 29672 lies past the end of 't.qed'");
}
END_TEST

/* ----------------------------------------------------------------- raw */

START_TEST(test_raw_all_data)
{
	uint8_t data[3000];

	fill(data, sizeof(data), 9);
	want_init(3072);
	memcpy(want, data, sizeof(data));
	open_bytes(data, sizeof(data), "t.raw", "raw");
	ck_assert_uint_eq(img->virtual_size, 3072);
	{
		const struct run r[] = {
			{ 3000, DATA | OV | AL, 0 },
			/* the tail of the last sector, past the file */
			{ 72, ZERO | OV | AL | EOF_, 3000 },
		};

		map_walk_is(r, sizeof(r) / sizeof(r[0]));
	}
	map_is(1000, DATA | OV | AL, 2000, 1000);
	read_is(0, 3072);
	read_is(2990, 82);
}
END_TEST

/* -------------------------------------------------- compare and convert */

static struct img *img2;

static void cc_teardown(void)
{
	img_close(img2);
	img2 = NULL;
	teardown();
}


/* img2: a raw image of want's bytes, with one byte changed if at >= 0. */
static void open_raw_copy(int64_t at, uint64_t len)
{
	uint8_t *b = calloc(1, (size_t)len);
	struct io *io = NULL;

	ck_assert_ptr_nonnull(b);
	memcpy(b, want, (size_t)(len < want_len ? len : want_len));
	if (at >= 0)
		b[at] ^= 0x40;
	ck_assert_int_eq(io_mem_open(b, (size_t)len, "b.raw", &io, &err), 0);
	free(b);
	ck_assert_int_eq(img_open_io(io, "b.raw", "raw", 0, &img2, &err), 0);
}

/* The qcow2 mixed image with a whole-sector size, as img. */
#define CV	(12 * MCS + 1536)

static void compare_is(bool strict, int workers, int code, const char *msg)
{
	struct img_compare_opts o = {
		.strict = strict, .workers = workers,
		.name1 = "t.qcow2", .name2 = "b.raw",
	};
	struct img_compare_result res;

	ck_assert_int_eq(img_compare(img, img2, &o, &res, &err), 0);
	ck_assert_msg(res.code == code, "compare: code %d (%s), want %d",
		      res.code, res.msg, code);
	ck_assert_str_eq(res.msg, msg);
}

START_TEST(test_compare_identical)
{
	build_mixed(0);
	qb_open();
	open_raw_copy(-1, CV);
	compare_is(false, 1, IMG_CMP_SAME, "Images are identical.");
	compare_is(false, 4, IMG_CMP_SAME, "Images are identical.");
}
END_TEST

START_TEST(test_compare_mismatch_offset)
{
	build_mixed(QB_ZSTD);
	qb_open();
	/* In a compressed cluster: reported at the start of its sector. */
	open_raw_copy(8 * MCS + 1000, CV);
	compare_is(false, 1, IMG_CMP_DIFFERENT, "Content mismatch at offset 33280!");
	compare_is(false, 8, IMG_CMP_DIFFERENT, "Content mismatch at offset 33280!");
	img_close(img2);
	img2 = NULL;
	/* In the partial last cluster, sector-aligned. */
	open_raw_copy(12 * MCS + 1024, CV);
	compare_is(false, 2, IMG_CMP_DIFFERENT, "Content mismatch at offset 50176!");
}
END_TEST

START_TEST(test_compare_mismatch_in_zero_run)
{
	build_mixed(0);
	qb_open();
	/* qcow2 unallocated (zeros) where the raw image has a byte set. */
	open_raw_copy(6 * MCS + 700, CV);
	compare_is(false, 3, IMG_CMP_DIFFERENT, "Content mismatch at offset 25088!");
	/* Strict: raw says allocated data where qcow2 says zero (earlier). */
	compare_is(true, 3, IMG_CMP_DIFFERENT,
		   "Strict mode: Offset 0 block status mismatch!");
}
END_TEST

START_TEST(test_compare_strict_size)
{
	build_mixed(0);
	qb_open();
	open_raw_copy(-1, CV + 512);
	compare_is(true, 1, IMG_CMP_DIFFERENT, "Strict mode: Image size mismatch!");
	{
		struct img_compare_opts o = { .workers = 2 };
		struct img_compare_result res;

		/* Not strict: the zero tail is fine, with a warning. */
		ck_assert_int_eq(img_compare(img, img2, &o, &res, &err), 0);
		ck_assert_int_eq(res.code, IMG_CMP_SAME);
		ck_assert(res.size_warning);
		ck_assert_str_eq(res.msg, "Images are identical.");
	}
	img_close(img2);
	img2 = NULL;
	open_raw_copy((int64_t)CV + 100, CV + 512);
	compare_is(false, 1, IMG_CMP_DIFFERENT, "Content mismatch at offset 50688!");
}
END_TEST

START_TEST(test_compare_read_error)
{
	build_mixed(0);
	qb_l2(9, cdesc(19 * MCS, 100), 0);	/* zeros: not a stream */
	qb_open();
	open_raw_copy(-1, CV);
	{
		struct img_compare_opts o = {
			.workers = 2, .name1 = "t.qcow2", .name2 = "b.raw",
		};
		struct img_compare_result res;

		ck_assert_int_eq(img_compare(img, img2, &o, &res, &err), 0);
		ck_assert_int_eq(res.code, IMG_CMP_READ_ERROR);
		ck_assert_contains(err.msg, "Error while reading offset 32768 of t.qcow2: 't.qcow2': guest offset 36864: compressed cluster");
	}
}
END_TEST

static struct io *convert_to_mem(struct img **src, size_t nb, bool zero_target,
				 uint64_t sparse, int workers, bool in_order)
{
	struct img_convert_opts o = {
		.src = src, .nb_src = nb, .out_reads_zero = zero_target,
		.sparse = sparse, .in_order = in_order, .workers = workers,
	};
	struct io *out = NULL;
	int ret;

	ck_assert_int_eq(io_mem_open(NULL, 0, "out.raw", &out, &err), 0);
	if (zero_target)
		ck_assert_int_eq(io_truncate(out, img_convert_size(&o), &err), 0);
	o.out = out;
	ret = img_convert_raw(&o, &err);
	ck_assert_msg(ret == 0, "convert: %s", err.msg);
	return out;
}

static void out_is(struct io *out, const uint8_t *exp, size_t len)
{
	size_t got;
	const uint8_t *d = io_mem_data(out, &got);

	ck_assert_uint_eq(got, len);
	for (size_t i = 0; i < len; i++)
		if (d[i] != exp[i])
			ck_abort_msg("output byte %zu is %#x, want %#x", i, d[i],
				     exp[i]);
}

START_TEST(test_convert_raw_full)
{
	struct io *out;

	build_mixed(0);
	qb_open();
	out = convert_to_mem(&img, 1, false, 0, 1, true);
	out_is(out, want, MV);
	io_close(out);
}
END_TEST

START_TEST(test_convert_raw_sparse_threads)
{
	struct io *out;

	build_mixed(QB_ZSTD);
	qb_open();
	out = convert_to_mem(&img, 1, true, 4096, 4, false);
	out_is(out, want, MV);
	io_close(out);
	out = convert_to_mem(&img, 1, false, 512, 3, true);
	out_is(out, want, MV);
	io_close(out);
}
END_TEST

START_TEST(test_convert_concat)
{
	struct img *src[2];
	uint8_t *exp;
	struct io *out;

	build_mixed(0);
	qb_open();
	open_raw_copy(100, 4096);	/* a changed byte: still its own data */
	exp = malloc(MV + 4096);
	ck_assert_ptr_nonnull(exp);
	memcpy(exp, want, MV);
	memcpy(exp + MV, want, 4096);
	exp[MV + 100] ^= 0x40;
	src[0] = img;
	src[1] = img2;
	out = convert_to_mem(src, 2, true, 4096, 2, true);
	out_is(out, exp, MV + 4096);
	io_close(out);
	free(exp);
}
END_TEST

START_TEST(test_convert_read_error)
{
	struct img_convert_opts o = { .nb_src = 1, .workers = 3, .in_order = true };
	struct io *out = NULL;

	build_mixed(0);
	qb_l2(12, cdesc(19 * MCS, 100), 0);
	qb_open();
	ck_assert_int_eq(io_mem_open(NULL, 0, "out.raw", &out, &err), 0);
	o.src = &img;
	o.out = out;
	memset(&err, 0, sizeof(err));
	ck_assert_fails(img_convert_raw(&o, &err), &err, EIO,
			"'t.qcow2': guest offset 49152: compressed cluster");
	io_close(out);
}
END_TEST

/* ------------------------------------------------------ a backing chain */

/*
 * img_open_io opens no backing file, but the chain is only the backing
 * pointer: link memory images by hand.  qcow2 (8 clusters) over QED (the
 * QED image above, 4 MiB) over raw (3.5 clusters):
 *   guest 0    qcow2 data          1     QED data (cluster 1)
 *         2    qcow2 zero          3     raw data, then past the raw end
 *         4-5  QED data            6-7   nothing anywhere: zeros
 */
static void chain_teardown(void)
{
	img_close(img2);
	img2 = NULL;
	qed_teardown();
}

struct crun {
	uint64_t len;
	unsigned int flags;	/* EOF not compared */
	int depth;
	uint64_t host;
};

static void chain_walk_is(const struct crun *r, size_t n, bool above,
			  struct img *const *layer)
{
	uint64_t off = 0;

	for (size_t i = 0; i < n; i++) {
		struct img_status st;
		int ret;

		memset(&st, 0xee, sizeof(st));
		ret = above ? img_status_above(img, off, img->virtual_size - off,
					       &st, &err) :
		      img_map_status(img, off, img->virtual_size - off, &st,
				     &err);
		ck_assert_msg(ret == 0, "status at %" PRIu64 ": %s", off, err.msg);
		ck_assert_msg((st.flags & ~EOF_) == r[i].flags,
			      "%s at %" PRIu64 ": flags %#x, want %#x",
			      above ? "above" : "map", off, st.flags, r[i].flags);
		ck_assert_msg(st.len == r[i].len, "%s at %" PRIu64 ": len %"
			      PRIu64 ", want %" PRIu64, above ? "above" : "map",
			      off, st.len, r[i].len);
		ck_assert_msg(st.depth == r[i].depth, "%s at %" PRIu64
			      ": depth %d, want %d", above ? "above" : "map",
			      off, st.depth, r[i].depth);
		if (r[i].flags & OV) {
			ck_assert_uint_eq(st.host, r[i].host);
			ck_assert_ptr_eq(st.file, layer[r[i].depth]->file);
		}
		off += r[i].len;
	}
	ck_assert_uint_eq(off, img->virtual_size);
}

START_TEST(test_chain_three_layers)
{
	static uint8_t base[3 * MCS + 2048];
	struct img *layer[3];
	uint8_t *mid_want;

	build_qed();
	mid_want = want;
	want = NULL;
	open_bytes(qed_buf, qed_len, "mid.qed", "qed");
	layer[1] = img;
	fill(base, sizeof(base), 33);
	img = NULL;
	open_bytes(base, sizeof(base), "base.raw", "raw");
	layer[2] = img;
	layer[1]->backing = layer[2];

	qb_init(MCB, 8 * MCS, 10, 0);
	want_init(8 * MCS);
	qb_normal(0, 8);
	qb_l2(2, QCOW2_OFLAG_ZERO, 0);
	img = NULL;
	qb_open();
	img->backing = layer[1];
	layer[0] = img;
	memcpy(want + MCS, mid_want + MCS, MCS);
	memcpy(want + 3 * MCS, base + 3 * MCS, 2048);
	memcpy(want + 4 * MCS, mid_want + 4 * MCS, 2 * MCS);
	free(mid_want);
	{
		/* map: down to the first layer with data or zeros */
		const struct crun m[] = {
			{ MCS, DATA | OV | AL, 0, 8 * MCS },
			{ MCS, DATA | OV | AL, 1, 4 * QCS },
			{ MCS, ZERO | AL, 0, 0 },
			{ 2048, DATA | OV | AL, 2, 3 * MCS },
			/* QED: nothing, and past the end of its backing file */
			{ 2048, ZERO, 1, 0 },
			{ MCS, DATA | OV | AL, 1, 6 * QCS },
			{ MCS, DATA | OV | AL, 1, 5 * QCS },
			{ 2 * MCS, ZERO, 1, 0 },
		};
		/* status_above: down to the layer that allocates */
		const struct crun a[] = {
			{ MCS, DATA | OV | AL, 0, 8 * MCS },
			{ MCS, DATA | OV | AL, 1, 4 * QCS },
			{ MCS, ZERO | AL, 0, 0 },
			{ 2048, DATA | OV | AL, 2, 3 * MCS },
			{ 2048, ZERO | AL, 2, 0 },
			{ MCS, DATA | OV | AL, 1, 6 * QCS },
			{ MCS, DATA | OV | AL, 1, 5 * QCS },
			{ 2 * MCS, ZERO | AL, 2, 0 },
		};

		chain_walk_is(m, sizeof(m) / sizeof(m[0]), false, layer);
		chain_walk_is(a, sizeof(a) / sizeof(a[0]), true, layer);
	}
	{
		/* The top layer alone knows nothing of the lower ones. */
		struct img_status st;

		ck_assert_int_eq(img_block_status(img, MCS, MCS, &st, &err), 0);
		ck_assert_uint_eq(st.flags, 0);
		ck_assert_int_eq(img_block_status(img, 6 * MCS, MCS, &st, &err), 0);
		ck_assert_uint_eq(st.flags, 0);
	}
	read_is(0, 8 * MCS);
	read_is(MCS - 10, 4 * MCS);
	read_is(3 * MCS + 2000, 100);		/* across the raw end */
	open_raw_copy(-1, 8 * MCS);
	compare_is(false, 3, IMG_CMP_SAME, "Images are identical.");
	{
		struct io *out = convert_to_mem(&img, 1, true, 4096, 2, true);

		out_is(out, want, 8 * MCS);
		io_close(out);
	}
	img_close(img2);
	img2 = NULL;
	open_raw_copy(3 * MCS + 2047, 8 * MCS);
	compare_is(false, 1, IMG_CMP_DIFFERENT, "Content mismatch at offset 13824!");
}
END_TEST

/* ------------------------------------------------------- qcow2_decode */

#define DCS 4096

static void decode_cases(unsigned int type)
{
	static uint8_t plain[2 * DCS], packed[3 * DCS], out[DCS + 64];
	size_t n;

	fill(plain, sizeof(plain), 21);

	/* Exactly a cluster. */
	n = pack(type, plain, DCS, packed, sizeof(packed));
	memset(out, 0xcc, sizeof(out));
	ck_assert_int_eq(qcow2_decode(type, packed, n, out, DCS), QCOW2_DECODE_OK);
	ck_assert_mem_eq(out, plain, DCS);
	/* Slack after the stream (the descriptor counts whole sectors). */
	memset(packed + n, 0x5a, 511);
	memset(out, 0xcc, sizeof(out));
	ck_assert_int_eq(qcow2_decode(type, packed, n + 511, out, DCS),
			 QCOW2_DECODE_OK);
	ck_assert_mem_eq(out, plain, DCS);

	/* Short: less than a cluster. */
	n = pack(type, plain, DCS - 1, packed, sizeof(packed));
	ck_assert_int_eq(qcow2_decode(type, packed, n, out, DCS),
			 QCOW2_DECODE_SHORT);

	/* Long: more than a cluster; nothing written past it. */
	n = pack(type, plain, DCS + 1, packed, sizeof(packed));
	memset(out, 0xcc, sizeof(out));
	ck_assert_int_eq(qcow2_decode(type, packed, n, out, DCS),
			 QCOW2_DECODE_LONG);
	for (size_t i = DCS; i < sizeof(out); i++)
		ck_assert_uint_eq(out[i], 0xcc);
	n = pack(type, plain, 2 * DCS, packed, sizeof(packed));
	ck_assert_int_eq(qcow2_decode(type, packed, n, out, DCS),
			 QCOW2_DECODE_LONG);
	for (size_t i = DCS; i < sizeof(out); i++)
		ck_assert_uint_eq(out[i], 0xcc);

	/* Bad: not a stream at all. */
	memset(packed, 0xff, 700);
	ck_assert_int_eq(qcow2_decode(type, packed, 700, out, DCS),
			 QCOW2_DECODE_BAD);

	/* After errors the decoder of this thread still works. */
	n = pack(type, plain + 5, DCS, packed, sizeof(packed));
	ck_assert_int_eq(qcow2_decode(type, packed, n, out, DCS), QCOW2_DECODE_OK);
	ck_assert_mem_eq(out, plain + 5, DCS);
}

START_TEST(test_decode_zlib)
{
	static uint8_t plain[DCS], packed[2 * DCS], out[DCS];
	size_t n;

	decode_cases(QCOW2_COMPRESSION_ZLIB);
	/*
	 * Cut in the middle: the stream is incomplete, which the whole-buffer
	 * decoder reports as invalid (an error either way).
	 */
	fill(plain, sizeof(plain), 3);
	n = deflate_raw(plain, DCS, packed, sizeof(packed));
	ck_assert_int_eq(qcow2_decode(QCOW2_COMPRESSION_ZLIB, packed, n / 2,
				      out, DCS), QCOW2_DECODE_BAD);
	ck_assert_int_eq(qcow2_decode(QCOW2_COMPRESSION_ZLIB, packed, 0, out,
				      DCS), QCOW2_DECODE_BAD);
	/* A zlib header (not raw deflate) is not a valid stream. */
	{
		uLongf zn = sizeof(packed);

		ck_assert_int_eq(compress2(packed, &zn, plain, DCS, 6), Z_OK);
		ck_assert_int_ne(qcow2_decode(QCOW2_COMPRESSION_ZLIB, packed,
					      (size_t)zn, out, DCS),
				 QCOW2_DECODE_OK);
	}
	img_thread_done();
	img_thread_done();		/* nothing left: harmless */
}
END_TEST

START_TEST(test_decode_zstd)
{
	static uint8_t plain[DCS], packed[2 * DCS], out[DCS];
	size_t n;

	decode_cases(QCOW2_COMPRESSION_ZSTD);
	fill(plain, sizeof(plain), 3);
	n = zstd_pack(plain, DCS, packed, sizeof(packed));
	ck_assert_int_eq(qcow2_decode(QCOW2_COMPRESSION_ZSTD, packed, n / 2,
				      out, DCS), QCOW2_DECODE_BAD);
	ck_assert_int_eq(qcow2_decode(QCOW2_COMPRESSION_ZSTD, packed, 0, out,
				      DCS), QCOW2_DECODE_BAD);
	/* A deflate stream is not a zstd frame, nor the other way round. */
	n = deflate_raw(plain, DCS, packed, sizeof(packed));
	ck_assert_int_eq(qcow2_decode(QCOW2_COMPRESSION_ZSTD, packed, n, out,
				      DCS), QCOW2_DECODE_BAD);
	n = zstd_pack(plain, DCS, packed, sizeof(packed));
	ck_assert_int_ne(qcow2_decode(QCOW2_COMPRESSION_ZLIB, packed, n, out,
				      DCS), QCOW2_DECODE_OK);
	img_thread_done();
}
END_TEST

/* --------------------------------------------------- injected read errors */

/*
 * Open the image and read it whole through a fault wrapper failing the
 * Nth read; 0 if it all worked (and read right), else the error.  After
 * a failed img_read the same image must read right (no table cache slot
 * or decoder left half-filled).  *reads: the reads the file saw.
 */
static int open_and_read_faulty(const uint8_t *buf, size_t len,
				const char *fmt, uint64_t size,
				unsigned long n, bool *in_read,
				unsigned long *reads)
{
	struct io_fault_cfg cfg = { .fail_read = n };
	struct count_io *c = count_bytes(buf, len, "f.img");
	struct io *f = NULL;
	uint8_t *b = malloc((size_t)size);
	int ret;

	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(io_fault_wrap(&c->io, &cfg, &f, &err), 0);
	memset(&err, 0, sizeof(err));
	*in_read = false;
	count_all = 0;
	/* On failure the image closes f, and c with it. */
	ret = img_open_io(f, "f.img", fmt, 0, &img, &err);
	if (ret < 0) {
		*reads = count_all;
		free(b);
		return ret;
	}
	memset(b, 0xa5, (size_t)size);
	ret = img_read(img, 0, (size_t)size, b, &err);
	*reads = count_all;
	if (ret < 0) {
		int again;

		*in_read = true;
		memset(b, 0xa5, (size_t)size);
		again = img_read(img, 0, (size_t)size, b, &err);
		ck_assert_msg(again == 0, "read after a failed read: %s",
			      err.msg);
	}
	ck_assert_mem_eq(b, want, (size_t)size);
	free(b);
	img_close(img);
	img = NULL;
	return ret;
}

/*
 * Fail each read of opening and reading the image in turn: every
 * failure is a clean EIO naming the injected error, or, for the reads
 * whose failure is tolerated (the refcount scan that looks for
 * preallocated metadata), the image still reads right.
 */
static void fault_every_read(const uint8_t *buf, size_t len, const char *fmt,
			     uint64_t size)
{
	unsigned int read_failures = 0;
	unsigned long total = 0, n;
	bool in_read;

	ck_assert_int_eq(open_and_read_faulty(buf, len, fmt, size, 0,
					      &in_read, &total), 0);
	ck_assert_uint_ge(total, 3);
	for (n = 1; n <= total; n++) {
		unsigned long reads;
		int ret = open_and_read_faulty(buf, len, fmt, size, n,
					       &in_read, &reads);

		if (ret == 0)
			continue;
		ck_assert_int_eq(ret, -EIO);
		ck_assert_contains(err.msg, "injected read error");
		if (in_read)
			read_failures++;
	}
	ck_assert_uint_ge(read_failures, 3);
}

START_TEST(test_fault_qcow2_zlib)
{
	build_mixed(0);
	fault_every_read(q.buf, q.len, "qcow2", MV);
}
END_TEST

START_TEST(test_fault_qcow2_zstd_probed)
{
	build_mixed(QB_ZSTD);
	fault_every_read(q.buf, q.len, NULL, MV);
}
END_TEST

START_TEST(test_fault_extl2)
{
	build_extl2();
	img_close(img);
	img = NULL;
	fault_every_read(q.buf, q.len, "qcow2", 4 * XCS);
}
END_TEST

START_TEST(test_fault_qed)
{
	build_qed();
	fault_every_read(qed_buf, qed_len, "qed", QV);
}
END_TEST

START_TEST(test_fault_convert)
{
	/* A failing read inside the convert workers: an error, no output. */
	struct img_convert_opts o = { .nb_src = 1, .workers = 4 };
	struct io_fault_cfg cfg = { 0 };
	bool failed = false;

	build_mixed(0);
	for (cfg.fail_read = 1; cfg.fail_read < 60; cfg.fail_read++) {
		struct io *mem = NULL, *f = NULL, *out = NULL;
		int ret;

		ck_assert_int_eq(io_mem_open(q.buf, q.len, "f.img", &mem, &err), 0);
		ck_assert_int_eq(io_fault_wrap(mem, &cfg, &f, &err), 0);
		if (img_open_io(f, "f.img", "qcow2", 0, &img, &err) < 0)
			continue;
		ck_assert_int_eq(io_mem_open(NULL, 0, "out", &out, &err), 0);
		o.src = &img;
		o.out = out;
		memset(&err, 0, sizeof(err));
		ret = img_convert_raw(&o, &err);
		if (ret < 0) {
			ck_assert_int_eq(ret, -EIO);
			ck_assert_contains(err.msg, "injected read error");
			failed = true;
		} else {
			out_is(out, want, MV);
		}
		io_close(out);
		img_close(img);
		img = NULL;
	}
	ck_assert(failed);
}
END_TEST

Suite *read_suite(void)
{
	Suite *s = suite_create("read");
	TCase *t = tcase_create("tcache");
	TCase *x = tcase_create("io-extent");
	TCase *q2 = tcase_create("qcow2");
	TCase *qe = tcase_create("qcow2-errors");
	TCase *l2 = tcase_create("qcow2-extl2");
	TCase *qd = tcase_create("qed");
	TCase *r = tcase_create("raw");
	TCase *cc = tcase_create("compare-convert");
	TCase *ch = tcase_create("chain");
	TCase *d = tcase_create("decode");
	TCase *f = tcase_create("fault");

	tcase_add_checked_fixture(t, setup, NULL);
	tcase_add_test(t, test_tcache_miss_then_hit);
	tcase_add_test(t, test_tcache_lru_eviction);
	tcase_add_test(t, test_tcache_len_is_part_of_key);
	tcase_add_test(t, test_tcache_too_large);
	tcase_add_test(t, test_tcache_failed_read_not_cached);
	tcase_add_test(t, test_tcache_short_read_not_cached);
	suite_add_tcase(s, t);

	tcase_add_checked_fixture(x, setup, NULL);
	tcase_add_test(x, test_io_extent_mem_data_to_eof);
	tcase_add_test(x, test_io_extent_mem_past_eof);
	tcase_add_test(x, test_io_extent_through_fault_wrapper);
	suite_add_tcase(s, x);

	tcase_add_checked_fixture(q2, setup, teardown);
	tcase_add_test(q2, test_qcow2_map_mixed_zlib);
	tcase_add_test(q2, test_qcow2_map_mixed_zstd);
	tcase_add_test(q2, test_qcow2_read_mixed_zlib);
	tcase_add_test(q2, test_qcow2_read_mixed_zstd);
	tcase_add_test(q2, test_qcow2_read_every_offset);
	tcase_add_test(q2, test_qcow2_packed_compressed_one_read);
	tcase_add_test(q2, test_qcow2_unallocated_l1);
	tcase_add_test(q2, test_qcow2_zero_alloc_not_merged_with_data);
	tcase_add_test(q2, test_qcow2_compressed_stream_at_file_end);
	suite_add_tcase(s, q2);

	tcase_add_checked_fixture(qe, setup, teardown);
	tcase_add_test(qe, test_qcow2_compressed_short_zlib);
	tcase_add_test(qe, test_qcow2_compressed_short_zstd);
	tcase_add_test(qe, test_qcow2_compressed_long_zlib);
	tcase_add_test(qe, test_qcow2_compressed_long_zstd);
	tcase_add_test(qe, test_qcow2_compressed_bad_zlib);
	tcase_add_test(qe, test_qcow2_compressed_bad_zstd);
	tcase_add_test(qe, test_qcow2_compressed_past_eof);
	tcase_add_test(qe, test_qcow2_l2_reserved_bits);
	tcase_add_test(qe, test_qcow2_l2_unaligned);
	tcase_add_test(qe, test_qcow2_l2_past_eof);
	tcase_add_test(qe, test_qcow2_data_cut_short_by_eof);
	tcase_add_test(qe, test_qcow2_l1_reserved_bits);
	tcase_add_test(qe, test_qcow2_l1_past_eof_and_unaligned);
	tcase_add_test(qe, test_qcow2_data_file_not_open);
	tcase_add_test(qe, test_qcow2_encrypted_data_not_read);
	suite_add_tcase(s, qe);

	tcase_add_checked_fixture(l2, setup, teardown);
	tcase_add_test(l2, test_extl2_subcluster_runs);
	tcase_add_test(l2, test_extl2_read);
	tcase_add_test(l2, test_extl2_compressed);
	tcase_add_test(l2, test_extl2_both_bits);
	tcase_add_test(l2, test_extl2_reserved_bit0);
	tcase_add_test(l2, test_extl2_unallocated_with_data_bits);
	tcase_add_test(l2, test_extl2_compressed_with_bitmap);
	suite_add_tcase(s, l2);

	tcase_add_checked_fixture(qd, setup, qed_teardown);
	tcase_add_test(qd, test_qed_map);
	tcase_add_test(qd, test_qed_read);
	tcase_add_test(qd, test_qed_misaligned_entry);
	tcase_add_test(qd, test_qed_entry_past_eof);
	tcase_add_test(qd, test_qed_bad_l1_entry);
	tcase_add_test(qd, test_qed_data_cut_short);
	suite_add_tcase(s, qd);

	tcase_add_checked_fixture(r, setup, teardown);
	tcase_add_test(r, test_raw_all_data);
	suite_add_tcase(s, r);

	tcase_add_checked_fixture(cc, setup, cc_teardown);
	tcase_add_test(cc, test_compare_identical);
	tcase_add_test(cc, test_compare_mismatch_offset);
	tcase_add_test(cc, test_compare_mismatch_in_zero_run);
	tcase_add_test(cc, test_compare_strict_size);
	tcase_add_test(cc, test_compare_read_error);
	tcase_add_test(cc, test_convert_raw_full);
	tcase_add_test(cc, test_convert_raw_sparse_threads);
	tcase_add_test(cc, test_convert_concat);
	tcase_add_test(cc, test_convert_read_error);
	suite_add_tcase(s, cc);

	tcase_add_checked_fixture(ch, setup, chain_teardown);
	tcase_add_test(ch, test_chain_three_layers);
	suite_add_tcase(s, ch);

	tcase_add_checked_fixture(d, setup, NULL);
	tcase_add_test(d, test_decode_zlib);
	tcase_add_test(d, test_decode_zstd);
	suite_add_tcase(s, d);

	tcase_add_checked_fixture(f, setup, qed_teardown);
	tcase_add_test(f, test_fault_qcow2_zlib);
	tcase_add_test(f, test_fault_qcow2_zstd_probed);
	tcase_add_test(f, test_fault_extl2);
	tcase_add_test(f, test_fault_qed);
	tcase_add_test(f, test_fault_convert);
	tcase_set_timeout(f, 30);
	suite_add_tcase(s, f);
	return s;
}
