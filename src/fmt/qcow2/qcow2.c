/* SPDX-License-Identifier: MIT */
/*
 * qcow2: the header, its extensions, and opening an image.
 *
 * Every field is checked before use, with QEMU's limits as the floor, so
 * a hostile image gets a one-line error naming the field instead of a
 * crash, a huge allocation or a read outside the file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../luks.h"
#include "../../size.h"
#include "qcow2.h"

int qcow2_header_from_disk(const uint8_t *buf, size_t len,
			   struct qcow2_header *h, struct img_err *err)
{
	struct qcow2_disk_header d;

	memset(h, 0, sizeof(*h));
	if (len < QCOW2_V2_HEADER_LEN)
		return img_err_set(err, EINVAL,
				   "qcow2 header truncated (%zu bytes, need at least %d)",
				   len, QCOW2_V2_HEADER_LEN);
	memset(&d, 0, sizeof(d));
	memcpy(&d, buf, len < sizeof(d) ? len : sizeof(d));
	if (be32_get(d.magic) != QCOW2_MAGIC)
		return img_err_set(err, EINVAL, "not a qcow2 image (bad magic)");
	h->version = be32_get(d.version);
	if (h->version != 2 && h->version != 3)
		return img_err_set(err, ENOTSUP,
				   "unsupported qcow2 version %" PRIu32 " (only 2 and 3 exist)",
				   h->version);
	h->backing_file_offset = be64_get(d.backing_file_offset);
	h->backing_file_size = be32_get(d.backing_file_size);
	h->cluster_bits = be32_get(d.cluster_bits);
	h->size = be64_get(d.size);
	h->crypt_method = be32_get(d.crypt_method);
	h->l1_size = be32_get(d.l1_size);
	h->l1_table_offset = be64_get(d.l1_table_offset);
	h->refcount_table_offset = be64_get(d.refcount_table_offset);
	h->refcount_table_clusters = be32_get(d.refcount_table_clusters);
	h->nb_snapshots = be32_get(d.nb_snapshots);
	h->snapshots_offset = be64_get(d.snapshots_offset);

	if (h->cluster_bits < QCOW2_MIN_CLUSTER_BITS ||
	    h->cluster_bits > QCOW2_MAX_CLUSTER_BITS)
		return img_err_set(err, EINVAL,
				   "cluster_bits %" PRIu32 " out of range (%d..%d)",
				   h->cluster_bits, QCOW2_MIN_CLUSTER_BITS,
				   QCOW2_MAX_CLUSTER_BITS);

	if (h->version == 2) {
		h->header_length = QCOW2_V2_HEADER_LEN;
		h->refcount_order = 4;
		h->compression_type = QCOW2_COMPRESSION_ZLIB;
	} else {
		if (len < QCOW2_V3_HEADER_LEN)
			return img_err_set(err, EINVAL,
					   "qcow2 v3 header truncated (%zu bytes, need %d)",
					   len, QCOW2_V3_HEADER_LEN);
		h->incompatible_features = be64_get(d.incompatible_features);
		h->compatible_features = be64_get(d.compatible_features);
		h->autoclear_features = be64_get(d.autoclear_features);
		h->refcount_order = be32_get(d.refcount_order);
		h->header_length = be32_get(d.header_length);
		if (h->header_length < QCOW2_V3_HEADER_LEN)
			return img_err_set(err, EINVAL,
					   "header_length %" PRIu32 " too short (v3 needs at least %d)",
					   h->header_length, QCOW2_V3_HEADER_LEN);
		if (h->header_length % 8)
			return img_err_set(err, EINVAL,
					   "header_length %" PRIu32 " is not a multiple of 8",
					   h->header_length);
		if (h->header_length > (1U << h->cluster_bits))
			return img_err_set(err, EINVAL,
					   "header_length %" PRIu32 " exceeds the cluster size",
					   h->header_length);
		if (h->header_length > len)
			return img_err_set(err, EINVAL,
					   "header_length %" PRIu32 " runs past the end of the file",
					   h->header_length);
		if (h->refcount_order > 6)
			return img_err_set(err, EINVAL,
					   "refcount_order %" PRIu32 " out of range (0..6)",
					   h->refcount_order);
		if (h->header_length > QCOW2_V3_HEADER_LEN)
			h->compression_type = d.compression_type;
		if (h->header_length > QCOW2_V3_HEADER_FULL) {
			h->extra_len = h->header_length - QCOW2_V3_HEADER_FULL;
			h->extra = malloc(h->extra_len);
			if (!h->extra)
				return img_err_set(err, ENOMEM, "out of memory");
			memcpy(h->extra, buf + QCOW2_V3_HEADER_FULL,
			       h->extra_len);
		}
	}
	if (h->compression_type > QCOW2_COMPRESSION_ZSTD) {
		free(h->extra);
		h->extra = NULL;
		return img_err_set(err, ENOTSUP,
				   "unknown compression type %u",
				   h->compression_type);
	}
	if ((h->compression_type != QCOW2_COMPRESSION_ZLIB) !=
	    !!(h->incompatible_features & QCOW2_INCOMPAT_COMPRESSION)) {
		free(h->extra);
		h->extra = NULL;
		return img_err_set(err, EINVAL,
				   "compression type %s but the compression type feature bit is %s",
				   h->compression_type ? "zstd" : "zlib",
				   h->compression_type ? "clear" : "set");
	}
	return 0;
}

size_t qcow2_header_to_disk(const struct qcow2_header *h, uint8_t *buf,
			    size_t len)
{
	struct qcow2_disk_header d;
	size_t n;

	memset(&d, 0, sizeof(d));
	d.magic = be32_put(QCOW2_MAGIC);
	d.version = be32_put(h->version);
	d.backing_file_offset = be64_put(h->backing_file_offset);
	d.backing_file_size = be32_put(h->backing_file_size);
	d.cluster_bits = be32_put(h->cluster_bits);
	d.size = be64_put(h->size);
	d.crypt_method = be32_put(h->crypt_method);
	d.l1_size = be32_put(h->l1_size);
	d.l1_table_offset = be64_put(h->l1_table_offset);
	d.refcount_table_offset = be64_put(h->refcount_table_offset);
	d.refcount_table_clusters = be32_put(h->refcount_table_clusters);
	d.nb_snapshots = be32_put(h->nb_snapshots);
	d.snapshots_offset = be64_put(h->snapshots_offset);
	if (h->version == 2) {
		n = QCOW2_V2_HEADER_LEN;
	} else {
		d.incompatible_features = be64_put(h->incompatible_features);
		d.compatible_features = be64_put(h->compatible_features);
		d.autoclear_features = be64_put(h->autoclear_features);
		d.refcount_order = be32_put(h->refcount_order);
		d.header_length = be32_put(h->header_length);
		d.compression_type = h->compression_type;
		n = h->header_length;
	}
	if (n > len)
		return 0;
	memset(buf, 0, n);
	memcpy(buf, &d, n < sizeof(d) ? n : sizeof(d));
	if (h->extra_len && n >= QCOW2_V3_HEADER_FULL + h->extra_len)
		memcpy(buf + QCOW2_V3_HEADER_FULL, h->extra, h->extra_len);
	return n;
}

void qcow2_meta_free(struct qcow2_meta *m)
{
	free(m->h.extra);
	free(m->backing_name);
	free(m->backing_fmt);
	free(m->data_file);
	free(m->features);
	for (uint32_t i = 0; i < m->nb_unknown; i++)
		free(m->unknown[i].data);
	free(m->unknown);
	memset(m, 0, sizeof(*m));
}

static const char *ext_name(uint32_t type)
{
	switch (type) {
	case QCOW2_EXT_BACKING_FORMAT: return "backing format";
	case QCOW2_EXT_FEATURE_TABLE: return "feature name table";
	case QCOW2_EXT_BITMAPS: return "bitmaps";
	case QCOW2_EXT_CRYPTO_HEADER: return "encryption header";
	case QCOW2_EXT_DATA_FILE: return "external data file";
	default: return "unknown";
	}
}

static int parse_ext(struct qcow2_meta *m, uint32_t type, const uint8_t *p,
		     uint32_t len, struct img_err *err)
{
	switch (type) {
	case QCOW2_EXT_BACKING_FORMAT:
		if (m->backing_fmt)
			return img_err_set(err, EINVAL,
					   "duplicate backing format header extension");
		if (len == 0 || memchr(p, 0, len))
			return img_err_set(err, EINVAL,
					   "invalid backing format header extension");
		m->backing_fmt = strndup((const char *)p, len);
		return m->backing_fmt ? 0 : -ENOMEM;
	case QCOW2_EXT_DATA_FILE:
		if (m->data_file)
			return img_err_set(err, EINVAL,
					   "duplicate external data file header extension");
		if (len == 0 || memchr(p, 0, len))
			return img_err_set(err, EINVAL,
					   "invalid external data file name extension");
		m->data_file = strndup((const char *)p, len);
		return m->data_file ? 0 : -ENOMEM;
	case QCOW2_EXT_FEATURE_TABLE: {
		uint32_t n = len / sizeof(struct qcow2_disk_feature);

		if (m->features)
			return img_err_set(err, EINVAL,
					   "duplicate feature name table extension");
		m->features = calloc(n ? n : 1, sizeof(*m->features));
		if (!m->features)
			return -ENOMEM;
		for (uint32_t i = 0; i < n; i++) {
			const struct qcow2_disk_feature *f =
				(const void *)(p + i * sizeof(*f));

			m->features[i].type = f->type;
			m->features[i].bit = f->bit;
			memcpy(m->features[i].name, f->name, sizeof(f->name));
			m->features[i].name[sizeof(f->name)] = '\0';
		}
		m->nb_features = n;
		return 0;
	}
	case QCOW2_EXT_BITMAPS: {
		struct qcow2_disk_bitmaps_ext b;

		if (m->has_bitmaps_ext)
			return img_err_set(err, EINVAL,
					   "duplicate bitmaps header extension");
		if (len != sizeof(b))
			return img_err_set(err, EINVAL,
					   "bitmaps header extension has length %" PRIu32 " (expected %zu)",
					   len, sizeof(b));
		memcpy(&b, p, sizeof(b));
		m->has_bitmaps_ext = true;
		m->nb_bitmaps = be32_get(b.nb_bitmaps);
		m->bitmap_dir_size = be64_get(b.bitmap_directory_size);
		m->bitmap_dir_offset = be64_get(b.bitmap_directory_offset);
		m->bitmaps_reserved = be32_get(b.reserved);
		return 0;
	}
	case QCOW2_EXT_CRYPTO_HEADER: {
		struct qcow2_disk_crypto_ext c;

		if (m->has_crypto_ext)
			return img_err_set(err, EINVAL,
					   "duplicate encryption header extension");
		if (len != sizeof(c))
			return img_err_set(err, EINVAL,
					   "encryption header extension has length %" PRIu32 " (expected %zu)",
					   len, sizeof(c));
		memcpy(&c, p, sizeof(c));
		m->has_crypto_ext = true;
		m->crypto_offset = be64_get(c.offset);
		m->crypto_length = be64_get(c.length);
		return 0;
	}
	default: {
		struct qcow2_unknown_ext *u;

		/* Grow geometrically: cluster 0 may hold 256k of them. */
		if (m->nb_unknown == m->cap_unknown) {
			uint32_t cap = m->cap_unknown ? m->cap_unknown * 2 : 4;

			u = realloc(m->unknown, cap * sizeof(*u));
			if (!u)
				return -ENOMEM;
			m->unknown = u;
			m->cap_unknown = cap;
		}
		u = &m->unknown[m->nb_unknown];
		u->type = type;
		u->len = len;
		u->data = malloc(len ? len : 1);
		if (!u->data)
			return -ENOMEM;
		memcpy(u->data, p, len);
		m->nb_unknown++;
		return 0;
	}
	}
}

int qcow2_meta_parse(const uint8_t *buf, size_t len, struct qcow2_meta *m,
		     struct img_err *err)
{
	struct qcow2_header *h = &m->h;
	uint64_t cs, ext_end, off;
	int ret;

	memset(m, 0, sizeof(*m));
	ret = qcow2_header_from_disk(buf, len, h, err);
	if (ret < 0)
		return ret;
	cs = 1ULL << h->cluster_bits;
	if (len > cs)
		len = (size_t)cs;	/* everything here lives in cluster 0 */

	/* The backing file name. */
	if (h->backing_file_offset) {
		if (h->backing_file_size > QCOW2_MAX_BACKING_NAME) {
			ret = img_err_set(err, EINVAL,
					  "backing file name too long (%" PRIu32 " bytes, limit %d)",
					  h->backing_file_size,
					  QCOW2_MAX_BACKING_NAME);
			goto fail;
		}
		if (h->backing_file_offset < h->header_length ||
		    h->backing_file_offset >= cs ||
		    h->backing_file_size > cs - h->backing_file_offset) {
			ret = img_err_set(err, EINVAL,
					  "backing file name at offset %" PRIu64 " lies outside the first cluster",
					  h->backing_file_offset);
			goto fail;
		}
		if (h->backing_file_offset + h->backing_file_size > len) {
			ret = img_err_set(err, EINVAL,
					  "backing file name runs past the end of the file");
			goto fail;
		}
		if (h->backing_file_size == 0 ||
		    memchr(buf + h->backing_file_offset, 0,
			   h->backing_file_size)) {
			ret = img_err_set(err, EINVAL,
					  "invalid backing file name (empty or with a NUL byte)");
			goto fail;
		}
		m->backing_name = strndup((const char *)buf + h->backing_file_offset,
					   h->backing_file_size);
		if (!m->backing_name)
			goto oom;
	}

	/* Header extensions: from header_length up to the backing name. */
	ext_end = h->backing_file_offset ? h->backing_file_offset : cs;
	off = h->header_length;
	for (;;) {
		struct qcow2_disk_ext e;
		uint32_t type, elen;
		uint64_t padded;

		if (off + sizeof(e) > ext_end) {
			/* v2 images may end the list by running out of room. */
			break;
		}
		if (off + sizeof(e) > len) {
			ret = img_err_set(err, EINVAL,
					  "header extension at offset %" PRIu64 " runs past the end of the file",
					  off);
			goto fail;
		}
		memcpy(&e, buf + off, sizeof(e));
		type = be32_get(e.type);
		elen = be32_get(e.len);
		off += sizeof(e);
		if (type == QCOW2_EXT_END)
			break;
		padded = ((uint64_t)elen + 7) & ~7ULL;
		if (padded > ext_end - off) {
			ret = img_err_set(err, EINVAL,
					  "%s header extension (0x%08" PRIx32 ", %" PRIu32 " bytes) runs past the end of the first cluster",
					  ext_name(type), type, elen);
			goto fail;
		}
		if (off + elen > len) {
			ret = img_err_set(err, EINVAL,
					  "%s header extension runs past the end of the file",
					  ext_name(type));
			goto fail;
		}
		ret = parse_ext(m, type, buf + off, elen, err);
		if (ret == -ENOMEM)
			goto oom;
		if (ret < 0)
			goto fail;
		off += padded;
	}
	return 0;
oom:
	ret = img_err_set(err, ENOMEM, "out of memory");
fail:
	qcow2_meta_free(m);
	return ret;
}

void qcow2_feature_describe(const struct qcow2_meta *m, uint8_t type,
			    unsigned int bit, char *buf, size_t len)
{
	static const char *const kinds[] = {
		"incompatible", "compatible", "autoclear"
	};

	for (uint32_t i = 0; i < m->nb_features; i++) {
		if (m->features[i].type == type && m->features[i].bit == bit &&
		    m->features[i].name[0]) {
			snprintf(buf, len, "'%s' (%s bit %u)",
				 m->features[i].name, kinds[type % 3], bit);
			return;
		}
	}
	snprintf(buf, len, "unknown %s feature bit %u", kinds[type % 3], bit);
}

/* A table of bytes at off must be cluster-aligned and inside the file. */
static int check_table(const char *what, uint64_t off, uint64_t bytes,
		       uint64_t cs, uint64_t file_size, struct img_err *err)
{
	if (off % cs)
		return img_err_set(err, EINVAL,
				   "%s offset %#" PRIx64 " is not cluster-aligned",
				   what, off);
	if (bytes && off == 0)
		return img_err_set(err, EINVAL,
				   "%s at offset 0 overlaps the header", what);
	if (off > file_size || bytes > file_size - off)
		return img_err_set(err, EINVAL,
				   "%s (offset %#" PRIx64 ", %" PRIu64 " bytes) lies past the end of the file (%" PRIu64 " bytes)",
				   what, off, bytes, file_size);
	return 0;
}

int qcow2_meta_validate(const struct qcow2_meta *m, uint64_t file_size,
			struct img_err *err)
{
	const struct qcow2_header *h = &m->h;
	uint64_t cs = 1ULL << h->cluster_bits;
	uint64_t unknown, per_l1, need_l1, bytes;
	char name[96];
	int ret;

	unknown = h->incompatible_features & ~QCOW2_INCOMPAT_KNOWN;
	if (unknown) {
		unsigned int bit = (unsigned int)__builtin_ctzll(unknown);

		qcow2_feature_describe(m, 0, bit, name, sizeof(name));
		return img_err_set(err, ENOTSUP,
				   "unsupported qcow2 feature: %s", name);
	}
	if (h->version == 2 && h->crypt_method > QCOW2_CRYPT_AES)
		return img_err_set(err, EINVAL,
				   "invalid encryption method %" PRIu32 " for a v2 image",
				   h->crypt_method);
	if (h->crypt_method > QCOW2_CRYPT_LUKS)
		return img_err_set(err, EINVAL,
				   "unknown encryption method %" PRIu32,
				   h->crypt_method);
	if (h->crypt_method == QCOW2_CRYPT_LUKS && !m->has_crypto_ext)
		return img_err_set(err, EINVAL,
				   "LUKS encryption without an encryption header extension");
	if (m->has_crypto_ext) {
		if (h->crypt_method != QCOW2_CRYPT_LUKS)
			return img_err_set(err, EINVAL,
					   "encryption header extension on an image that is not LUKS-encrypted");
		ret = check_table("encryption header", m->crypto_offset,
				  m->crypto_length, cs, file_size, err);
		if (ret < 0)
			return ret;
	}
	if (h->incompatible_features & QCOW2_INCOMPAT_EXTL2 &&
	    h->cluster_bits < 14)
		return img_err_set(err, EINVAL,
				   "extended L2 entries need a cluster size of at least 16 KiB (cluster_bits %" PRIu32 ")",
				   h->cluster_bits);
	if (m->data_file && !(h->incompatible_features & QCOW2_INCOMPAT_DATA_FILE))
		return img_err_set(err, EINVAL,
				   "external data file name present but the external data file bit is clear");
	if ((h->autoclear_features & QCOW2_AUTOCLEAR_DATA_FILE_RAW) &&
	    !(h->incompatible_features & QCOW2_INCOMPAT_DATA_FILE))
		return img_err_set(err, EINVAL,
				   "data_file_raw set without an external data file");
	if (h->size > (uint64_t)INT64_MAX)
		return img_err_set(err, EFBIG, "virtual size %" PRIu64 " too large",
				   h->size);

	/* L1 table: large enough for the disk, small enough for memory. */
	if ((uint64_t)h->l1_size * 8 > QCOW2_MAX_L1_BYTES)
		return img_err_set(err, EFBIG,
				   "L1 table too large (l1_size %" PRIu32 ", limit %" PRIu64 " entries)",
				   h->l1_size, QCOW2_MAX_L1_BYTES / 8);
	per_l1 = cs * qcow2_l2_entries(h);
	need_l1 = div_round_up(h->size, per_l1);
	if (need_l1 > QCOW2_MAX_L1_BYTES / 8)
		return img_err_set(err, EFBIG,
				   "virtual size %" PRIu64 " too large for cluster size %" PRIu64,
				   h->size, cs);
	if (h->l1_size < need_l1)
		return img_err_set(err, EINVAL,
				   "L1 table too small (l1_size %" PRIu32 ", virtual size needs %" PRIu64 ")",
				   h->l1_size, need_l1);
	ret = check_table("L1 table", h->l1_table_offset,
			  (uint64_t)h->l1_size * 8, cs, file_size, err);
	if (ret < 0)
		return ret;

	/* Refcount table. */
	if (h->refcount_table_clusters == 0)
		return img_err_set(err, EINVAL,
				   "refcount table has no clusters");
	if ((uint64_t)h->refcount_table_clusters > QCOW2_MAX_REFTABLE_BYTES / cs)
		return img_err_set(err, EFBIG,
				   "refcount table too large (%" PRIu32 " clusters, limit %" PRIu64 " bytes)",
				   h->refcount_table_clusters,
				   QCOW2_MAX_REFTABLE_BYTES);
	ret = check_table("refcount table", h->refcount_table_offset,
			  (uint64_t)h->refcount_table_clusters * cs, cs,
			  file_size, err);
	if (ret < 0)
		return ret;

	/* Snapshot table: its size is known only after parsing it. */
	if (h->nb_snapshots > QCOW2_MAX_SNAPSHOTS)
		return img_err_set(err, EFBIG,
				   "too many snapshots (%" PRIu32 ", limit %d)",
				   h->nb_snapshots, QCOW2_MAX_SNAPSHOTS);
	/* With no snapshots the offset means nothing; qemu ignores it too. */
	bytes = (uint64_t)h->nb_snapshots * sizeof(struct qcow2_disk_snapshot);
	if (h->nb_snapshots) {
		ret = check_table("snapshot table", h->snapshots_offset, bytes,
				  cs, file_size, err);
		if (ret < 0)
			return ret;
	}

	/*
	 * Bitmap directory, only if the bitmaps are live: without the
	 * autoclear bit (always so in v2) a writer that did not know them
	 * has touched the image, the extension is stale and is ignored.
	 */
	if (m->has_bitmaps_ext &&
	    (h->autoclear_features & QCOW2_AUTOCLEAR_BITMAPS)) {
		if (m->bitmaps_reserved)
			return img_err_set(err, EINVAL,
					   "bitmaps header extension: reserved field is not zero");
		if (m->nb_bitmaps == 0)
			return img_err_set(err, EINVAL,
					   "bitmaps extension with no bitmaps");
		if (m->nb_bitmaps > QCOW2_MAX_BITMAPS)
			return img_err_set(err, EFBIG,
					   "too many bitmaps (%" PRIu32 ", limit %d)",
					   m->nb_bitmaps, QCOW2_MAX_BITMAPS);
		if (m->bitmap_dir_size > QCOW2_MAX_BITMAP_DIR)
			return img_err_set(err, EFBIG,
					   "bitmap directory too large (%" PRIu64 " bytes, limit %" PRIu64 ")",
					   m->bitmap_dir_size,
					   QCOW2_MAX_BITMAP_DIR);
		if (m->bitmap_dir_size <
		    (uint64_t)m->nb_bitmaps * sizeof(struct qcow2_disk_bitmap_entry))
			return img_err_set(err, EINVAL,
					   "bitmap directory too small for %" PRIu32 " bitmaps",
					   m->nb_bitmaps);
		ret = check_table("bitmap directory", m->bitmap_dir_offset,
				  m->bitmap_dir_size, cs, file_size, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Read the snapshot table, growing the buffer until every entry fits. */
static int read_snapshots(struct img *img, struct qcow2_state *s,
			  struct img_err *err)
{
	const struct qcow2_header *h = &s->m.h;
	uint64_t avail = s->file_size - h->snapshots_offset;
	uint64_t max = avail < QCOW2_MAX_SNAPSHOT_TABLE ?
		       avail : QCOW2_MAX_SNAPSHOT_TABLE;
	size_t len = 64 * 1024, need = 0;
	uint8_t *buf = NULL;
	int ret;

	for (;;) {
		uint8_t *nb;

		if (len > max)
			len = (size_t)max;
		nb = realloc(buf, len ? len : 1);
		if (!nb) {
			free(buf);
			return img_err_set(err, ENOMEM, "out of memory");
		}
		buf = nb;
		ret = io_read(img->file, buf, len, h->snapshots_offset, err);
		if (ret < 0)
			break;
		ret = qcow2_snapshots_parse(buf, len, h->nb_snapshots, h,
					    &s->snapshots, &need, err);
		if (ret != -EAGAIN)
			break;
		if (need > max) {
			ret = img_err_set(err, EINVAL,
					  "snapshot table runs past %s",
					  max == avail ? "the end of the file" :
					  "its 64 MiB limit");
			break;
		}
		while (len < need)
			len *= 2;
	}
	free(buf);
	return ret;
}

static int read_bitmaps(struct img *img, struct qcow2_state *s,
			struct img_err *err)
{
	const struct qcow2_meta *m = &s->m;
	uint8_t *buf;
	int ret;

	buf = malloc((size_t)m->bitmap_dir_size);
	if (!buf)
		return img_err_set(err, ENOMEM, "out of memory");
	ret = io_read(img->file, buf, (size_t)m->bitmap_dir_size,
		      m->bitmap_dir_offset, err);
	if (ret == 0)
		ret = qcow2_bitmaps_parse(buf, (size_t)m->bitmap_dir_size,
					  m->nb_bitmaps, &m->h, s->file_size,
					  &s->bitmaps, err);
	free(buf);
	if (ret == 0)
		s->nb_bitmaps = m->nb_bitmaps;
	return ret;
}

static void qcow2_close(struct img *img)
{
	struct qcow2_state *s = img->priv;

	if (!s)
		return;
	qcow2_snapshots_free(s->snapshots, s->m.h.nb_snapshots);
	free(s->img_snapshots);
	qcow2_bitmaps_free(s->bitmaps, s->nb_bitmaps);
	qcow2_read_fini(s);
	io_close(s->data_io);
	qcow2_meta_free(&s->m);
	free(s);
	img->priv = NULL;
}

static int qcow2_open(struct img *img, unsigned int flags,
		      struct img_err *err)
{
	struct qcow2_state *s;
	uint8_t *c0 = NULL;
	size_t c0_len;
	uint8_t first[QCOW2_V3_HEADER_FULL];
	size_t got = 0;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return img_err_set(err, ENOMEM, "out of memory");
	img->priv = s;
	ret = io_size(img->file, &s->file_size, err);
	if (ret < 0)
		goto fail;

	/*
	 * Read cluster 0 whole: header, extensions and backing name.  The
	 * first bytes say how large a cluster is; a bad cluster_bits is
	 * reported by qcow2_meta_parse on what we have.
	 */
	ret = img->file->ops->pread(img->file, first, sizeof(first), 0, &got,
				    err);
	if (ret < 0)
		goto fail;
	c0_len = got;
	if (got >= 24) {
		uint32_t bits = be32_at(first + 20);

		if (bits >= QCOW2_MIN_CLUSTER_BITS &&
		    bits <= QCOW2_MAX_CLUSTER_BITS)
			c0_len = (size_t)((1ULL << bits) < s->file_size ?
					  (1ULL << bits) : s->file_size);
	}
	c0 = malloc(c0_len ? c0_len : 1);
	if (!c0) {
		ret = img_err_set(err, ENOMEM, "out of memory");
		goto fail;
	}
	ret = io_read(img->file, c0, c0_len, 0, err);
	if (ret < 0)
		goto fail;
	ret = qcow2_meta_parse(c0, c0_len, &s->m, err);
	if (ret < 0)
		goto fail;
	s->cluster_size = 1ULL << s->m.h.cluster_bits;
	ret = qcow2_meta_validate(&s->m, s->file_size, err);
	if (ret < 0)
		goto fail;
	if (s->m.h.nb_snapshots) {
		ret = read_snapshots(img, s, err);
		if (ret < 0)
			goto fail;
	}
	/* Without the autoclear bit the bitmaps are stale: ignore them. */
	if (s->m.has_bitmaps_ext &&
	    (s->m.h.autoclear_features & QCOW2_AUTOCLEAR_BITMAPS)) {
		ret = read_bitmaps(img, s, err);
		if (ret < 0)
			goto fail;
	}
	if ((s->m.h.incompatible_features & QCOW2_INCOMPAT_DATA_FILE) &&
	    (flags & IMG_OPEN_DATA_FILE)) {
		char *path;

		if (!s->m.data_file) {
			ret = img_err_set(err, EINVAL,
					  "the image needs an external data file but names none");
			goto fail;
		}
		path = img_path_combine(img->filename, s->m.data_file);
		if (!path) {
			ret = img_err_set(err, ENOMEM, "out of memory");
			goto fail;
		}
		ret = io_posix_open(path, (flags & IMG_OPEN_RDWR) ? IO_RDWR : 0,
				    &s->data_io, err);
		free(path);
		if (ret < 0)
			goto fail;
	}
	ret = qcow2_read_init(img, err);
	if (ret < 0)
		goto fail;
	img->virtual_size = s->m.h.size;
	if (s->m.backing_name) {
		img->backing_name = strdup(s->m.backing_name);
		img->backing_full = img_path_combine(img->filename,
						     s->m.backing_name);
		if (s->m.backing_fmt)
			img->backing_fmt = strdup(s->m.backing_fmt);
		if (!img->backing_name || !img->backing_full ||
		    (s->m.backing_fmt && !img->backing_fmt)) {
			ret = img_err_set(err, ENOMEM, "out of memory");
			goto fail;
		}
	}
	free(c0);
	return 0;
fail:
	free(c0);
	img_err_prefix(err, "'%s'", img->filename);
	qcow2_close(img);
	return ret;
}

static int qcow2_probe(const uint8_t *buf, size_t len)
{
	if (len >= 8 && be32_at(buf) == QCOW2_MAGIC && be32_at(buf + 4) >= 2)
		return 100;
	return 0;
}

static int add_bitmaps_info(struct qcow2_state *s, struct itree *data)
{
	struct itree *arr = itree_add_array(data, "bitmaps");

	if (!arr)
		return -ENOMEM;
	for (uint32_t i = 0; i < s->nb_bitmaps; i++) {
		const struct qcow2_bitmap *b = &s->bitmaps[i];
		struct itree *o = itree_add_object(arr, NULL);
		struct itree *flags = itree_add_array(o, "flags");

		if (!flags)
			return -ENOMEM;
		if (b->flags & QCOW2_BITMAP_IN_USE)
			itree_add_string(flags, NULL, "in-use");
		if (b->flags & QCOW2_BITMAP_AUTO)
			itree_add_string(flags, NULL, "auto");
		itree_add_string(o, "name", b->name);
		if (!itree_add_int(o, "granularity",
				   (int64_t)1 << b->granularity_bits))
			return -ENOMEM;
	}
	return 0;
}

static int add_encrypt_info(struct img *img, struct qcow2_state *s,
			    struct itree *data, struct img_err *err)
{
	struct itree *enc = itree_add_object(data, "encrypt");
	uint8_t *buf;
	size_t len;
	int ret;

	if (!enc)
		return -ENOMEM;
	if (s->m.h.crypt_method == QCOW2_CRYPT_AES)
		return itree_add_string(enc, "format", "aes") ? 0 : -ENOMEM;
	len = s->m.crypto_length < LUKS_HEADER_SIZE ?
	      (size_t)s->m.crypto_length : LUKS_HEADER_SIZE;
	buf = calloc(1, LUKS_HEADER_SIZE);
	if (!buf)
		return -ENOMEM;
	ret = io_read(img->file, buf, len, s->m.crypto_offset, err);
	if (ret == 0)
		ret = luks_info(buf, len, enc, err);
	free(buf);
	return ret;
}

static int qcow2_info(struct img *img, struct img_info *info,
		      struct img_err *err)
{
	struct qcow2_state *s = img->priv;
	const struct qcow2_header *h = &s->m.h;
	struct itree *data;
	int ret = 0;

	info->has_cluster_size = true;
	info->cluster_size = s->cluster_size;
	info->dirty = h->incompatible_features & QCOW2_INCOMPAT_DIRTY;
	info->encrypted = h->crypt_method != QCOW2_CRYPT_NONE;

	if (h->nb_snapshots) {
		free(s->img_snapshots);
		s->img_snapshots = calloc(h->nb_snapshots,
					  sizeof(*s->img_snapshots));
		if (!s->img_snapshots)
			return img_err_set(err, ENOMEM, "out of memory");
		for (uint32_t i = 0; i < h->nb_snapshots; i++) {
			const struct qcow2_snapshot *q = &s->snapshots[i];
			struct img_snapshot *o = &s->img_snapshots[i];

			o->id = q->id;
			o->name = q->name;
			o->date_sec = q->date_sec;
			o->date_nsec = q->date_nsec;
			o->vm_clock_nsec = q->vm_clock_nsec;
			o->vm_state_size = q->vm_state_size;
			o->icount = q->has_icount ? (int64_t)q->icount : -1;
		}
		info->has_snapshots = true;
		info->snapshots = s->img_snapshots;
		info->nb_snapshots = h->nb_snapshots;
	}

	info->spec_type = "qcow2";
	info->spec = itree_new_object();
	data = info->spec;
	if (!data)
		return img_err_set(err, ENOMEM, "out of memory");
	itree_add_string(data, "compat", h->version == 2 ? "0.10" : "1.1");
	itree_add_string(data, "compression-type",
			 h->compression_type == QCOW2_COMPRESSION_ZSTD ?
			 "zstd" : "zlib");
	if (h->version >= 3)
		itree_add_bool(data, "lazy-refcounts",
			       h->compatible_features &
			       QCOW2_COMPAT_LAZY_REFCOUNTS);
	if (s->nb_bitmaps && add_bitmaps_info(s, data) < 0)
		ret = -ENOMEM;
	itree_add_int(data, "refcount-bits", 1LL << h->refcount_order);
	if (h->version >= 3) {
		if (s->m.data_file)
			itree_add_string(data, "data-file", s->m.data_file);
		if (h->incompatible_features & QCOW2_INCOMPAT_DATA_FILE)
			itree_add_bool(data, "data-file-raw",
				       h->autoclear_features &
				       QCOW2_AUTOCLEAR_DATA_FILE_RAW);
	}
	if (ret == 0 && h->crypt_method != QCOW2_CRYPT_NONE)
		ret = add_encrypt_info(img, s, data, err);
	if (h->version >= 3) {
		itree_add_bool(data, "corrupt",
			       h->incompatible_features & QCOW2_INCOMPAT_CORRUPT);
		if (!itree_add_bool(data, "extended-l2",
				    h->incompatible_features &
				    QCOW2_INCOMPAT_EXTL2))
			ret = -ENOMEM;
	}
	if (ret == -ENOMEM)
		return img_err_set(err, ENOMEM, "out of memory");
	if (ret < 0)
		img_err_prefix(err, "'%s'", img->filename);
	return ret;
}

const struct driver qcow2_driver = {
	.name = "qcow2",
	.probe = qcow2_probe,
	.open = qcow2_open,
	.close = qcow2_close,
	.info = qcow2_info,
	.create_check = qcow2_create_check,
	.create = qcow2_create,
	.create_opts = qcow2_create_opts,
	.block_status = qcow2_block_status,
	.read_special = qcow2_read_special,
	.thread_done = qcow2_thread_done,
	.supports_backing = true,
	.has_cluster_size_info = true,
};
