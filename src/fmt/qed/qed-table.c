/* SPDX-License-Identifier: MIT */
/*
 * QED L1/L2 lookups for reading.  Tables can be large (16 clusters of up
 * to 64 MiB), so they are read in slices through a small cache.  Entries:
 * 0 unallocated, 1 a zero cluster, else a cluster-aligned offset inside
 * the file; anything else is refused.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "../../endian.h"
#include "../../size.h"
#include "qed.h"

#define QED_SLICE (256u << 10)

int qed_read_init(struct qed_state *s, struct img_err *err)
{
	uint64_t table = (uint64_t)s->h.table_size * s->h.cluster_size;
	size_t slice = table < QED_SLICE ? (size_t)table : QED_SLICE;

	if (pthread_mutex_init(&s->lock, NULL))
		return img_err_set(err, ENOMEM, "cannot create a lock");
	s->lock_init = true;
	s->table_bytes = table;
	return tcache_init(&s->cache, 8, slice, err);
}

void qed_read_fini(struct qed_state *s)
{
	tcache_free(&s->cache);
	if (s->lock_init)
		pthread_mutex_destroy(&s->lock);
	s->lock_init = false;
}

/* Entry idx of the table at table_off. */
static int entry_get(struct img *img, struct qed_state *s, uint64_t table_off,
		     uint64_t idx, uint64_t *val, struct img_err *err)
{
	const uint8_t *p;
	int ret;

	ret = tcache_entry(&s->cache, img->file, table_off, s->table_bytes,
			   idx * 8, &p, err);
	if (ret < 0)
		return ret;
	*val = le64_at(p);
	return 0;
}

int qed_block_status(struct img *img, uint64_t off, uint64_t len,
		     struct img_status *st, struct img_err *err)
{
	struct qed_state *s = img->priv;
	uint64_t cs = s->h.cluster_size, n = s->table_bytes / 8;
	uint64_t cur = off, end = off + len;
	bool started = false;
	unsigned int flags = 0;
	uint64_t host = 0, got = 0;
	int ret = 0;

	pthread_mutex_lock(&s->lock);
	while (cur < end) {
		uint64_t cluster = cur / cs, l1i = cluster / n, l2i = cluster % n;
		uint64_t l2_off, span_end, e, eh = 0;
		unsigned int f;

		ret = entry_get(img, s, s->h.l1_table_offset, l1i, &l2_off, err);
		if (ret < 0)
			goto out;
		if (l2_off == 0) {
			f = 0;
			/* To the end of what this L1 entry maps (may wrap). */
			if (mul_overflows((l1i + 1) * n, cs, &span_end))
				span_end = end;
		} else {
			if ((l2_off & (cs - 1)) || l2_off >= s->file_size ||
			    s->table_bytes > s->file_size - l2_off) {
				ret = img_err_set(err, EIO,
						  "'%s': L1 entry %" PRIu64 " (%#" PRIx64
						  ") is not a valid L2 table offset",
						  img->filename, l1i, l2_off);
				goto out;
			}
			ret = entry_get(img, s, l2_off, l2i, &e, err);
			if (ret < 0)
				goto out;
			span_end = (cluster + 1) * cs;
			if (e == 0) {
				f = 0;
			} else if (e == 1) {
				f = IMG_BS_ZERO;
			} else if ((e & (cs - 1)) || e >= s->file_size) {
				ret = img_err_set(err, EIO,
						  "'%s': guest offset %" PRIu64
						  ": L2 entry %#" PRIx64 " is %s",
						  img->filename, cluster * cs, e,
						  (e & (cs - 1)) ? "not cluster-aligned" :
						  "past the end of the file");
				goto out;
			} else {
				f = IMG_BS_DATA | IMG_BS_OFFSET_VALID;
				eh = e + (cur - cluster * cs);
			}
		}
		if (span_end > end || span_end < cur)
			span_end = end;
		if (!started) {
			started = true;
			flags = f;
			host = eh;
		} else if (f != flags || ((f & IMG_BS_OFFSET_VALID) &&
					  eh != host + got)) {
			break;
		}
		got += span_end - cur;
		cur = span_end;
	}
out:
	pthread_mutex_unlock(&s->lock);
	/* A bad entry ends the run before it; the next query reports it. */
	if (ret < 0 && started)
		ret = 0;
	if (ret < 0)
		return ret;
	st->flags = flags;
	st->len = got;
	if (flags & IMG_BS_OFFSET_VALID) {
		st->host = host;
		st->file = img->file;
	}
	return 0;
}
