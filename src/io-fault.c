/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"

struct io_fault {
	struct io io;
	struct io *inner;
	struct io_fault_cfg cfg;
	unsigned long reads, writes;
	bool stopped;		/* the simulated machine has died */
};

static struct io_fault *to_fault(struct io *io)
{
	return (struct io_fault *)io;
}

static int fault_pread(struct io *io, void *buf, size_t len, uint64_t off,
		       size_t *got, struct img_err *err)
{
	struct io_fault *f = to_fault(io);

	f->reads++;
	if (f->cfg.fail_read && f->reads == f->cfg.fail_read)
		return img_err_set(err, EIO,
				   "'%s': injected read error at offset %" PRIu64,
				   io->name, off);
	return f->inner->ops->pread(f->inner, buf, len, off, got, err);
}

/* Count a modifying call; returns <0 when it must not reach the file. */
static int fault_write_gate(struct io_fault *f, struct img_err *err)
{
	f->writes++;
	if (f->cfg.stop_write && f->writes >= f->cfg.stop_write)
		f->stopped = true;
	if (f->stopped)
		return img_err_set(err, EIO, "'%s': injected stop at write %lu",
				   f->io.name, f->writes);
	if (f->cfg.fail_write && f->writes == f->cfg.fail_write)
		return img_err_set(err, EIO, "'%s': injected write error",
				   f->io.name);
	return 0;
}

static int fault_pwrite(struct io *io, const void *buf, size_t len,
			uint64_t off, struct img_err *err)
{
	struct io_fault *f = to_fault(io);
	int ret = fault_write_gate(f, err);

	if (ret < 0)
		return ret;
	return f->inner->ops->pwrite(f->inner, buf, len, off, err);
}

static int fault_size(struct io *io, uint64_t *size, struct img_err *err)
{
	struct io *in = to_fault(io)->inner;

	return in->ops->size(in, size, err);
}

static int fault_truncate(struct io *io, uint64_t size, struct img_err *err)
{
	struct io_fault *f = to_fault(io);
	int ret = fault_write_gate(f, err);

	if (ret < 0)
		return ret;
	return f->inner->ops->truncate(f->inner, size, err);
}

static int fault_flush(struct io *io, struct img_err *err)
{
	struct io_fault *f = to_fault(io);

	if (f->stopped)
		return img_err_set(err, EIO, "'%s': injected stop", io->name);
	return f->inner->ops->flush(f->inner, err);
}

static int fault_allocate(struct io *io, uint64_t off, uint64_t len,
			  struct img_err *err)
{
	struct io_fault *f = to_fault(io);
	int ret = fault_write_gate(f, err);

	if (ret < 0)
		return ret;
	return io_allocate(f->inner, off, len, err);
}

static int64_t fault_allocated_size(struct io *io)
{
	return io_allocated_size(to_fault(io)->inner);
}

static int fault_extent(struct io *io, uint64_t off, uint64_t len,
			struct io_extent *ext, struct img_err *err)
{
	return io_extent(to_fault(io)->inner, off, len, ext, err);
}

static void fault_close(struct io *io)
{
	io_close(to_fault(io)->inner);
	free(io->name);
	free(io);
}

static const struct io_ops fault_ops = {
	.pread = fault_pread,
	.pwrite = fault_pwrite,
	.size = fault_size,
	.truncate = fault_truncate,
	.flush = fault_flush,
	.allocate = fault_allocate,
	.allocated_size = fault_allocated_size,
	.extent = fault_extent,
	.close = fault_close,
};

int io_fault_wrap(struct io *inner, const struct io_fault_cfg *cfg,
		  struct io **out, struct img_err *err)
{
	struct io_fault *f;

	f = calloc(1, sizeof(*f));
	if (!f || !(f->io.name = strdup(inner->name))) {
		free(f);
		return img_err_set(err, ENOMEM, "out of memory");
	}
	f->io.ops = &fault_ops;
	f->io.writable = inner->writable;
	f->inner = inner;
	f->cfg = *cfg;
	*out = &f->io;
	return 0;
}

unsigned long io_fault_writes(struct io *io)
{
	return io->ops == &fault_ops ? to_fault(io)->writes : 0;
}
