/* SPDX-License-Identifier: MIT */
/* QED: header, open, info and create. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../../size.h"
#include "qed.h"

uint64_t qed_max_image_size(uint32_t cluster_size, uint32_t table_size)
{
	uint64_t entries = (uint64_t)table_size * cluster_size / 8, r;

	/* entries <= 2^27, so entries^2 fits; the cluster factor may not. */
	if (mul_overflows(entries * entries, cluster_size, &r))
		return UINT64_MAX;
	return r;
}

static bool qed_cluster_size_ok(uint64_t cs)
{
	return is_power_of_2(cs) && cs >= QED_MIN_CLUSTER_SIZE &&
	       cs <= QED_MAX_CLUSTER_SIZE;
}

static bool qed_table_size_ok(uint64_t ts)
{
	return is_power_of_2(ts) && ts >= QED_MIN_TABLE_SIZE &&
	       ts <= QED_MAX_TABLE_SIZE;
}

int qed_header_from_disk(const uint8_t *buf, size_t len,
			 struct qed_header *h, struct img_err *err)
{
	struct qed_disk_header d;
	uint64_t header_bytes;

	if (len < sizeof(d))
		return img_err_set(err, EINVAL,
				   "QED header truncated (%zu bytes, need %zu)",
				   len, sizeof(d));
	memcpy(&d, buf, sizeof(d));
	if (le32_get(d.magic) != QED_MAGIC)
		return img_err_set(err, EINVAL, "not a QED image (bad magic)");
	h->cluster_size = le32_get(d.cluster_size);
	h->table_size = le32_get(d.table_size);
	h->header_size = le32_get(d.header_size);
	h->features = le64_get(d.features);
	h->compat_features = le64_get(d.compat_features);
	h->autoclear_features = le64_get(d.autoclear_features);
	h->l1_table_offset = le64_get(d.l1_table_offset);
	h->image_size = le64_get(d.image_size);
	h->backing_filename_offset = le32_get(d.backing_filename_offset);
	h->backing_filename_size = le32_get(d.backing_filename_size);

	if (!qed_cluster_size_ok(h->cluster_size))
		return img_err_set(err, EINVAL,
				   "QED cluster_size %" PRIu32 " invalid (power of two in [4096, 67108864])",
				   h->cluster_size);
	if (!qed_table_size_ok(h->table_size))
		return img_err_set(err, EINVAL,
				   "QED table_size %" PRIu32 " invalid (power of two in [1, 16])",
				   h->table_size);
	if (h->features & ~QED_FEATURES_KNOWN)
		return img_err_set(err, ENOTSUP,
				   "unsupported QED feature bits %#" PRIx64,
				   h->features & ~QED_FEATURES_KNOWN);
	if (h->image_size % 512)
		return img_err_set(err, EINVAL,
				   "QED image_size %" PRIu64 " is not a multiple of 512",
				   h->image_size);
	if (h->image_size > qed_max_image_size(h->cluster_size, h->table_size))
		return img_err_set(err, EINVAL,
				   "QED image_size %" PRIu64 " exceeds what the tables address (%" PRIu64 ")",
				   h->image_size,
				   qed_max_image_size(h->cluster_size,
						      h->table_size));
	if (h->header_size == 0 ||
	    (uint64_t)h->header_size * h->cluster_size > (64ULL << 20))
		return img_err_set(err, EINVAL,
				   "QED header_size %" PRIu32 " clusters invalid",
				   h->header_size);
	header_bytes = (uint64_t)h->header_size * h->cluster_size;
	if (h->l1_table_offset == 0 || h->l1_table_offset % h->cluster_size ||
	    h->l1_table_offset < header_bytes)
		return img_err_set(err, EINVAL,
				   "QED l1_table_offset %#" PRIx64 " invalid (cluster-aligned, after the header)",
				   h->l1_table_offset);
	if (h->features & QED_F_BACKING_FILE) {
		if (h->backing_filename_size == 0 ||
		    h->backing_filename_size > QED_MAX_BACKING_NAME)
			return img_err_set(err, EINVAL,
					   "QED backing file name length %" PRIu32 " invalid (1..%u)",
					   h->backing_filename_size,
					   QED_MAX_BACKING_NAME);
		if (h->backing_filename_offset < sizeof(d) ||
		    (uint64_t)h->backing_filename_offset +
		    h->backing_filename_size > header_bytes)
			return img_err_set(err, EINVAL,
					   "QED backing file name lies outside the header");
	}
	return 0;
}

void qed_header_to_disk(const struct qed_header *h, uint8_t *buf)
{
	struct qed_disk_header d;

	d.magic = le32_put(QED_MAGIC);
	d.cluster_size = le32_put(h->cluster_size);
	d.table_size = le32_put(h->table_size);
	d.header_size = le32_put(h->header_size);
	d.features = le64_put(h->features);
	d.compat_features = le64_put(h->compat_features);
	d.autoclear_features = le64_put(h->autoclear_features);
	d.l1_table_offset = le64_put(h->l1_table_offset);
	d.image_size = le64_put(h->image_size);
	d.backing_filename_offset = le32_put(h->backing_filename_offset);
	d.backing_filename_size = le32_put(h->backing_filename_size);
	memcpy(buf, &d, sizeof(d));
}

static void qed_close(struct img *img)
{
	struct qed_state *s = img->priv;

	if (s)
		qed_read_fini(s);
	free(s);
	img->priv = NULL;
}

static int qed_open(struct img *img, unsigned int flags, struct img_err *err)
{
	struct qed_state *s;
	uint8_t hdr[sizeof(struct qed_disk_header)];
	size_t got = 0;
	int ret;

	(void)flags;
	s = calloc(1, sizeof(*s));
	if (!s)
		return img_err_set(err, ENOMEM, "out of memory");
	img->priv = s;
	ret = io_size(img->file, &s->file_size, err);
	if (ret < 0)
		goto fail;
	ret = img->file->ops->pread(img->file, hdr, sizeof(hdr), 0, &got, err);
	if (ret < 0)
		goto fail;
	ret = qed_header_from_disk(hdr, got, &s->h, err);
	if (ret < 0)
		goto fail;
	if (s->h.l1_table_offset > s->file_size ||
	    (uint64_t)s->h.table_size * s->h.cluster_size >
	    s->file_size - s->h.l1_table_offset) {
		ret = img_err_set(err, EINVAL,
				  "QED L1 table (offset %#" PRIx64 ") lies past the end of the file",
				  s->h.l1_table_offset);
		goto fail;
	}
	ret = qed_read_init(s, err);
	if (ret < 0)
		goto fail;
	img->virtual_size = s->h.image_size;
	if (s->h.features & QED_F_BACKING_FILE) {
		char *name = malloc(s->h.backing_filename_size + 1);

		if (!name) {
			ret = img_err_set(err, ENOMEM, "out of memory");
			goto fail;
		}
		ret = io_read(img->file, name, s->h.backing_filename_size,
			      s->h.backing_filename_offset, err);
		name[s->h.backing_filename_size] = '\0';
		if (ret == 0 && strlen(name) != s->h.backing_filename_size)
			ret = img_err_set(err, EINVAL,
					  "QED backing file name contains a NUL byte");
		if (ret < 0) {
			free(name);
			goto fail;
		}
		img->backing_name = name;
		img->backing_full = img_path_combine(img->filename, name);
		/* The format is recorded only as "raw, do not probe". */
		if (s->h.features & QED_F_BACKING_FORMAT_NO_PROBE)
			img->backing_fmt = strdup("raw");
		if (!img->backing_full ||
		    ((s->h.features & QED_F_BACKING_FORMAT_NO_PROBE) &&
		     !img->backing_fmt)) {
			ret = img_err_set(err, ENOMEM, "out of memory");
			goto fail;
		}
	}
	return 0;
fail:
	img_err_prefix(err, "'%s'", img->filename);
	qed_close(img);
	return ret;
}

static int qed_probe(const uint8_t *buf, size_t len)
{
	if (len >= 4 && le32_get(*(const struct le32 *)buf) == QED_MAGIC)
		return 100;
	return 0;
}

static int qed_info(struct img *img, struct img_info *info,
		    struct img_err *err)
{
	struct qed_state *s = img->priv;

	(void)err;
	info->has_cluster_size = true;
	info->cluster_size = s->h.cluster_size;
	/*
	 * qemu-img 7.2 prints "dirty-flag": false even with need-check set;
	 * check reports need-check instead.
	 */
	return 0;
}

static const struct opt_desc qed_create_opts[] = {
	{ "size", OPT_SIZE, "Virtual disk size", NULL },
	{ "backing_file", OPT_STRING, "File name of a base image", NULL },
	{ "backing_fmt", OPT_STRING, "Image format of the base image", NULL },
	{ "cluster_size", OPT_SIZE, "Cluster size (in bytes)", "65536" },
	{ "table_size", OPT_NUMBER, "L1/L2 table size (in clusters)", NULL },
	{ NULL, OPT_STRING, NULL, NULL },
};

static int qed_create_check(const char *filename, struct opt_set *opts,
			    struct img_err *err)
{
	uint64_t cs = opts_num(opts, "cluster_size", QED_DEFAULT_CLUSTER_SIZE);
	uint64_t ts = opts_num(opts, "table_size", QED_DEFAULT_TABLE_SIZE);
	const char *backing = opts_str(opts, "backing_file");
	uint64_t size, max;

	if (!qed_cluster_size_ok(cs))
		return img_err_set(err, EINVAL,
				   "'%s': QED cluster size must be a power of two in [4096, 67108864]",
				   filename);
	if (!qed_table_size_ok(ts))
		return img_err_set(err, EINVAL,
				   "'%s': QED table size must be a power of two in [1, 16]",
				   filename);
	if (backing && strlen(backing) > QED_MAX_BACKING_NAME)
		return img_err_set(err, EINVAL,
				   "'%s': backing file name too long (limit %u bytes)",
				   filename, QED_MAX_BACKING_NAME);
	if (backing && strlen(backing) > cs - sizeof(struct qed_disk_header))
		return img_err_set(err, EINVAL,
				   "'%s': backing file name does not fit in the header cluster",
				   filename);
	if (opts_is_set(opts, "size")) {
		size = opts_num(opts, "size", 0);
		max = qed_max_image_size((uint32_t)cs, (uint32_t)ts);
		if (size_round_sector(size) > max)
			return img_err_set(err, EINVAL,
					   "'%s': QED image size must be at most %" PRIu64 " bytes with this cluster and table size",
					   filename, max);
	}
	return 0;
}

static int qed_create(struct io *file, const char *filename,
		      struct opt_set *opts, struct img_err *err)
{
	const char *backing = opts_str(opts, "backing_file");
	const char *bfmt = opts_str(opts, "backing_fmt");
	struct qed_header h;
	uint8_t *buf;
	int ret;

	ret = qed_create_check(filename, opts, err);
	if (ret < 0)
		return ret;
	memset(&h, 0, sizeof(h));
	h.cluster_size = (uint32_t)opts_num(opts, "cluster_size",
					    QED_DEFAULT_CLUSTER_SIZE);
	h.table_size = (uint32_t)opts_num(opts, "table_size",
					  QED_DEFAULT_TABLE_SIZE);
	h.header_size = 1;
	h.l1_table_offset = h.cluster_size;
	h.image_size = size_round_sector(opts_num(opts, "size", 0));
	buf = calloc(1, h.cluster_size);
	if (!buf)
		return img_err_set(err, ENOMEM, "out of memory");
	if (backing) {
		h.features |= QED_F_BACKING_FILE;
		if (bfmt && !strcmp(bfmt, "raw"))
			h.features |= QED_F_BACKING_FORMAT_NO_PROBE;
		h.backing_filename_offset = sizeof(struct qed_disk_header);
		h.backing_filename_size = (uint32_t)strlen(backing);
		memcpy(buf + h.backing_filename_offset, backing,
		       h.backing_filename_size);
	}
	qed_header_to_disk(&h, buf);
	/* The empty L1 table first, the header last. */
	ret = io_truncate(file, (uint64_t)h.cluster_size * (1 + h.table_size),
			  err);
	if (ret == 0)
		ret = io_flush(file, err);
	if (ret == 0)
		ret = io_write(file, buf, h.cluster_size, 0, err);
	free(buf);
	return ret;
}

const struct driver qed_driver = {
	.name = "qed",
	.probe = qed_probe,
	.open = qed_open,
	.close = qed_close,
	.info = qed_info,
	.create_check = qed_create_check,
	.create = qed_create,
	.create_opts = qed_create_opts,
	.block_status = qed_block_status,
	.supports_backing = true,
	.has_cluster_size_info = true,
};
