/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"

int io_read(struct io *io, void *buf, size_t len, uint64_t off,
	    struct img_err *err)
{
	size_t got = 0;
	int ret;

	ret = io->ops->pread(io, buf, len, off, &got, err);
	if (ret < 0)
		return ret;
	if (got < len)
		return img_err_set(err, EIO,
				   "'%s': unexpected end of file reading %zu bytes at offset %" PRIu64,
				   io->name, len, off);
	return 0;
}

int io_read_zfill(struct io *io, void *buf, size_t len, uint64_t off,
		  struct img_err *err)
{
	size_t got = 0;
	int ret;

	ret = io->ops->pread(io, buf, len, off, &got, err);
	if (ret < 0)
		return ret;
	if (got < len)
		memset((uint8_t *)buf + got, 0, len - got);
	return 0;
}

int io_write(struct io *io, const void *buf, size_t len, uint64_t off,
	     struct img_err *err)
{
	if (!io->writable)
		return img_err_set(err, EROFS, "'%s': opened read-only",
				   io->name);
	return io->ops->pwrite(io, buf, len, off, err);
}

const uint8_t io_zeros[IO_ZEROS_LEN];

bool io_is_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len >= IO_ZEROS_LEN) {
		if (memcmp(b, io_zeros, IO_ZEROS_LEN))
			return false;
		b += IO_ZEROS_LEN;
		len -= IO_ZEROS_LEN;
	}
	return memcmp(b, io_zeros, len) == 0;
}

int io_write_zeroes(struct io *io, uint64_t off, uint64_t len,
		    struct img_err *err)
{
	while (len) {
		size_t n = len < IO_ZEROS_LEN ? (size_t)len : IO_ZEROS_LEN;
		int ret = io_write(io, io_zeros, n, off, err);

		if (ret < 0)
			return ret;
		off += n;
		len -= n;
	}
	return 0;
}

int io_size(struct io *io, uint64_t *size, struct img_err *err)
{
	return io->ops->size(io, size, err);
}

int io_truncate(struct io *io, uint64_t size, struct img_err *err)
{
	if (!io->writable)
		return img_err_set(err, EROFS, "'%s': opened read-only",
				   io->name);
	return io->ops->truncate(io, size, err);
}

int io_flush(struct io *io, struct img_err *err)
{
	if (!io->writable)
		return 0;
	return io->ops->flush(io, err);
}

int io_allocate(struct io *io, uint64_t off, uint64_t len,
		struct img_err *err)
{
	if (!io->ops->allocate)
		return -ENOTSUP;
	return io->ops->allocate(io, off, len, err);
}

int64_t io_allocated_size(struct io *io)
{
	return io->ops->allocated_size ? io->ops->allocated_size(io) : -1;
}

bool io_same_file(struct io *a, struct io *b)
{
	if (a->ops != b->ops || !a->ops->same_file)
		return a == b;
	return a->ops->same_file(a, b);
}

void io_close(struct io *io)
{
	if (io)
		io->ops->close(io);
}

int io_extent(struct io *io, uint64_t off, uint64_t len,
	      struct io_extent *ext, struct img_err *err)
{
	uint64_t size;
	int ret;

	if (io->ops->extent)
		return io->ops->extent(io, off, len, ext, err);
	ret = io_size(io, &size, err);
	if (ret < 0)
		return ret;
	if (off >= size) {
		*ext = (struct io_extent){ .len = 0, .hole = true, .eof = true };
		return 0;
	}
	ext->hole = false;
	ext->len = size - off < len ? size - off : len;
	ext->eof = off + ext->len == size;
	return 0;
}
