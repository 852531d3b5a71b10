/* SPDX-License-Identifier: MIT */
/*
 * A small cache of metadata table slices (L1 and L2 tables of qcow2 and
 * QED), so a walk reads every table once, in one call, and memory stays
 * bounded by the cache size, never by the virtual size.  Not locked: the
 * owner serializes access.
 */
#ifndef IMG_TCACHE_H
#define IMG_TCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "io.h"

struct tcache_slot {
	uint64_t off;		/* host offset of the slice */
	size_t len;		/* bytes held; 0: empty */
	uint64_t used;		/* LRU tick */
	uint8_t *buf;
};

struct tcache {
	struct tcache_slot *slots;
	unsigned int nb;
	size_t cap;		/* largest slice, the size of every buffer */
	uint64_t tick;
};

int tcache_init(struct tcache *c, unsigned int nb, size_t cap,
		struct img_err *err);
void tcache_free(struct tcache *c);
/*
 * The len bytes of io at off (len <= cap), read on a miss.  The pointer
 * stays valid until the next tcache_get.
 */
int tcache_get(struct tcache *c, struct io *io, uint64_t off, size_t len,
	       const uint8_t **out, struct img_err *err);

/*
 * The 8-byte entry at byte offset pos of a table of table_len bytes at
 * table_off, read in slices of at most c->cap bytes.  pos + 8 must lie
 * inside the table.
 */
int tcache_entry(struct tcache *c, struct io *io, uint64_t table_off,
		 uint64_t table_len, uint64_t pos, const uint8_t **out,
		 struct img_err *err);

#endif
