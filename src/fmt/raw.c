/* SPDX-License-Identifier: MIT */
/* raw: the file is the disk. */
#include <errno.h>
#include <string.h>

#include "../driver.h"
#include "../size.h"

static int raw_open(struct img *img, unsigned int flags, struct img_err *err)
{
	uint64_t size;
	int ret;

	(void)flags;
	ret = io_size(img->file, &size, err);
	if (ret < 0)
		return ret;
	/* Disks are whole sectors: the tail of the last one reads as zeros. */
	if (size > (uint64_t)INT64_MAX - 511)
		return img_err_set(err, EFBIG, "'%s': file too large",
				   img->filename);
	img->virtual_size = size_round_sector(size);
	return 0;
}

static void raw_close(struct img *img)
{
	(void)img;
}

/* The host file's own data and holes; every byte is this layer's. */
static int raw_block_status(struct img *img, uint64_t off, uint64_t len,
			    struct img_status *st, struct img_err *err)
{
	struct io_extent e;
	int ret;

	ret = io_extent(img->file, off, len, &e, err);
	if (ret < 0)
		return ret;
	/* Past the end of the file, inside the last sector: zeros. */
	st->len = e.eof && (e.len == 0 || e.hole) ? len : e.len;
	st->flags = (e.hole ? IMG_BS_ZERO : IMG_BS_DATA) | IMG_BS_OFFSET_VALID;
	st->host = off;
	st->file = img->file;
	return 0;
}

static int raw_probe(const uint8_t *buf, size_t len)
{
	(void)buf;
	(void)len;
	return 1;	/* anything is raw, as a last resort */
}

static const struct opt_desc raw_create_opts[] = {
	{ "size", OPT_SIZE, "Virtual disk size", NULL },
	{ "preallocation", OPT_STRING,
	  "Preallocation mode (allowed values: off, falloc, full)", NULL },
	{ NULL, OPT_STRING, NULL, NULL },
};

static int raw_create_check(const char *filename, struct opt_set *opts,
			    struct img_err *err)
{
	const char *p = opts_str(opts, "preallocation");

	if (p && strcmp(p, "off") && strcmp(p, "falloc") && strcmp(p, "full"))
		return img_err_set(err, EINVAL,
				   "'%s': unsupported preallocation mode '%s' for raw (expected off, falloc or full)",
				   filename, p);
	return 0;
}

static int raw_create(struct io *file, const char *filename,
		      struct opt_set *opts, struct img_err *err)
{
	const char *p = opts_str(opts, "preallocation");
	uint64_t size = size_round_sector(opts_num(opts, "size", 0));
	int ret;

	(void)filename;
	if (p && !strcmp(p, "full"))
		return io_write_zeroes(file, 0, size, err);
	ret = io_truncate(file, size, err);
	if (ret == 0 && p && !strcmp(p, "falloc") && size) {
		ret = io_allocate(file, 0, size, err);
		if (ret == -ENOTSUP)
			ret = img_err_set(err, ENOTSUP,
					  "'%s': preallocation=falloc is not supported by this file system",
					  filename);
	}
	return ret;
}

const struct driver raw_driver = {
	.name = "raw",
	.probe = raw_probe,
	.open = raw_open,
	.close = raw_close,
	.create_check = raw_create_check,
	.create = raw_create,
	.create_opts = raw_create_opts,
	.block_status = raw_block_status,
};
