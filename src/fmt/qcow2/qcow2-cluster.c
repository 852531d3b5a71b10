/* SPDX-License-Identifier: MIT */
/*
 * qcow2 L1/L2 lookups for reading: block status over whole runs of
 * clusters (tables read whole, through a small cache, so a walk costs one
 * read per table and memory never grows with the virtual size), and
 * compressed cluster reads.  Every entry is checked before use: reserved
 * bits, alignment, references past the end of the file, and the
 * extended-L2 bitmap rules.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../../endian.h"
#include "qcow2-refcount.h"
#include "qcow2.h"

#define L1_SLICE	65536u
/* Reserved bits: L1 0-8 and 56-62; standard L2 1-8 and 56-61. */
#define L1E_RESERVED	UINT64_C(0x7f000000000001ff)
#define L2E_RESERVED	UINT64_C(0x3f000000000001fe)
#define NB_SUBCLUSTERS	32

enum sc_type {
	SC_UNALLOC,		/* nothing here: the backing file or zeros */
	SC_UNALLOC_ALLOC,	/* host cluster reserved, subcluster unused */
	SC_ZERO_PLAIN,
	SC_ZERO_ALLOC,
	SC_NORMAL,
	SC_COMPRESSED,
};

/* The state of one cluster, decoded from its L2 entry. */
struct l2_info {
	uint64_t entry;
	uint64_t bitmap;	/* extended L2 only */
	uint64_t host;		/* cluster host offset (not compressed) */
};

static bool has_extl2(const struct qcow2_state *s)
{
	return s->m.h.incompatible_features & QCOW2_INCOMPAT_EXTL2;
}

static bool has_data_file(const struct qcow2_state *s)
{
	return s->m.h.incompatible_features & QCOW2_INCOMPAT_DATA_FILE;
}

int qcow2_read_init(struct img *img, struct img_err *err)
{
	struct qcow2_state *s = img->priv;
	unsigned int nb;
	int ret;

	if (pthread_mutex_init(&s->lock, NULL))
		return img_err_set(err, ENOMEM, "cannot create a lock");
	s->lock_init = true;
	ret = tcache_init(&s->l1c, 2, L1_SLICE, err);
	if (ret < 0)
		return ret;
	/* About 4 MiB of L2 tables, at least 4 of them. */
	nb = (unsigned int)((UINT64_C(4) << 20) / s->cluster_size);
	if (nb < 4)
		nb = 4;
	if (nb > 64)
		nb = 64;
	return tcache_init(&s->l2c, nb, s->cluster_size, err);
}

void qcow2_read_fini(struct qcow2_state *s)
{
	tcache_free(&s->l1c);
	tcache_free(&s->l2c);
	if (s->lock_init)
		pthread_mutex_destroy(&s->lock);
	s->lock_init = false;
}

/* The L2 table offset for L1 index idx (0: none). */
static int l1_get(struct img *img, struct qcow2_state *s, uint64_t idx,
		  uint64_t *l2_off, struct img_err *err)
{
	const uint8_t *p;
	uint64_t e, off;
	int ret;

	if (idx >= s->m.h.l1_size) {
		*l2_off = 0;
		return 0;
	}
	ret = tcache_entry(&s->l1c, img->file, s->m.h.l1_table_offset,
			   (uint64_t)s->m.h.l1_size * 8, idx * 8, &p, err);
	if (ret < 0)
		return ret;
	e = be64_at(p);
	off = e & QCOW2_L1E_OFFSET_MASK;
	if (e & L1E_RESERVED)
		return img_err_set(err, EIO,
				   "'%s': L1 entry %" PRIu64 " (0x%016" PRIx64
				   ") has reserved bits set", img->filename, idx, e);
	if (off & (s->cluster_size - 1))
		return img_err_set(err, EIO,
				   "'%s': L2 table offset %#" PRIx64
				   " unaligned (L1 index %" PRIu64 ")",
				   img->filename, off, idx);
	if (off && (off >= s->file_size || s->cluster_size > s->file_size - off))
		return img_err_set(err, EIO,
				   "'%s': L2 table at offset %#" PRIx64
				   " (L1 index %" PRIu64 ") lies past the end of the file",
				   img->filename, off, idx);
	*l2_off = off;
	return 0;
}

/* Check one L2 entry; guest is the cluster's guest offset. */
static int l2_check(struct img *img, struct qcow2_state *s,
		    const struct l2_info *li, uint64_t guest,
		    struct img_err *err)
{
	uint64_t e = li->entry;

	if (e & QCOW2_OFLAG_COMPRESSED) {
		if (has_data_file(s))
			return img_err_set(err, EIO,
					   "'%s': guest offset %" PRIu64
					   ": compressed cluster in an image with an external data file",
					   img->filename, guest);
		if (has_extl2(s) && li->bitmap)
			return img_err_set(err, EIO,
					   "'%s': guest offset %" PRIu64
					   ": compressed cluster with a subcluster bitmap (0x%016" PRIx64 ")",
					   img->filename, guest, li->bitmap);
		return 0;
	}
	if ((e & QCOW2_OFLAG_ZERO) && s->m.h.version < 3)
		return img_err_set(err, EIO,
				   "'%s': guest offset %" PRIu64
				   ": zero cluster entry in a version 2 image",
				   img->filename, guest);
	if (e & (L2E_RESERVED | (has_extl2(s) ? QCOW2_OFLAG_ZERO : 0)))
		return img_err_set(err, EIO,
				   "'%s': guest offset %" PRIu64 ": L2 entry 0x%016"
				   PRIx64 " has reserved bits set",
				   img->filename, guest, e);
	if (li->host & (s->cluster_size - 1))
		return img_err_set(err, EIO,
				   "'%s': guest offset %" PRIu64
				   ": cluster offset %#" PRIx64 " unaligned",
				   img->filename, guest, li->host);
	if (has_extl2(s)) {
		uint64_t b = li->bitmap;

		if ((b >> 32) & b)
			return img_err_set(err, EIO,
					   "'%s': guest offset %" PRIu64
					   ": subcluster both allocated and zero (bitmap 0x%016" PRIx64 ")",
					   img->filename, guest, b);
		if (!li->host && !(has_data_file(s) &&
				   (e & QCOW2_OFLAG_COPIED)) && (b & 0xffffffffu))
			return img_err_set(err, EIO,
					   "'%s': guest offset %" PRIu64
					   ": unallocated cluster with allocated subclusters (bitmap 0x%016" PRIx64 ")",
					   img->filename, guest, b);
	}
	if (li->host && !has_data_file(s) && li->host >= s->file_size)
		return img_err_set(err, EIO,
				   "'%s': guest offset %" PRIu64
				   ": cluster at host offset %#" PRIx64
				   " lies past the end of the file",
				   img->filename, guest, li->host);
	return 0;
}

/* The cluster's subcluster sc (0 without extended L2). */
static enum sc_type sc_type(const struct qcow2_state *s,
			    const struct l2_info *li, unsigned int sc)
{
	uint64_t e = li->entry;
	bool allocated;

	if (e & QCOW2_OFLAG_COMPRESSED)
		return SC_COMPRESSED;
	allocated = li->host || (has_data_file(s) && (e & QCOW2_OFLAG_COPIED));
	if (!has_extl2(s)) {
		if (e & QCOW2_OFLAG_ZERO)
			return li->host ? SC_ZERO_ALLOC : SC_ZERO_PLAIN;
		return allocated ? SC_NORMAL : SC_UNALLOC;
	}
	if (allocated) {
		if (li->bitmap & (UINT64_C(1) << (32 + sc)))
			return SC_ZERO_ALLOC;
		if (li->bitmap & (UINT64_C(1) << sc))
			return SC_NORMAL;
		return SC_UNALLOC_ALLOC;
	}
	if (li->bitmap & (UINT64_C(1) << (32 + sc)))
		return SC_ZERO_PLAIN;
	return SC_UNALLOC;
}

/*
 * qemu's test: a file whose clusters are refcounted well beyond what the
 * file system stores holds preallocated metadata, and its allocated
 * clusters may lie in holes.  Any trouble reading refcounts: not such a
 * file (the check command reports the trouble).
 */
static bool detect_metadata_prealloc(struct img *img, struct qcow2_state *s)
{
	uint64_t cs = s->cluster_size, rt_entries, per_rb, end, count = 0;
	int64_t real = io_allocated_size(img->file);
	uint64_t threshold, real_clusters, i;
	struct img_err e;

	if (real < 0)
		return false;
	real_clusters = (uint64_t)real / cs;
	threshold = real_clusters * 10 / 9;
	if (threshold < real_clusters + 2)
		threshold = real_clusters + 2;
	end = (s->file_size + cs - 1) / cs;
	per_rb = (cs * 8) >> s->m.h.refcount_order;
	rt_entries = (uint64_t)s->m.h.refcount_table_clusters * cs / 8;
	for (i = 0; i < rt_entries && i * per_rb < end && count < threshold;
	     i++) {
		const uint8_t *rt, *rb;
		uint64_t rb_off, j, n;

		if (tcache_entry(&s->l1c, img->file,
				 s->m.h.refcount_table_offset, rt_entries * 8,
				 i * 8, &rt, &e) < 0)
			return false;
		rb_off = be64_at(rt) & QCOW2_REFT_OFFSET_MASK;
		if (!rb_off)
			continue;
		if ((rb_off & (cs - 1)) || rb_off >= s->file_size ||
		    cs > s->file_size - rb_off)
			return false;
		if (tcache_get(&s->l2c, img->file, rb_off, cs, &rb, &e) < 0)
			return false;
		n = end - i * per_rb < per_rb ? end - i * per_rb : per_rb;
		for (j = 0; j < n && count < threshold; j++)
			count += qcow2_refblock_get(rb, s->m.h.refcount_order,
						    j) != 0;
	}
	return count >= threshold;
}

/* Status flags and host offset of one subcluster type. */
static unsigned int type_flags(const struct qcow2_state *s, enum sc_type t)
{
	unsigned int f = 0;
	bool crypt = s->m.h.crypt_method != QCOW2_CRYPT_NONE;

	switch (t) {
	case SC_UNALLOC:
		break;
	case SC_UNALLOC_ALLOC:
		f = IMG_BS_OFFSET_VALID;
		break;
	case SC_ZERO_PLAIN:
		f = IMG_BS_ZERO;
		break;
	case SC_ZERO_ALLOC:
		f = IMG_BS_ZERO | IMG_BS_OFFSET_VALID;
		break;
	case SC_NORMAL:
		f = IMG_BS_DATA | IMG_BS_OFFSET_VALID;
		if (s->metadata_prealloc)
			f |= IMG_BS_RECURSE;
		break;
	case SC_COMPRESSED:
		f = IMG_BS_DATA | IMG_BS_COMPRESSED;
		break;
	}
	if (crypt)
		f &= ~(unsigned int)(IMG_BS_OFFSET_VALID | IMG_BS_RECURSE);
	return f;
}

static void l2_decode(const struct qcow2_state *s, const uint8_t *l2,
		      uint64_t idx, struct l2_info *li)
{
	if (has_extl2(s)) {
		li->entry = be64_at(l2 + idx * 16);
		li->bitmap = be64_at(l2 + idx * 16 + 8);
	} else {
		li->entry = be64_at(l2 + idx * 8);
		li->bitmap = 0;
	}
	li->host = (li->entry & QCOW2_OFLAG_COMPRESSED) ? 0 :
		   li->entry & QCOW2_L2E_OFFSET_MASK;
}

/* Accumulates a run of equal status. */
struct run {
	bool started;
	unsigned int flags;
	uint64_t host;		/* host offset of the run's start */
	uint64_t len;
};

/* Extend the run by n bytes of the given status; false: it differs. */
static bool run_add(struct run *r, unsigned int flags, uint64_t host,
		    uint64_t n)
{
	if (!r->started) {
		r->started = true;
		r->flags = flags;
		r->host = host;
		r->len = n;
		return true;
	}
	if (flags != r->flags)
		return false;
	if ((flags & IMG_BS_OFFSET_VALID) && host != r->host + r->len)
		return false;
	r->len += n;
	return true;
}

static int status_locked(struct img *img, struct qcow2_state *s, uint64_t off,
			 uint64_t len, struct run *r, struct img_err *err)
{
	uint64_t cs = s->cluster_size, l2n = qcow2_l2_entries(&s->m.h);
	unsigned int cb = s->m.h.cluster_bits;
	uint64_t sc_size = has_extl2(s) ? cs / NB_SUBCLUSTERS : cs;
	uint64_t cur = off, end = off + len;
	int ret;

	if (!s->prealloc_checked) {
		s->metadata_prealloc = !has_data_file(s) &&
				       detect_metadata_prealloc(img, s);
		s->prealloc_checked = true;
	}
	while (cur < end) {
		uint64_t cluster = cur >> cb, l1i = cluster / l2n;
		uint64_t l2i = cluster % l2n, l2_off;
		const uint8_t *l2;

		/*
		 * A bad entry ends the run before it; the next query, which
		 * starts there, reports it (as qemu does).
		 */
		ret = l1_get(img, s, l1i, &l2_off, err);
		if (ret < 0)
			return r->started ? 0 : ret;
		if (!l2_off) {
			/* l1i < 2^22, l2n <= 2^18, cb <= 21: no overflow. */
			uint64_t span_end = (l1i + 1) * l2n << cb;

			if (span_end > end)
				span_end = end;
			if (!run_add(r, type_flags(s, SC_UNALLOC), 0,
				     span_end - cur))
				return 0;
			cur = span_end;
			continue;
		}
		ret = tcache_get(&s->l2c, img->file, l2_off, cs, &l2, err);
		if (ret < 0)
			return r->started ? 0 : ret;
		for (; l2i < l2n && cur < end; l2i++) {
			uint64_t guest = (l1i * l2n + l2i) << cb;
			struct l2_info li;

			l2_decode(s, l2, l2i, &li);
			ret = l2_check(img, s, &li, guest, err);
			if (ret < 0)
				return r->started ? 0 : ret;
			while (cur < end && cur < guest + cs) {
				unsigned int sc = (unsigned int)((cur - guest) /
								 sc_size);
				uint64_t piece_end = guest + (sc + 1) * sc_size;
				enum sc_type t = sc_type(s, &li, sc);
				uint64_t host = li.host + (cur - guest);

				if (piece_end > end)
					piece_end = end;
				/* Data the file does not hold is an error, not zeros. */
				if (t == SC_NORMAL && !has_data_file(s) &&
				    host + (piece_end - cur) > s->file_size)
					return r->started ? 0 : img_err_set(err, EIO,
							   "'%s': guest offset %" PRIu64
							   ": data at host offset %#" PRIx64
							   " runs past the end of the file",
							   img->filename, cur, host);
				if (!run_add(r, type_flags(s, t), host,
					     piece_end - cur))
					return 0;
				cur = piece_end;
			}
		}
	}
	return 0;
}

int qcow2_block_status(struct img *img, uint64_t off, uint64_t len,
		       struct img_status *st, struct img_err *err)
{
	struct qcow2_state *s = img->priv;
	struct run r = { 0 };
	int ret;

	if (has_data_file(s) && !s->data_io)
		return img_err_set(err, EINVAL,
				   "'%s': the external data file is not open",
				   img->filename);
	pthread_mutex_lock(&s->lock);
	ret = status_locked(img, s, off, len, &r, err);
	pthread_mutex_unlock(&s->lock);
	if (ret < 0)
		return ret;
	st->flags = r.flags;
	st->len = r.len;
	if (r.flags & IMG_BS_OFFSET_VALID) {
		st->host = r.host;
		st->file = has_data_file(s) ? s->data_io : img->file;
	}
	return 0;
}

/* A compressed cluster's place in the file. */
struct cdesc {
	uint64_t guest;		/* cluster's guest offset */
	uint64_t host;
	uint64_t size;
};

static int cdesc_get(struct img *img, struct qcow2_state *s, uint64_t guest,
		     struct cdesc *d, struct img_err *err)
{
	uint64_t cs = s->cluster_size, l2n = qcow2_l2_entries(&s->m.h);
	unsigned int cb = s->m.h.cluster_bits;
	uint64_t cluster = guest >> cb, l2_off, shift, nb_sectors;
	const uint8_t *l2;
	struct l2_info li;
	int ret;

	ret = l1_get(img, s, cluster / l2n, &l2_off, err);
	if (ret < 0)
		return ret;
	if (!l2_off)
		goto changed;
	ret = tcache_get(&s->l2c, img->file, l2_off, cs, &l2, err);
	if (ret < 0)
		return ret;
	l2_decode(s, l2, cluster % l2n, &li);
	if (!(li.entry & QCOW2_OFLAG_COMPRESSED))
		goto changed;
	ret = l2_check(img, s, &li, guest, err);
	if (ret < 0)
		return ret;
	shift = 62 - (cb - 8);
	d->guest = guest;
	d->host = li.entry & ((UINT64_C(1) << shift) - 1);
	nb_sectors = ((li.entry >> shift) & ((UINT64_C(1) << (cb - 8)) - 1)) + 1;
	d->size = nb_sectors * 512 - (d->host & 511);
	/* The last stream may end in the middle of its last sector. */
	if (d->host >= s->file_size || d->size > s->file_size - d->host + 511)
		return img_err_set(err, EIO,
				   "'%s': guest offset %" PRIu64
				   ": compressed cluster (host offset %#" PRIx64
				   ", %" PRIu64 " bytes) runs past the end of the file",
				   img->filename, guest, d->host, d->size);
	return 0;
changed:
	return img_err_set(err, EIO,
			   "'%s': guest offset %" PRIu64
			   ": expected a compressed cluster", img->filename, guest);
}

#define CBATCH 64
/* Read spans of packed compressed data up to this size in one call. */
#define CSPAN_MAX (UINT64_C(4) << 20)

int qcow2_read_special(struct img *img, uint64_t off, size_t len, void *buf,
		       struct img_err *err)
{
	struct qcow2_state *s = img->priv;
	uint64_t cs = s->cluster_size, end = off + len;
	uint8_t *out = buf;
	struct cdesc d[CBATCH];
	int ret = 0;

	if (s->m.h.crypt_method != QCOW2_CRYPT_NONE)
		return img_err_set(err, ENOTSUP,
				   "'%s': encrypted images cannot be read",
				   img->filename);
	while (off < end) {
		uint64_t first = off & ~(cs - 1);
		unsigned int n = 0, i = 0;

		pthread_mutex_lock(&s->lock);
		for (uint64_t g = first; g < end && n < CBATCH; g += cs, n++) {
			ret = cdesc_get(img, s, g, &d[n], err);
			if (ret < 0)
				break;
		}
		pthread_mutex_unlock(&s->lock);
		if (ret < 0)
			return ret;
		while (i < n) {
			uint64_t span_start = d[i].host;
			uint64_t span_end = d[i].host + d[i].size;
			unsigned int j = i + 1;
			uint8_t *span, *cl;

			/* Packed back to back: read neighbours in one call. */
			while (j < n && d[j].host >= span_start &&
			       d[j].host <= span_end + 4096 &&
			       d[j].host + d[j].size - span_start <= CSPAN_MAX) {
				if (d[j].host + d[j].size > span_end)
					span_end = d[j].host + d[j].size;
				j++;
			}
			span = qcow2_scratch(0, (size_t)(span_end - span_start));
			cl = qcow2_scratch(1, (size_t)cs);
			if (!span || !cl)
				return img_err_set(err, ENOMEM, "out of memory");
			ret = io_read_zfill(img->file, span,
					    (size_t)(span_end - span_start),
					    span_start, err);
			if (ret < 0)
				return ret;
			for (; i < j; i++) {
				uint64_t from = off > d[i].guest ? off : d[i].guest;
				uint64_t to = d[i].guest + cs < end ?
					      d[i].guest + cs : end;
				bool whole = from == d[i].guest &&
					     to == d[i].guest + cs;
				uint8_t *dst = whole ? out : cl;
				int r;

				r = qcow2_decode(s->m.h.compression_type,
						 span + (d[i].host - span_start),
						 (size_t)d[i].size, dst, (size_t)cs);
				if (r != QCOW2_DECODE_OK)
					return img_err_set(err, r == QCOW2_DECODE_NOMEM ?
							   ENOMEM : EIO,
							   "'%s': guest offset %" PRIu64
							   ": compressed cluster %s",
							   img->filename, d[i].guest,
							   r == QCOW2_DECODE_SHORT ?
							   "decodes to less than a cluster" :
							   r == QCOW2_DECODE_LONG ?
							   "decodes to more than a cluster" :
							   r == QCOW2_DECODE_NOMEM ?
							   "cannot be decoded: out of memory" :
							   "is not a valid compressed stream");
				if (!whole)
					memcpy(out, cl + (from - d[i].guest),
					       (size_t)(to - from));
				out += to - from;
				off = to;
			}
		}
	}
	return 0;
}
