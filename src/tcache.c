/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>

#include "tcache.h"

int tcache_init(struct tcache *c, unsigned int nb, size_t cap,
		struct img_err *err)
{
	c->slots = calloc(nb, sizeof(*c->slots));
	if (!c->slots)
		return img_err_set(err, ENOMEM, "out of memory");
	c->nb = nb;
	c->cap = cap;
	c->tick = 0;
	return 0;
}

void tcache_free(struct tcache *c)
{
	unsigned int i;

	if (!c->slots)
		return;
	for (i = 0; i < c->nb; i++)
		free(c->slots[i].buf);
	free(c->slots);
	c->slots = NULL;
}

int tcache_get(struct tcache *c, struct io *io, uint64_t off, size_t len,
	       const uint8_t **out, struct img_err *err)
{
	struct tcache_slot *victim = NULL;
	unsigned int i;
	int ret;

	for (i = 0; i < c->nb; i++) {
		struct tcache_slot *s = &c->slots[i];

		if (s->len == len && s->off == off) {
			s->used = ++c->tick;
			*out = s->buf;
			return 0;
		}
		if (!victim || s->used < victim->used)
			victim = s;
	}
	if (len > c->cap)
		return img_err_set(err, EINVAL, "table slice of %zu bytes too large",
				   len);
	/* Buffers are allocated on first use: small images stay small. */
	if (!victim->buf) {
		victim->buf = malloc(c->cap);
		if (!victim->buf)
			return img_err_set(err, ENOMEM, "out of memory");
	}
	victim->len = 0;
	ret = io_read(io, victim->buf, len, off, err);
	if (ret < 0)
		return ret;
	victim->off = off;
	victim->len = len;
	victim->used = ++c->tick;
	*out = victim->buf;
	return 0;
}

int tcache_entry(struct tcache *c, struct io *io, uint64_t table_off,
		 uint64_t table_len, uint64_t pos, const uint8_t **out,
		 struct img_err *err)
{
	uint64_t slice = pos / c->cap * c->cap;
	size_t len = table_len - slice < c->cap ? (size_t)(table_len - slice) :
		     c->cap;
	const uint8_t *buf;
	int ret;

	ret = tcache_get(c, io, table_off + slice, len, &buf, err);
	if (ret < 0)
		return ret;
	*out = buf + (pos - slice);
	return 0;
}
