/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"

struct io_posix {
	struct io io;
	int fd;
	/* A regular file opened read-only keeps its size (-1: ask). */
	int64_t ro_size;
};

static struct io_posix *to_posix(struct io *io)
{
	return (struct io_posix *)io;
}

static int posix_pread(struct io *io, void *buf, size_t len, uint64_t off,
		       size_t *got, struct img_err *err)
{
	struct io_posix *p = to_posix(io);
	size_t done = 0;

	if (off > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - off)
		return img_err_set(err, EINVAL,
				   "'%s': read at offset %" PRIu64 " out of range",
				   io->name, off);
	while (done < len) {
		ssize_t n = pread(p->fd, (uint8_t *)buf + done, len - done,
				  (off_t)(off + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return img_err_errno(err, errno,
					     "'%s': read at offset %" PRIu64,
					     io->name, off + done);
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	*got = done;
	return 0;
}

static int posix_pwrite(struct io *io, const void *buf, size_t len,
			uint64_t off, struct img_err *err)
{
	struct io_posix *p = to_posix(io);
	size_t done = 0;

	if (off > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - off)
		return img_err_set(err, EINVAL,
				   "'%s': write at offset %" PRIu64 " out of range",
				   io->name, off);
	while (done < len) {
		ssize_t n = pwrite(p->fd, (const uint8_t *)buf + done,
				   len - done, (off_t)(off + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return img_err_errno(err, errno,
					     "'%s': write at offset %" PRIu64,
					     io->name, off + done);
		}
		done += (size_t)n;
	}
	return 0;
}

static int posix_size(struct io *io, uint64_t *size, struct img_err *err)
{
	struct stat st;
	off_t end;

	/* Block status asks often: no stat per query on read-only files. */
	if (to_posix(io)->ro_size >= 0) {
		*size = (uint64_t)to_posix(io)->ro_size;
		return 0;
	}
	if (fstat(to_posix(io)->fd, &st) < 0)
		return img_err_errno(err, errno, "'%s': stat", io->name);
	if (S_ISBLK(st.st_mode)) {
		end = lseek(to_posix(io)->fd, 0, SEEK_END);
		if (end < 0)
			return img_err_errno(err, errno, "'%s': seek",
					     io->name);
		*size = (uint64_t)end;
		return 0;
	}
	*size = (uint64_t)st.st_size;
	return 0;
}

static int posix_truncate(struct io *io, uint64_t size, struct img_err *err)
{
	if (size > (uint64_t)INT64_MAX)
		return img_err_set(err, EFBIG, "'%s': size too large",
				   io->name);
	if (ftruncate(to_posix(io)->fd, (off_t)size) < 0)
		return img_err_errno(err, errno, "'%s': truncate", io->name);
	return 0;
}

static int posix_flush(struct io *io, struct img_err *err)
{
	if (fdatasync(to_posix(io)->fd) < 0 && errno != EINVAL)
		return img_err_errno(err, errno, "'%s': flush", io->name);
	return 0;
}

static int posix_allocate(struct io *io, uint64_t off, uint64_t len,
			  struct img_err *err)
{
	int ret;

	ret = posix_fallocate(to_posix(io)->fd, (off_t)off, (off_t)len);
	if (ret == EOPNOTSUPP || ret == EINVAL)
		return -ENOTSUP;
	if (ret)
		return img_err_errno(err, ret, "'%s': preallocate", io->name);
	return 0;
}

static int64_t posix_allocated_size(struct io *io)
{
	struct stat st;

	if (fstat(to_posix(io)->fd, &st) < 0)
		return -1;
	return (int64_t)st.st_blocks * 512;
}

/*
 * SEEK_DATA/SEEK_HOLE, read as qemu's file driver reads them: a file
 * system that cannot answer makes everything data.
 */
static int posix_extent(struct io *io, uint64_t off, uint64_t len,
			struct io_extent *ext, struct img_err *err)
{
	int fd = to_posix(io)->fd;
	uint64_t size, end;
	off_t data, hole;
	int ret;

	ret = posix_size(io, &size, err);
	if (ret < 0)
		return ret;
	if (off >= size) {
		*ext = (struct io_extent){ .len = 0, .hole = true, .eof = true };
		return 0;
	}
	if (len > size - off)
		len = size - off;
	end = off + len;
	data = lseek(fd, (off_t)off, SEEK_DATA);
	if (data < 0) {
		/* ENXIO: only a hole up to the end of the file. */
		ext->hole = errno == ENXIO;
		ext->len = len;
		ext->eof = end == size;
		return 0;
	}
	if ((uint64_t)data > off) {
		ext->hole = true;
		ext->len = (uint64_t)data - off < len ? (uint64_t)data - off : len;
	} else {
		hole = lseek(fd, (off_t)off, SEEK_HOLE);
		if (hole < 0 || (uint64_t)hole <= off)
			hole = (off_t)size;
		ext->hole = false;
		ext->len = (uint64_t)hole - off < len ? (uint64_t)hole - off : len;
	}
	ext->eof = off + ext->len == size;
	return 0;
}

static bool posix_same_file(struct io *a, struct io *b)
{
	struct stat sa, sb;

	if (fstat(to_posix(a)->fd, &sa) < 0 || fstat(to_posix(b)->fd, &sb) < 0)
		return false;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void posix_close(struct io *io)
{
	close(to_posix(io)->fd);
	free(io->name);
	free(io);
}

static const struct io_ops posix_ops = {
	.pread = posix_pread,
	.pwrite = posix_pwrite,
	.size = posix_size,
	.truncate = posix_truncate,
	.flush = posix_flush,
	.allocate = posix_allocate,
	.allocated_size = posix_allocated_size,
	.extent = posix_extent,
	.same_file = posix_same_file,
	.close = posix_close,
};

int io_posix_open(const char *path, unsigned int flags, struct io **out,
		  struct img_err *err)
{
	struct io_posix *p;
	int oflags = O_CLOEXEC;
	struct stat st;
	int fd;

	oflags |= (flags & (IO_RDWR | IO_CREATE | IO_TRUNCATE)) ?
		  O_RDWR : O_RDONLY;
	if (flags & IO_CREATE)
		oflags |= O_CREAT | O_EXCL;
	if (flags & IO_TRUNCATE)
		oflags |= O_CREAT | O_TRUNC;
	/* Non-blocking, so a FIFO cannot hang us before we refuse it. */
	fd = open(path, oflags | O_NONBLOCK, 0644);
	if (fd < 0)
		return img_err_errno(err, errno, "could not open '%s'", path);
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		close(fd);
		return img_err_set(err, EISDIR,
				   "could not open '%s': is a directory", path);
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		close(fd);
		return img_err_set(err, EINVAL,
				   "could not open '%s': not a regular file or block device",
				   path);
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		int e = errno;

		close(fd);
		return img_err_errno(err, e, "could not open '%s'", path);
	}
	p = calloc(1, sizeof(*p));
	if (!p || !(p->io.name = strdup(path))) {
		free(p);
		close(fd);
		return img_err_set(err, ENOMEM, "out of memory");
	}
	p->io.ops = &posix_ops;
	p->io.writable = oflags & O_RDWR;
	p->fd = fd;
	p->ro_size = (!p->io.writable && S_ISREG(st.st_mode)) ?
		     (int64_t)st.st_size : -1;
	*out = &p->io;
	return 0;
}

/* A stream (stdout): sequential writes only, nothing else. */
struct io_stream {
	struct io io;
	int fd;
	uint64_t pos;
};

static int stream_pread(struct io *io, void *buf, size_t len, uint64_t off,
			size_t *got, struct img_err *err)
{
	(void)buf;
	(void)len;
	(void)off;
	(void)got;
	return img_err_set(err, ENOTSUP, "'%s': cannot read a stream",
			   io->name);
}

static int stream_pwrite(struct io *io, const void *buf, size_t len,
			 uint64_t off, struct img_err *err)
{
	struct io_stream *s = (struct io_stream *)io;
	size_t done = 0;

	if (off != s->pos)
		return img_err_set(err, ESPIPE,
				   "'%s': out-of-order write to a stream", io->name);
	while (done < len) {
		ssize_t n = write(s->fd, (const uint8_t *)buf + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return img_err_errno(err, errno, "'%s': write", io->name);
		}
		done += (size_t)n;
	}
	s->pos += len;
	return 0;
}

static int stream_size(struct io *io, uint64_t *size, struct img_err *err)
{
	(void)err;
	*size = ((struct io_stream *)io)->pos;
	return 0;
}

static int stream_unsupported(struct io *io, uint64_t a, struct img_err *err)
{
	(void)a;
	return img_err_set(err, ENOTSUP, "'%s': not possible on a stream",
			   io->name);
}

static int stream_flush(struct io *io, struct img_err *err)
{
	(void)io;
	(void)err;
	return 0;
}

static int stream_allocate(struct io *io, uint64_t off, uint64_t len,
			   struct img_err *err)
{
	(void)off;
	(void)len;
	return stream_unsupported(io, 0, err);
}

static int64_t stream_allocated_size(struct io *io)
{
	(void)io;
	return -1;
}

static void stream_close(struct io *io)
{
	free(io->name);
	free(io);
}

static const struct io_ops stream_ops = {
	.pread = stream_pread,
	.pwrite = stream_pwrite,
	.size = stream_size,
	.truncate = stream_unsupported,
	.flush = stream_flush,
	.allocate = stream_allocate,
	.allocated_size = stream_allocated_size,
	.close = stream_close,
};

int io_stream_open(int fd, const char *name, struct io **out,
		   struct img_err *err)
{
	struct io_stream *s = calloc(1, sizeof(*s));

	if (!s || !(s->io.name = strdup(name))) {
		free(s);
		return img_err_set(err, ENOMEM, "out of memory");
	}
	s->io.ops = &stream_ops;
	s->io.writable = true;
	s->fd = fd;
	*out = &s->io;
	return 0;
}
