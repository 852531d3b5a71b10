/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"

/* Memory files stay small: they exist for unit tests and fuzzing. */
#define IO_MEM_MAX (1ULL << 31)

struct io_mem {
	struct io io;
	uint8_t *data;
	size_t len, cap;
};

static struct io_mem *to_mem(struct io *io)
{
	return (struct io_mem *)io;
}

static int mem_pread(struct io *io, void *buf, size_t len, uint64_t off,
		     size_t *got, struct img_err *err)
{
	struct io_mem *m = to_mem(io);
	size_t n = 0;

	(void)err;
	if (off < m->len) {
		n = m->len - (size_t)off;
		if (n > len)
			n = len;
		memcpy(buf, m->data + off, n);
	}
	*got = n;
	return 0;
}

static int mem_grow(struct io_mem *m, uint64_t size, struct img_err *err)
{
	uint8_t *nd;
	size_t cap;

	if (size > IO_MEM_MAX)
		return img_err_set(err, EFBIG, "'%s': memory file too large",
				   m->io.name);
	if (size <= m->cap)
		return 0;
	cap = m->cap ? m->cap : 4096;
	while (cap < size)
		cap *= 2;
	nd = realloc(m->data, cap);
	if (!nd)
		return img_err_set(err, ENOMEM, "out of memory");
	memset(nd + m->cap, 0, cap - m->cap);
	m->data = nd;
	m->cap = cap;
	return 0;
}

static int mem_pwrite(struct io *io, const void *buf, size_t len,
		      uint64_t off, struct img_err *err)
{
	struct io_mem *m = to_mem(io);
	int ret;

	if (off > IO_MEM_MAX || len > IO_MEM_MAX - off)
		return img_err_set(err, EFBIG, "'%s': memory file too large",
				   io->name);
	ret = mem_grow(m, off + len, err);
	if (ret < 0)
		return ret;
	memcpy(m->data + off, buf, len);
	if (off + len > m->len)
		m->len = (size_t)(off + len);
	return 0;
}

static int mem_size(struct io *io, uint64_t *size, struct img_err *err)
{
	(void)err;
	*size = to_mem(io)->len;
	return 0;
}

static int mem_truncate(struct io *io, uint64_t size, struct img_err *err)
{
	struct io_mem *m = to_mem(io);
	int ret;

	ret = mem_grow(m, size, err);
	if (ret < 0)
		return ret;
	if (size < m->len)
		memset(m->data + size, 0, m->len - (size_t)size);
	m->len = (size_t)size;
	return 0;
}

static int mem_flush(struct io *io, struct img_err *err)
{
	(void)io;
	(void)err;
	return 0;
}

static int64_t mem_allocated_size(struct io *io)
{
	return (int64_t)to_mem(io)->len;
}

static void mem_close(struct io *io)
{
	free(to_mem(io)->data);
	free(io->name);
	free(io);
}

static const struct io_ops mem_ops = {
	.pread = mem_pread,
	.pwrite = mem_pwrite,
	.size = mem_size,
	.truncate = mem_truncate,
	.flush = mem_flush,
	.allocated_size = mem_allocated_size,
	.close = mem_close,
};

int io_mem_open(const void *data, size_t len, const char *name,
		struct io **out, struct img_err *err)
{
	struct io_mem *m;
	int ret;

	m = calloc(1, sizeof(*m));
	if (!m || !(m->io.name = strdup(name ? name : "memory"))) {
		free(m);
		return img_err_set(err, ENOMEM, "out of memory");
	}
	m->io.ops = &mem_ops;
	m->io.writable = true;
	if (len) {
		ret = mem_pwrite(&m->io, data, len, 0, err);
		if (ret < 0) {
			mem_close(&m->io);
			return ret;
		}
	}
	*out = &m->io;
	return 0;
}

const uint8_t *io_mem_data(struct io *io, size_t *len)
{
	*len = to_mem(io)->len;
	return to_mem(io)->data;
}
