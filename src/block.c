/* SPDX-License-Identifier: MIT */
/*
 * The generic layer: an opened image with its backing chain, info, and
 * the format-independent half of create.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "size.h"

/* The recorded errno, for NULL-returning helpers (EINVAL without err). */
static int err_code(const struct img_err *err)
{
	return err && err->code > 0 ? err->code : EINVAL;
}

char *img_path_combine(const char *base, const char *name)
{
	const char *slash;
	char *r;

	if (name[0] == '/' || !(slash = strrchr(base, '/')))
		return strdup(name);
	if (asprintf(&r, "%.*s%s", (int)(slash - base + 1), base, name) < 0)
		return NULL;
	return r;
}

static void img_free(struct img *img)
{
	if (!img)
		return;
	if (img->drv && img->drv->close && img->priv)
		img->drv->close(img);
	io_close(img->file);
	free(img->filename);
	free(img->backing_name);
	free(img->backing_fmt);
	free(img->backing_full);
	for (int i = 0; i < img->nb_warnings; i++)
		free(img->warnings[i]);
	free(img);
}

void img_close(struct img *img)
{
	while (img) {
		struct img *next = img->backing;

		img_free(img);
		img = next;
	}
}

static int open_on(struct io *file, const char *filename, const char *fmt,
		   unsigned int flags, struct img **out, struct img_err *err)
{
	const struct driver *drv = NULL;
	struct img *img;
	int ret;

	if (fmt) {
		drv = img_driver_find(fmt);
		if (!drv) {
			io_close(file);
			return img_err_set(err, EINVAL,
					   "unknown format '%s' (supported: qcow2, qed, raw)",
					   fmt);
		}
	}
	img = calloc(1, sizeof(*img));
	if (!img || !(img->filename = strdup(filename))) {
		free(img);
		io_close(file);
		return img_err_set(err, ENOMEM, "out of memory");
	}
	img->file = file;
	if (!drv) {
		drv = img_probe(img->file, filename, err);
		if (!drv) {
			ret = -EIO;
			goto fail;
		}
	}
	img->drv = drv;
	ret = drv->open(img, flags, err);
	if (ret < 0) {
		img->priv = NULL;	/* open cleans up after itself */
		goto fail;
	}
	*out = img;
	return 0;
fail:
	img_free(img);
	return ret;
}

int img_open_io(struct io *file, const char *name, const char *fmt,
		unsigned int flags, struct img **out, struct img_err *err)
{
	return open_on(file, name, fmt,
		       flags & ~(unsigned int)(IMG_OPEN_BACKING |
					       IMG_OPEN_DATA_FILE),
		       out, err);
}

static int open_one(const char *filename, const char *fmt,
		    unsigned int flags, struct img **out, struct img_err *err)
{
	struct io *file = NULL;
	int ret;

	if (fmt && !img_driver_find(fmt))
		return img_err_set(err, EINVAL,
				   "unknown format '%s' (supported: qcow2, qed, raw)",
				   fmt);
	ret = io_posix_open(filename, (flags & IMG_OPEN_RDWR) ? IO_RDWR : 0,
			    &file, err);
	if (ret < 0)
		return ret;
	return open_on(file, filename, fmt, flags, out, err);
}

/* Open the backing chain below top, refusing loops and runaway depth. */
static int open_chain(struct img *top, unsigned int flags,
		      struct img_err *err)
{
	struct img *cur = top;
	int depth = 0;
	int ret;

	while (cur->backing_name) {
		struct img *b = NULL;
		const char *fmt = cur->backing_fmt;

		if (++depth > IMG_MAX_CHAIN)
			return img_err_set(err, ELOOP,
					   "'%s': backing chain deeper than %d images",
					   top->filename, IMG_MAX_CHAIN);
		ret = open_one(cur->backing_full, fmt,
			       flags & ~(unsigned)IMG_OPEN_RDWR, &b, err);
		if (ret < 0) {
			img_err_prefix(err, "could not open backing file of '%s'",
				       cur->filename);
			return ret;
		}
		if (!fmt && b->drv == &raw_driver)
			img_add_warning(top,
					"backing file '%s' has no recorded format and was probed as raw",
					cur->backing_full);
		for (struct img *p = top; p; p = p->backing) {
			if (io_same_file(p->file, b->file)) {
				img_err_set(err, ELOOP,
					    "backing chain of '%s' loops: '%s' is already in the chain",
					    top->filename, b->filename);
				img_close(b);
				return -ELOOP;
			}
		}
		cur->backing = b;
		cur = b;
	}
	return 0;
}

int img_open(const char *filename, const char *fmt, unsigned int flags,
	     struct img **out, struct img_err *err)
{
	struct img *img = NULL;
	int ret;

	ret = open_one(filename, fmt, flags, &img, err);
	if (ret < 0)
		return ret;
	if (flags & IMG_OPEN_BACKING) {
		ret = open_chain(img, flags, err);
		if (ret < 0) {
			img_close(img);
			return ret;
		}
	}
	*out = img;
	return 0;
}

int img_info(struct img *img, struct img_info *info, struct img_err *err)
{
	memset(info, 0, sizeof(*info));
	info->filename = img->filename;
	info->format = img->drv->name;
	info->virtual_size = img->virtual_size;
	info->actual_size = io_allocated_size(img->file);
	info->backing_filename = img->backing_name;
	info->full_backing_filename = img->backing_full;
	info->backing_fmt = img->backing_fmt;
	if (img->drv->info)
		return img->drv->info(img, info, err);
	return 0;
}

/* The driver that creates fmt images, or NULL with err filled in. */
static const struct driver *creator(const char *fmt, struct img_err *err)
{
	const struct driver *drv = img_driver_find(fmt);

	if (!drv) {
		img_err_set(err, EINVAL,
			    "unknown format '%s' (supported: qcow2, qed, raw)",
			    fmt);
		return NULL;
	}
	if (!drv->create) {
		img_err_set(err, ENOTSUP,
			    "format '%s' does not support image creation", fmt);
		return NULL;
	}
	return drv;
}

int img_create_opts(const char *fmt, const struct opt_desc **desc,
		    size_t *count, struct img_err *err)
{
	const struct driver *drv = creator(fmt, err);

	if (!drv)
		return -err_code(err);
	*desc = drv->create_opts;
	*count = opts_count(drv->create_opts);
	return 0;
}

/* Check the backing file exists and has the named format; take its size. */
static int create_check_backing(const char *filename, struct opt_set *opts,
				unsigned int flags, struct img_err *err)
{
	const char *backing = opts_str(opts, "backing_file");
	const char *bfmt = opts_str(opts, "backing_fmt");
	struct img *b = NULL;
	char *path;
	char num[32];
	int ret;

	if (!backing) {
		if (bfmt)
			return img_err_set(err, EINVAL,
					   "'%s': backing format given without a backing file",
					   filename);
		return 0;
	}
	path = img_path_combine(filename, backing);
	if (!path)
		return img_err_set(err, ENOMEM, "out of memory");
	if (!strcmp(path, filename)) {
		free(path);
		return img_err_set(err, EINVAL,
				   "'%s': an image cannot be its own backing file",
				   filename);
	}
	free(path);
	if (bfmt && !img_driver_find(bfmt))
		return img_err_set(err, EINVAL,
				   "'%s': unknown backing format '%s'",
				   filename, bfmt);
	if (flags & IMG_CREATE_NO_BACKING_OPEN) {
		if (!bfmt)
			return img_err_set(err, EINVAL,
					   "'%s': backing file specified without backing format (use -F)",
					   filename);
		return 0;
	}
	path = img_path_combine(filename, backing);
	if (!path)
		return img_err_set(err, ENOMEM, "out of memory");
	ret = img_open(path, bfmt, IMG_OPEN_BACKING, &b, err);
	free(path);
	if (ret < 0) {
		img_err_prefix(err, "'%s'", filename);
		return ret;
	}
	if (!bfmt) {
		ret = img_err_set(err, EINVAL,
				  "'%s': backing file specified without backing format (detected format: %s; use -F %s)",
				  filename, b->drv->name, b->drv->name);
		img_close(b);
		return ret;
	}
	if (!opts_is_set(opts, "size")) {
		snprintf(num, sizeof(num), "%llu",
			 (unsigned long long)b->virtual_size);
		ret = opts_set_str(opts, "size", num, err);
	}
	img_close(b);
	return ret;
}

int img_create_prepare(const char *fmt, const char *filename,
		       struct opt_set *opts, unsigned int flags,
		       struct img_err *err)
{
	const struct driver *drv = creator(fmt, err);
	int ret;

	if (!drv)
		return -err_code(err);
	if (drv->create_check) {
		ret = drv->create_check(filename, opts, err);
		if (ret < 0)
			return ret;
	}
	if (opts_get(opts, "backing_file")) {
		ret = create_check_backing(filename, opts, flags, err);
		if (ret < 0)
			return ret;
	}
	if (!opts_is_set(opts, "size"))
		return img_err_set(err, EINVAL,
				   "'%s': image creation needs a size parameter",
				   filename);
	return 0;
}

int img_create(const char *fmt, const char *filename, struct opt_set *opts,
	       struct img_err *err)
{
	const struct driver *drv = creator(fmt, err);
	struct io *file = NULL;
	int ret;

	if (!drv)
		return -err_code(err);
	/*
	 * img_create_prepare has checked the backing file and filled in the
	 * size; only the cheap option check is repeated, so a caller that
	 * skipped it still cannot write an invalid image.
	 */
	if (drv->create_check) {
		ret = drv->create_check(filename, opts, err);
		if (ret < 0)
			return ret;
	}
	if (!opts_is_set(opts, "size"))
		return img_err_set(err, EINVAL,
				   "'%s': image creation needs a size parameter",
				   filename);
	ret = io_posix_open(filename, IO_TRUNCATE, &file, err);
	if (ret < 0)
		return ret;
	ret = drv->create(file, filename, opts, err);
	if (ret == 0)
		ret = io_flush(file, err);
	io_close(file);
	if (ret < 0)
		unlink(filename);
	return ret;
}
