/* SPDX-License-Identifier: MIT */
/*
 * qcow2 image creation.
 *
 * A new image is laid out in one forward pass: header, refcount table,
 * refcount blocks, L1 table, then (with preallocation) the L2 tables and
 * the data clusters.  Every refcount is known before anything is written,
 * so nothing is allocated twice and memory stays at a few clusters,
 * whatever the virtual size.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../size.h"
#include "qcow2-refcount.h"
#include "qcow2.h"

/* In qemu-img's print order ("Formatting ..."); defaults as it shows them. */
const struct opt_desc qcow2_create_opts[] = {
	{ "cluster_size", OPT_SIZE, "qcow2 cluster size", "65536" },
	{ "extended_l2", OPT_BOOL, "Extended L2 tables", "off" },
	{ "preallocation", OPT_STRING,
	  "Preallocation mode (allowed values: off, metadata, falloc, full)",
	  NULL },
	{ "compression_type", OPT_STRING,
	  "Compression method used for image cluster compression (zlib, zstd)",
	  "zlib" },
	{ "size", OPT_SIZE, "Virtual disk size", NULL },
	{ "compat", OPT_STRING,
	  "Compatibility level (v2 [0.10] or v3 [1.1])", NULL },
	{ "backing_file", OPT_STRING, "File name of a base image", NULL },
	{ "backing_fmt", OPT_STRING, "Image format of the base image", NULL },
	{ "data_file", OPT_STRING, "File name of an external data file", NULL },
	{ "data_file_raw", OPT_BOOL,
	  "The external data file must stay valid as a raw image", NULL },
	{ "lazy_refcounts", OPT_BOOL, "Postpone refcount updates", "off" },
	{ "refcount_bits", OPT_NUMBER,
	  "Width of a reference count entry in bits", "16" },
	{ NULL, OPT_STRING, NULL, NULL },
};

enum prealloc {
	PREALLOC_OFF,
	PREALLOC_METADATA,
	PREALLOC_FALLOC,
	PREALLOC_FULL,
};

/* Everything the options decide, validated. */
struct qcow2_create_params {
	uint64_t size;
	unsigned int version;
	unsigned int cluster_bits;
	unsigned int refcount_order;
	bool extended_l2;
	bool lazy_refcounts;
	unsigned int compression_type;
	enum prealloc prealloc;
	const char *backing_file;
	const char *backing_fmt;
	const char *data_file;
	bool data_file_raw;
};

static int parse_params(const char *filename, struct opt_set *opts,
			struct qcow2_create_params *p, struct img_err *err)
{
	const char *compat = opts_str(opts, "compat");
	const char *ctype = opts_str(opts, "compression_type");
	const char *prealloc = opts_str(opts, "preallocation");
	uint64_t cs = opts_num(opts, "cluster_size", 65536);
	uint64_t rbits = opts_num(opts, "refcount_bits", 16);

	memset(p, 0, sizeof(*p));
	p->version = 3;
	if (compat) {
		if (!strcmp(compat, "0.10") || !strcmp(compat, "v2"))
			p->version = 2;
		else if (strcmp(compat, "1.1") && strcmp(compat, "v3"))
			return img_err_set(err, EINVAL,
					   "'%s': invalid compat value '%s' (expected 0.10, v2, 1.1 or v3)",
					   filename, compat);
	}
	if (!is_power_of_2(cs) || cs < 512 || cs > (2 << 20))
		return img_err_set(err, EINVAL,
				   "'%s': cluster size must be a power of two between 512 and 2048k",
				   filename);
	p->cluster_bits = (unsigned int)__builtin_ctzll(cs);
	if (!is_power_of_2(rbits) || rbits > 64)
		return img_err_set(err, EINVAL,
				   "'%s': refcount width must be a power of two and may not exceed 64 bits",
				   filename);
	p->refcount_order = (unsigned int)__builtin_ctzll(rbits);
	if (p->version == 2 && rbits != 16)
		return img_err_set(err, EINVAL,
				   "'%s': refcount widths other than 16 bits need compat=1.1 or above",
				   filename);
	p->extended_l2 = opts_bool(opts, "extended_l2", false);
	if (p->extended_l2) {
		if (p->version == 2)
			return img_err_set(err, EINVAL,
					   "'%s': extended L2 entries need compat=1.1 or above",
					   filename);
		if (cs < 16384)
			return img_err_set(err, EINVAL,
					   "'%s': extended L2 entries need a cluster size of at least 16384 bytes",
					   filename);
	}
	p->lazy_refcounts = opts_bool(opts, "lazy_refcounts", false);
	if (p->lazy_refcounts && p->version == 2)
		return img_err_set(err, EINVAL,
				   "'%s': lazy refcounts need compat=1.1 or above",
				   filename);
	p->compression_type = QCOW2_COMPRESSION_ZLIB;
	if (ctype) {
		if (!strcmp(ctype, "zstd"))
			p->compression_type = QCOW2_COMPRESSION_ZSTD;
		else if (strcmp(ctype, "zlib"))
			return img_err_set(err, EINVAL,
					   "'%s': invalid compression_type '%s' (expected zlib or zstd)",
					   filename, ctype);
	}
	if (p->compression_type != QCOW2_COMPRESSION_ZLIB && p->version == 2)
		return img_err_set(err, EINVAL,
				   "'%s': compression types other than zlib need compat=1.1 or above",
				   filename);
	p->prealloc = PREALLOC_OFF;
	if (prealloc) {
		if (!strcmp(prealloc, "metadata"))
			p->prealloc = PREALLOC_METADATA;
		else if (!strcmp(prealloc, "falloc"))
			p->prealloc = PREALLOC_FALLOC;
		else if (!strcmp(prealloc, "full"))
			p->prealloc = PREALLOC_FULL;
		else if (strcmp(prealloc, "off"))
			return img_err_set(err, EINVAL,
					   "'%s': invalid preallocation mode '%s' (expected off, metadata, falloc or full)",
					   filename, prealloc);
	}
	p->backing_file = opts_str(opts, "backing_file");
	p->backing_fmt = opts_str(opts, "backing_fmt");
	p->data_file = opts_str(opts, "data_file");
	p->data_file_raw = opts_bool(opts, "data_file_raw", false);
	if (p->data_file && p->version == 2)
		return img_err_set(err, EINVAL,
				   "'%s': external data files need compat=1.1 or above",
				   filename);
	if (p->data_file && !p->data_file[0])
		return img_err_set(err, EINVAL,
				   "'%s': data_file must not be empty", filename);
	if (p->data_file_raw && !p->data_file)
		return img_err_set(err, EINVAL,
				   "'%s': data_file_raw requires data_file",
				   filename);
	if (p->backing_file && p->data_file_raw)
		return img_err_set(err, EINVAL,
				   "'%s': a backing file and data_file_raw cannot be used together",
				   filename);
	if (p->backing_file && p->prealloc != PREALLOC_OFF && !p->extended_l2)
		return img_err_set(err, EINVAL,
				   "'%s': a backing file and preallocation can only be used together with extended_l2=on",
				   filename);
	if (p->backing_file && strlen(p->backing_file) > QCOW2_MAX_BACKING_NAME)
		return img_err_set(err, EINVAL,
				   "'%s': backing file name too long (limit %d bytes)",
				   filename, QCOW2_MAX_BACKING_NAME);
	/* data_file_raw: the L2 tables must map the data file 1:1. */
	if (p->data_file_raw && p->prealloc == PREALLOC_OFF)
		p->prealloc = PREALLOC_METADATA;
	if (opts_is_set(opts, "size")) {
		uint64_t size = opts_num(opts, "size", 0), l2_cover, l1;

		if (size > (uint64_t)INT64_MAX)
			return img_err_set(err, EFBIG, "'%s': image size too large",
					   filename);
		p->size = size_round_sector(size);
		l2_cover = cs * (p->extended_l2 ? cs / 16 : cs / 8);
		l1 = div_round_up(p->size, l2_cover);
		if (l1 > QCOW2_MAX_L1_BYTES / 8)
			return img_err_set(err, EFBIG,
					   "'%s': image size too large for cluster size %" PRIu64 " (at most %" PRIu64 " bytes)",
					   filename, cs,
					   (QCOW2_MAX_L1_BYTES / 8) * l2_cover);
	}
	return 0;
}

int qcow2_create_check(const char *filename, struct opt_set *opts,
		       struct img_err *err)
{
	struct qcow2_create_params p;

	return parse_params(filename, opts, &p, err);
}

static uint8_t *put_ext(uint8_t *p, uint32_t type, const void *data,
			uint32_t len)
{
	be32_set(p, type);
	be32_set(p + 4, len);
	if (len)
		memcpy(p + 8, data, len);
	memset(p + 8 + len, 0, ((len + 7) & ~7U) - len);
	return p + 8 + ((len + 7) & ~7U);
}

static const struct {
	uint8_t type, bit;
	const char *name;
} feature_names[] = {
	{ 0, 0, "dirty bit" },
	{ 0, 1, "corrupt bit" },
	{ 0, 2, "external data file" },
	{ 0, 3, "compression type" },
	{ 0, 4, "extended L2 entries" },
	{ 1, 0, "lazy refcounts" },
	{ 2, 0, "bitmaps" },
	{ 2, 1, "raw external data" },
};

/* Build cluster 0: header, extensions, backing file name. */
static int build_cluster0(struct qcow2_header *h,
			  const struct qcow2_create_params *p, uint8_t *buf,
			  size_t cs, struct img_err *err)
{
	uint8_t table[sizeof(feature_names) / sizeof(feature_names[0]) * 48];
	size_t need, n;
	uint8_t *q;

	need = (p->version == 2 ? QCOW2_V2_HEADER_LEN : QCOW2_V3_HEADER_FULL) +
	       (p->backing_fmt ? 8 + ((strlen(p->backing_fmt) + 7) & ~7U) : 0) +
	       (p->data_file ? 8 + ((strlen(p->data_file) + 7) & ~7U) : 0) +
	       (p->version == 3 ? 8 + sizeof(table) : 0) + 8 +
	       (p->backing_file ? strlen(p->backing_file) : 0);
	if (need > cs)
		return img_err_set(err, EINVAL,
				   "header, extensions and file names (%zu bytes) do not fit in one %zu-byte cluster",
				   need, cs);
	memset(buf, 0, cs);
	n = qcow2_header_to_disk(h, buf, cs);
	q = buf + n;
	if (p->backing_fmt)
		q = put_ext(q, QCOW2_EXT_BACKING_FORMAT, p->backing_fmt,
			    (uint32_t)strlen(p->backing_fmt));
	if (p->data_file)
		q = put_ext(q, QCOW2_EXT_DATA_FILE, p->data_file,
			    (uint32_t)strlen(p->data_file));
	if (p->version == 3) {
		memset(table, 0, sizeof(table));
		for (size_t i = 0; i < sizeof(feature_names) /
					sizeof(feature_names[0]); i++) {
			table[i * 48] = feature_names[i].type;
			table[i * 48 + 1] = feature_names[i].bit;
			memcpy(table + i * 48 + 2, feature_names[i].name,
			       strlen(feature_names[i].name));
		}
		q = put_ext(q, QCOW2_EXT_FEATURE_TABLE, table, sizeof(table));
	}
	q = put_ext(q, QCOW2_EXT_END, NULL, 0);
	if (p->backing_file) {
		h->backing_file_offset = (uint64_t)(q - buf);
		h->backing_file_size = (uint32_t)strlen(p->backing_file);
		memcpy(q, p->backing_file, h->backing_file_size);
		qcow2_header_to_disk(h, buf, cs);
	}
	return 0;
}

/* Where everything goes, in clusters. */
struct layout {
	uint64_t reftable, reftable_clusters;
	uint64_t refblocks, nb_refblocks;
	uint64_t l1, l1_clusters;
	uint64_t l2, nb_l2;
	uint64_t data, nb_data;
	uint64_t total;		/* clusters the image file holds */
};

static int plan_layout(const struct qcow2_create_params *p, uint64_t l1_size,
		       struct layout *l, struct img_err *err)
{
	uint64_t cs = 1ULL << p->cluster_bits;
	uint64_t per_block = cs * 8 >> p->refcount_order;
	uint64_t l2_entries = p->extended_l2 ? cs / 16 : cs / 8;
	uint64_t fixed;

	memset(l, 0, sizeof(*l));
	l->l1_clusters = div_round_up(l1_size * 8, cs);
	if (p->prealloc != PREALLOC_OFF) {
		l->nb_l2 = div_round_up(p->size, cs * l2_entries);
		if (!p->data_file)
			l->nb_data = div_round_up(p->size, cs);
	}
	fixed = 1 + l->l1_clusters + l->nb_l2 + l->nb_data;
	/* Refcount structures count themselves: iterate to a fixed point. */
	l->reftable_clusters = 1;
	for (;;) {
		uint64_t total = fixed + l->reftable_clusters + l->nb_refblocks;
		uint64_t blocks = div_round_up(total, per_block);
		uint64_t rt = div_round_up(blocks * 8, cs);

		if (rt < 1)
			rt = 1;
		if (blocks == l->nb_refblocks && rt == l->reftable_clusters)
			break;
		l->nb_refblocks = blocks;
		l->reftable_clusters = rt;
	}
	if (l->reftable_clusters * cs > QCOW2_MAX_REFTABLE_BYTES)
		return img_err_set(err, EFBIG,
				   "image too large to preallocate with this cluster size and refcount width");
	l->reftable = 1;
	l->refblocks = l->reftable + l->reftable_clusters;
	l->l1 = l->refblocks + l->nb_refblocks;
	l->l2 = l->l1 + l->l1_clusters;
	l->data = l->l2 + l->nb_l2;
	l->total = l->data + l->nb_data;
	return 0;
}

/* Write a run of clusters produced one at a time, in large writes. */
struct batch {
	struct io *file;
	uint8_t *buf;
	size_t cap, len;
	uint64_t off;
};

static int batch_flush(struct batch *b, struct img_err *err)
{
	int ret = 0;

	if (b->len)
		ret = io_write(b->file, b->buf, b->len, b->off, err);
	b->off += b->len;
	b->len = 0;
	return ret;
}

static uint8_t *batch_next(struct batch *b, size_t cs, struct img_err *err)
{
	uint8_t *r;

	if (b->len + cs > b->cap && batch_flush(b, err) < 0)
		return NULL;
	r = b->buf + b->len;
	memset(r, 0, cs);
	b->len += cs;
	return r;
}

static int write_structures(struct io *file,
			    const struct qcow2_create_params *p,
			    const struct layout *l, struct img_err *err)
{
	uint64_t cs = 1ULL << p->cluster_bits;
	uint64_t per_block = cs * 8 >> p->refcount_order;
	uint64_t l2_entries = p->extended_l2 ? cs / 16 : cs / 8;
	uint64_t guest_clusters = div_round_up(p->size, cs);
	struct batch b = { .file = file };
	uint64_t i, j;
	uint8_t *c;
	int ret;

	b.cap = cs > (4 << 20) ? cs : (4 << 20);
	b.buf = malloc(b.cap);
	if (!b.buf)
		return img_err_set(err, ENOMEM, "out of memory");

	/* Refcount table, then blocks: every cluster up to total has 1. */
	b.off = l->reftable * cs;
	for (i = 0; i < l->reftable_clusters; i++) {
		if (!(c = batch_next(&b, cs, err)))
			goto fail;
		for (j = 0; j < cs / 8; j++) {
			uint64_t blk = i * (cs / 8) + j;

			if (blk < l->nb_refblocks)
				be64_set(c + j * 8, (l->refblocks + blk) * cs);
		}
	}
	for (i = 0; i < l->nb_refblocks; i++) {
		if (!(c = batch_next(&b, cs, err)))
			goto fail;
		for (j = 0; j < per_block && i * per_block + j < l->total; j++)
			qcow2_refblock_set(c, p->refcount_order, j, 1);
	}
	/* L1 table. */
	for (i = 0; i < l->l1_clusters; i++) {
		if (!(c = batch_next(&b, cs, err)))
			goto fail;
		for (j = 0; j < cs / 8; j++) {
			uint64_t idx = i * (cs / 8) + j;

			if (idx < l->nb_l2)
				be64_set(c + j * 8, ((l->l2 + idx) * cs) |
					 QCOW2_OFLAG_COPIED);
		}
	}
	/* L2 tables, mapping guest clusters in order. */
	for (i = 0; i < l->nb_l2; i++) {
		if (!(c = batch_next(&b, cs, err)))
			goto fail;
		for (j = 0; j < l2_entries; j++) {
			uint64_t g = i * l2_entries + j;
			uint64_t host;

			if (g >= guest_clusters)
				break;
			host = p->data_file ? g * cs : (l->data + g) * cs;
			/*
			 * Extended L2: the host cluster is reserved but no
			 * subcluster is marked allocated, so reads still go
			 * to the backing file (or read as zeros).
			 */
			be64_set(c + j * (p->extended_l2 ? 16 : 8),
				 host | QCOW2_OFLAG_COPIED);
		}
	}
	ret = batch_flush(&b, err);
	free(b.buf);
	return ret;
fail:
	free(b.buf);
	return -EIO;
}

/* Give the data clusters their preallocation: sparse, reserved or zeroed. */
static int prealloc_data(struct io *io, uint64_t off, uint64_t len,
			 enum prealloc mode, struct img_err *err)
{
	int ret;

	if (mode == PREALLOC_OFF)
		return 0;
	if (mode == PREALLOC_FULL)
		return io_write_zeroes(io, off, len, err);
	ret = io_truncate(io, off + len, err);
	if (ret < 0 || mode != PREALLOC_FALLOC)
		return ret;
	ret = io_allocate(io, off, len, err);
	if (ret == -ENOTSUP)
		return img_err_set(err, ENOTSUP,
				   "'%s': preallocation=falloc is not supported by this file system",
				   io->name);
	return ret;
}

static int create_data_file(const char *filename,
			    const struct qcow2_create_params *p,
			    struct img_err *err)
{
	struct io *df = NULL;
	char *path;
	int ret;

	path = img_path_combine(filename, p->data_file);
	if (!path)
		return img_err_set(err, ENOMEM, "out of memory");
	ret = io_posix_open(path, IO_TRUNCATE, &df, err);
	free(path);
	if (ret < 0)
		return ret;
	ret = io_truncate(df, p->prealloc == PREALLOC_FULL ? 0 : p->size, err);
	if (ret == 0)
		ret = prealloc_data(df, 0, p->size,
				    p->prealloc == PREALLOC_METADATA ?
				    PREALLOC_OFF : p->prealloc, err);
	if (ret == 0)
		ret = io_flush(df, err);
	io_close(df);
	return ret;
}

int qcow2_create(struct io *file, const char *filename, struct opt_set *opts,
		 struct img_err *err)
{
	struct qcow2_create_params p;
	struct qcow2_header h;
	struct layout l;
	uint64_t cs, l1_size;
	uint8_t *c0;
	int ret;

	ret = parse_params(filename, opts, &p, err);
	if (ret < 0)
		return ret;
	cs = 1ULL << p.cluster_bits;
	l1_size = div_round_up(p.size, cs * (p.extended_l2 ? cs / 16 : cs / 8));
	ret = plan_layout(&p, l1_size, &l, err);
	if (ret < 0)
		return ret;

	memset(&h, 0, sizeof(h));
	h.version = p.version;
	h.cluster_bits = p.cluster_bits;
	h.size = p.size;
	h.l1_size = (uint32_t)l1_size;
	h.l1_table_offset = l.l1 * cs;
	h.refcount_table_offset = l.reftable * cs;
	h.refcount_table_clusters = (uint32_t)l.reftable_clusters;
	h.refcount_order = p.version == 3 ? p.refcount_order : 4;
	h.header_length = p.version == 3 ? QCOW2_V3_HEADER_FULL :
			  QCOW2_V2_HEADER_LEN;
	h.compression_type = (uint8_t)p.compression_type;
	if (p.compression_type != QCOW2_COMPRESSION_ZLIB)
		h.incompatible_features |= QCOW2_INCOMPAT_COMPRESSION;
	if (p.extended_l2)
		h.incompatible_features |= QCOW2_INCOMPAT_EXTL2;
	if (p.data_file)
		h.incompatible_features |= QCOW2_INCOMPAT_DATA_FILE;
	if (p.data_file_raw)
		h.autoclear_features |= QCOW2_AUTOCLEAR_DATA_FILE_RAW;
	if (p.lazy_refcounts)
		h.compatible_features |= QCOW2_COMPAT_LAZY_REFCOUNTS;

	c0 = malloc(cs);
	if (!c0)
		return img_err_set(err, ENOMEM, "out of memory");
	ret = build_cluster0(&h, &p, c0, cs, err);
	if (ret < 0)
		goto out;
	if (p.data_file) {
		ret = create_data_file(filename, &p, err);
		if (ret < 0)
			goto out;
	}
	/* Structures first, header last: a crash leaves no valid header. */
	ret = write_structures(file, &p, &l, err);
	if (ret < 0)
		goto out;
	if (l.nb_data)
		ret = prealloc_data(file, l.data * cs, l.nb_data * cs,
				    p.prealloc, err);
	if (ret < 0)
		goto out;
	ret = io_flush(file, err);
	if (ret < 0)
		goto out;
	ret = io_write(file, c0, cs, 0, err);
out:
	free(c0);
	return ret;
}
