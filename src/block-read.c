/* SPDX-License-Identifier: MIT */
/*
 * The generic read path: block status of one layer and of a backing
 * chain, and reading guest data through the chain.  The status rules are
 * qemu's (block/io.c), so map and compare agree with qemu-img: a layer
 * that has nothing at an offset reads as zeros when there is no backing
 * file or the backing file is shorter; a qcow2 with preallocated metadata
 * asks its host file about holes.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "driver.h"

static int layer_status(struct img *img, uint64_t off, uint64_t len,
			bool want_zero, struct img_status *st,
			struct img_err *err)
{
	uint64_t size = img->virtual_size;
	int ret;

	memset(st, 0, sizeof(*st));
	if (off >= size) {
		st->flags = IMG_BS_EOF;
		return 0;
	}
	if (len > size - off)
		len = size - off;
	if (!img->drv->block_status)
		return img_err_set(err, ENOTSUP,
				   "'%s': format '%s' cannot report block status",
				   img->filename, img->drv->name);
	ret = img->drv->block_status(img, off, len, st, err);
	if (ret < 0)
		return ret;
	st->layer = img;
	if (st->len == 0 || st->len > len)
		return img_err_set(err, EIO,
				   "'%s': internal error: block status of %" PRIu64
				   " bytes at %" PRIu64, img->filename, st->len, off);
	if (st->flags & (IMG_BS_DATA | IMG_BS_ZERO)) {
		st->flags |= IMG_BS_ALLOCATED;
	} else if (img->drv->supports_backing) {
		if (!img->backing || off >= img->backing->virtual_size)
			st->flags |= IMG_BS_ZERO;
	}
	if (want_zero && (st->flags & IMG_BS_RECURSE) && st->file &&
	    (st->flags & (IMG_BS_DATA | IMG_BS_ZERO | IMG_BS_OFFSET_VALID)) ==
	    (IMG_BS_DATA | IMG_BS_OFFSET_VALID)) {
		struct io_extent e;

		/* Like qemu, a file that cannot say is taken as all data. */
		if (io_extent(st->file, st->host, st->len, &e, err) == 0) {
			if (e.eof && (e.len == 0 || e.hole)) {
				st->flags |= IMG_BS_ZERO;
			} else {
				st->len = e.len;
				if (e.hole)
					st->flags |= IMG_BS_ZERO;
			}
		}
	}
	if (off + st->len == size)
		st->flags |= IMG_BS_EOF;
	return 0;
}

int img_block_status(struct img *img, uint64_t off, uint64_t len,
		     struct img_status *st, struct img_err *err)
{
	return layer_status(img, off, len, true, st, err);
}

int img_map_status(struct img *img, uint64_t off, uint64_t len,
		   struct img_status *st, struct img_err *err)
{
	struct img *cur = img;
	int depth = 0;
	int ret;

	for (;;) {
		ret = layer_status(cur, off, len, true, st, err);
		if (ret < 0)
			return ret;
		if (st->flags & (IMG_BS_ZERO | IMG_BS_DATA))
			break;
		len = st->len;
		cur = cur->backing;
		if (!cur) {
			st->flags = 0;
			break;
		}
		depth++;
	}
	st->depth = depth;
	return 0;
}

int img_status_above(struct img *img, uint64_t off, uint64_t len,
		     struct img_status *st, struct img_err *err)
{
	uint64_t eof = UINT64_MAX;
	struct img *p;
	int depth = 0;
	int ret;

	ret = layer_status(img, off, len, true, st, err);
	if (ret < 0 || st->len == 0 || (st->flags & IMG_BS_ALLOCATED))
		return ret;
	if (st->flags & IMG_BS_EOF)
		eof = off + st->len;
	len = st->len;
	for (p = img->backing; p; p = p->backing) {
		depth++;
		ret = layer_status(p, off, len, true, st, err);
		if (ret < 0)
			return ret;
		st->depth = depth;
		if (st->len == 0) {
			/* Past the end of a shorter backing file: zeros here. */
			st->len = len;
			st->flags = IMG_BS_ZERO | IMG_BS_ALLOCATED;
			st->file = NULL;
			st->layer = p;
			break;
		}
		if (st->flags & IMG_BS_ALLOCATED) {
			st->flags &= ~(unsigned int)IMG_BS_EOF;
			break;
		}
		len = st->len;
	}
	if (off + st->len == eof)
		st->flags |= IMG_BS_EOF;
	return 0;
}

/* Read len bytes at off of layer img that st (its own status) describes. */
static int read_layer(struct img *img, const struct img_status *st,
		      uint64_t off, size_t len, uint8_t *p, struct img_err *err)
{
	if ((st->flags & IMG_BS_DATA) && (st->flags & IMG_BS_OFFSET_VALID)) {
		size_t got = 0;
		int ret;

		ret = st->file->ops->pread(st->file, p, len, st->host, &got,
					   err);
		if (ret < 0)
			return ret;
		if (got < len)
			return img_err_set(err, EIO,
					   "'%s': guest offset %" PRIu64
					   ": data at host offset %" PRIu64
					   " lies past the end of '%s'",
					   img->filename, off + got, st->host + got,
					   st->file->name);
		return 0;
	}
	if (st->flags & IMG_BS_DATA) {
		if (!img->drv->read_special)
			return img_err_set(err, ENOTSUP,
					   "'%s': guest offset %" PRIu64
					   ": cannot read this data",
					   img->filename, off);
		return img->drv->read_special(img, off, len, p, err);
	}
	if ((st->flags & IMG_BS_ZERO) || !img->backing) {
		memset(p, 0, len);
		return 0;
	}
	return img_read(img->backing, off, len, p, err);
}

int img_read(struct img *img, uint64_t off, size_t len, void *buf,
	     struct img_err *err)
{
	uint8_t *p = buf;
	struct img_status st;
	int ret;

	while (len) {
		if (off >= img->virtual_size) {
			/* Past the end of a shorter backing file. */
			memset(p, 0, len);
			return 0;
		}
		ret = layer_status(img, off, len, false, &st, err);
		if (ret < 0)
			return ret;
		ret = read_layer(img, &st, off, (size_t)st.len, p, err);
		if (ret < 0)
			return ret;
		p += st.len;
		off += st.len;
		len -= (size_t)st.len;
	}
	return 0;
}

int img_read_status(struct img *img, const struct img_status *st,
		    uint64_t off, size_t len, void *buf, struct img_err *err)
{
	/* Zeros (also a host-file hole under data) need no reading. */
	if (st->flags & IMG_BS_ZERO) {
		memset(buf, 0, len);
		return 0;
	}
	if (!st->layer || !(st->flags & IMG_BS_ALLOCATED))
		return img_read(img, off, len, buf, err);
	return read_layer(st->layer, st, off, len, buf, err);
}

void img_thread_done(void)
{
	for (size_t i = 0; i < img_driver_count(); i++) {
		const struct driver *d = img_driver_at(i);

		if (d->thread_done)
			d->thread_done();
	}
}
