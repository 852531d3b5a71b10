/* SPDX-License-Identifier: MIT */
/*
 * The host-file vtable.  Formats reach their files only through this, so
 * unit tests can run them on memory and crash tests can cut writes short.
 */
#ifndef IMG_IO_H
#define IMG_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct io;

/* One run of a host file, as the file system reports it. */
struct io_extent {
	uint64_t len;		/* > 0 unless eof */
	bool hole;		/* reads as zeros, not stored */
	bool eof;		/* the run reaches (or starts past) the end */
};

struct io_ops {
	/* Read up to len bytes; *got is short only at end of file. */
	int (*pread)(struct io *io, void *buf, size_t len, uint64_t off,
		     size_t *got, struct img_err *err);
	int (*pwrite)(struct io *io, const void *buf, size_t len, uint64_t off,
		      struct img_err *err);
	int (*size)(struct io *io, uint64_t *size, struct img_err *err);
	int (*truncate)(struct io *io, uint64_t size, struct img_err *err);
	int (*flush)(struct io *io, struct img_err *err);
	/* Reserve blocks (fallocate); -ENOTSUP when the backend cannot. */
	int (*allocate)(struct io *io, uint64_t off, uint64_t len,
			struct img_err *err);
	/* Bytes the file occupies on disk, or -1 when unknown. */
	int64_t (*allocated_size)(struct io *io);
	/*
	 * Where data lies (SEEK_DATA/SEEK_HOLE): the run at off, at most len
	 * bytes, is data or a hole.  Optional: without it all is data.
	 */
	int (*extent)(struct io *io, uint64_t off, uint64_t len,
		      struct io_extent *ext, struct img_err *err);
	/* Identity of the underlying file, for loop detection. */
	bool (*same_file)(struct io *a, struct io *b);
	void (*close)(struct io *io);
};

struct io {
	const struct io_ops *ops;
	char *name;		/* for error messages */
	bool writable;
};

enum {
	IO_RDWR = 1 << 0,
	IO_CREATE = 1 << 1,	/* create; fail if it exists */
	IO_TRUNCATE = 1 << 2,	/* create or truncate */
};

int io_posix_open(const char *path, unsigned int flags, struct io **out,
		  struct img_err *err);

/* A write-only stream on fd (not closed): writes must be sequential. */
int io_stream_open(int fd, const char *name, struct io **out,
		   struct img_err *err);

/* An in-memory file; data (may be NULL) is copied. */
int io_mem_open(const void *data, size_t len, const char *name,
		struct io **out, struct img_err *err);
/* The current contents of an io_mem file (owned by it). */
const uint8_t *io_mem_data(struct io *io, size_t *len);

/*
 * A wrapper that fails (-EIO) the Nth read or write, counting from 1, or
 * "stops" at the Nth write: that write and every later one are dropped
 * and fail, as if the machine had died there.  0 disables a trigger.
 * The wrapper owns inner and closes it.
 */
struct io_fault_cfg {
	unsigned long fail_read;
	unsigned long fail_write;
	unsigned long stop_write;
};
int io_fault_wrap(struct io *inner, const struct io_fault_cfg *cfg,
		  struct io **out, struct img_err *err);
unsigned long io_fault_writes(struct io *io);

/* Exactly len bytes or an error naming the file and offset. */
int io_read(struct io *io, void *buf, size_t len, uint64_t off,
	    struct img_err *err);
/* Like io_read, but bytes past the end of the file read as zero. */
int io_read_zfill(struct io *io, void *buf, size_t len, uint64_t off,
		  struct img_err *err);
int io_write(struct io *io, const void *buf, size_t len, uint64_t off,
	     struct img_err *err);
/* IO_ZEROS_LEN zero bytes (costs no memory until read). */
#define IO_ZEROS_LEN (1u << 20)
extern const uint8_t io_zeros[IO_ZEROS_LEN];
/* True when len bytes at p are all zero. */
bool io_is_zero(const void *p, size_t len);

/* Write len zero bytes at off, in large chunks. */
int io_write_zeroes(struct io *io, uint64_t off, uint64_t len,
		    struct img_err *err);
int io_size(struct io *io, uint64_t *size, struct img_err *err);
int io_truncate(struct io *io, uint64_t size, struct img_err *err);
int io_flush(struct io *io, struct img_err *err);
int io_allocate(struct io *io, uint64_t off, uint64_t len,
		struct img_err *err);
int64_t io_allocated_size(struct io *io);
bool io_same_file(struct io *a, struct io *b);
/*
 * The data-or-hole run at off (len > 0).  At or past the end of the file:
 * a hole with eof set and ext->len 0.  Backends without the operation
 * report data up to the end of the file.
 */
int io_extent(struct io *io, uint64_t off, uint64_t len,
	      struct io_extent *ext, struct img_err *err);
void io_close(struct io *io);

#endif
