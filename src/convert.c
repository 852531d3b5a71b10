/* SPDX-License-Identifier: MIT */
/*
 * convert (raw target) and compare.  A shared cursor hands out windows of
 * the guest range to worker threads; runs that read as zeros and need no
 * work are skipped at the cursor without reading.  Workers read through
 * img_read (which decompresses on the calling thread), so decoding runs
 * on every core.  Without -W, writes land in window order.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "driver.h"

#define WINDOW (UINT64_C(2) << 20)
#define MAX_WORKERS 16

/* -------------------------------------------------------------- convert */

struct cjob {
	const struct img_convert_opts *o;
	uint64_t total;
	uint64_t window;
	pthread_mutex_t lock;
	pthread_cond_t turn;
	uint64_t cursor;		/* next guest offset to hand out */
	uint64_t next_seq;		/* next window's sequence number */
	uint64_t write_seq;		/* window allowed to write now */
	uint64_t done;
	bool failed;
	struct img_err err;
};

uint64_t img_convert_size(const struct img_convert_opts *o)
{
	uint64_t t = 0;

	for (size_t i = 0; i < o->nb_src; i++)
		t += o->src[i]->virtual_size;
	return t;
}

/* The source holding guest offset off of the concatenation. */
static struct img *src_at(const struct img_convert_opts *o, uint64_t off,
			  uint64_t *local, uint64_t *avail)
{
	for (size_t i = 0; i < o->nb_src; i++) {
		uint64_t sz = o->src[i]->virtual_size;

		if (off < sz) {
			*local = off;
			*avail = sz - off;
			return o->src[i];
		}
		off -= sz;
	}
	return NULL;
}

static void cjob_fail(struct cjob *j, const struct img_err *err)
{
	pthread_mutex_lock(&j->lock);
	if (!j->failed) {
		j->failed = true;
		j->err = *err;
	}
	pthread_cond_broadcast(&j->turn);
	pthread_mutex_unlock(&j->lock);
}

/* Whether zero runs need writing: they do unless the target reads zero. */
static bool zeros_need_write(const struct img_convert_opts *o)
{
	return o->stream || !o->out_reads_zero || o->sparse == 0;
}

/*
 * Hand out the next window: [*start, *end) with its sequence number.
 * Runs that read as zeros and need nothing are skipped here.
 */
static bool cjob_claim(struct cjob *j, uint64_t *start, uint64_t *end,
		       uint64_t *seq, struct img_err *err, int *ret)
{
	bool got = false;

	*ret = 0;
	pthread_mutex_lock(&j->lock);
	while (!j->failed && j->cursor < j->total) {
		if (!zeros_need_write(j->o)) {
			uint64_t local = 0, avail = 0;
			struct img *s = src_at(j->o, j->cursor, &local, &avail);
			struct img_status st;

			*ret = img_status_above(s, local, avail, &st, err);
			if (*ret < 0)
				break;
			if (st.flags & IMG_BS_ZERO) {
				j->done += st.len;
				j->cursor += st.len;
				continue;
			}
		}
		*start = j->cursor;
		*end = j->total - j->cursor < j->window ? j->total :
		       j->cursor + j->window;
		*seq = j->next_seq++;
		j->cursor = *end;
		got = true;
		break;
	}
	if (j->failed && got)
		got = false;
	pthread_mutex_unlock(&j->lock);
	return got;
}

static int out_write(struct cjob *j, const uint8_t *buf, uint64_t off,
		     uint64_t len, struct img_err *err)
{
	return io_write(j->o->out, buf, (size_t)len, off, err);
}

static int out_zero(struct cjob *j, uint64_t off, uint64_t len,
		    struct img_err *err)
{
	const struct img_convert_opts *o = j->o;

	if (!zeros_need_write(o))
		return 0;
	return io_write_zeroes(o->out, off, len, err);
}

/*
 * Write a window: buf holds [start, end); zmap[k] says sector k lies in a
 * run that reads as zeros.  As in qemu-img: with -S, ranges the source
 * reports as zeros are never written, and zero runs inside data are
 * skipped when at least -S bytes long; -S 0 writes everything.
 */
enum { SEC_DATA, SEC_ZERO_DATA, SEC_ZERO_STATUS };

static int sector_class(struct cjob *j, const uint8_t *buf, const bool *zmap,
			uint64_t start, uint64_t end, uint64_t pos)
{
	uint64_t n = end - pos < 512 ? end - pos : 512;
	const uint8_t *p = buf + (pos - start);

	if (!j->o->sparse)
		return SEC_DATA;
	if (zmap[(pos - start) / 512])
		return SEC_ZERO_STATUS;
	/* Most data sectors fail on the first bytes. */
	if (p[0] || p[n - 1] || !io_is_zero(p, (size_t)n))
		return SEC_DATA;
	return SEC_ZERO_DATA;
}

/* Pending data of a window, written in one call when a hole interrupts it. */
struct wstate {
	struct cjob *j;
	const uint8_t *buf;
	uint64_t start;
	bool in_data;
	uint64_t data_from;
};

static int emit(struct wstate *w, bool hole, uint64_t from, uint64_t to,
		struct img_err *err)
{
	int ret;

	if (from >= to)
		return 0;
	if (!hole) {
		if (!w->in_data) {
			w->in_data = true;
			w->data_from = from;
		}
		return 0;
	}
	if (w->in_data) {
		ret = out_write(w->j, w->buf + (w->data_from - w->start),
				w->data_from, from - w->data_from, err);
		if (ret < 0)
			return ret;
		w->in_data = false;
	}
	return out_zero(w->j, from, to - from, err);
}

static uint64_t pow2floor(uint64_t v)
{
	while (v & (v - 1))
		v &= v - 1;
	return v;
}

static int write_window(struct cjob *j, const uint8_t *buf, const bool *zmap,
			uint64_t start, uint64_t end, struct img_err *err)
{
	struct wstate w = { .j = j, .buf = buf, .start = start };
	uint64_t al = pow2floor(j->o->sparse ? j->o->sparse : 512);
	uint64_t pos = start;
	int ret;

	while (pos < end) {
		int c = sector_class(j, buf, zmap, start, end, pos);
		uint64_t run = pos + 512 < end ? pos + 512 : end;

		while (run < end &&
		       sector_class(j, buf, zmap, start, end, run) == c)
			run = run + 512 < end ? run + 512 : end;
		if (c == SEC_ZERO_DATA) {
			/*
			 * Zeros found inside data: like qemu-img, keep writes
			 * aligned to the -S granularity and skip only runs of
			 * at least -S bytes.
			 */
			uint64_t a = (pos + al - 1) / al * al;
			uint64_t b = run == end ? run : run / al * al;

			if (b > a && b - a >= j->o->sparse) {
				ret = emit(&w, false, pos, a, err);
				if (ret == 0)
					ret = emit(&w, true, a, b, err);
				if (ret == 0)
					ret = emit(&w, false, b, run, err);
			} else {
				ret = emit(&w, false, pos, run, err);
			}
		} else {
			ret = emit(&w, c == SEC_ZERO_STATUS, pos, run, err);
		}
		if (ret < 0)
			return ret;
		pos = run;
	}
	if (w.in_data)
		return out_write(j, buf + (w.data_from - start), w.data_from,
				 end - w.data_from, err);
	return 0;
}

static void *convert_worker(void *arg)
{
	struct cjob *j = arg;
	const struct img_convert_opts *o = j->o;
	uint8_t *buf = malloc(j->window);
	bool *zmap = malloc(j->window / 512 + 1);
	uint64_t start, end, seq;
	struct img_err err = { 0 };
	int ret;

	if (!buf || !zmap) {
		img_err_set(&err, ENOMEM, "out of memory");
		cjob_fail(j, &err);
		goto out;
	}
	while (cjob_claim(j, &start, &end, &seq, &err, &ret)) {
		uint64_t pos = start;

		memset(zmap, 0, (size_t)((end - start + 511) / 512));
		/* Read: data into buf, zero runs marked in zmap. */
		while (pos < end) {
			uint64_t local = 0, avail = 0, n;
			struct img *s = src_at(o, pos, &local, &avail);
			struct img_status st;

			n = end - pos < avail ? end - pos : avail;
			ret = img_status_above(s, local, n, &st, &err);
			if (ret < 0)
				break;
			n = st.len;
			if (st.flags & IMG_BS_ZERO) {
				memset(buf + (pos - start), 0, (size_t)n);
			} else {
				ret = img_read_status(s, &st, local, (size_t)n,
						      buf + (pos - start), &err);
				if (ret < 0)
					break;
			}
			/* Sectors wholly inside a zero run need no scan. */
			if (st.flags & IMG_BS_ZERO) {
				uint64_t a = (pos - start + 511) / 512;
				uint64_t b = (pos + n - start) / 512;

				if (pos + n == end)
					b = (end - start + 511) / 512;
				for (uint64_t k = a; k < b; k++)
					zmap[k] = true;
			}
			pos += n;
		}
		if (ret < 0)
			break;
		if (o->in_order || o->stream) {
			pthread_mutex_lock(&j->lock);
			while (!j->failed && j->write_seq != seq)
				pthread_cond_wait(&j->turn, &j->lock);
			pthread_mutex_unlock(&j->lock);
			if (j->failed)
				goto out;
		}
		ret = write_window(j, buf, zmap, start, end, &err);
		pthread_mutex_lock(&j->lock);
		if (o->in_order || o->stream) {
			j->write_seq++;
			pthread_cond_broadcast(&j->turn);
		}
		j->done += end - start;
		if (o->progress && ret == 0)
			o->progress(o->progress_ctx, j->done, j->total);
		pthread_mutex_unlock(&j->lock);
		if (ret < 0)
			break;
	}
	if (ret < 0)
		cjob_fail(j, &err);
out:
	free(buf);
	free(zmap);
	img_thread_done();
	return NULL;
}

/* A window holds whole -S granules (-S is a multiple of 512, <= 16M). */
static uint64_t window_for(uint64_t sparse)
{
	if (!sparse)
		return WINDOW;
	return sparse >= WINDOW ? sparse : WINDOW / sparse * sparse;
}

int img_convert_raw(const struct img_convert_opts *o, struct img_err *err)
{
	pthread_t tid[MAX_WORKERS];
	struct cjob j;
	int n = o->workers, started = 0;

	if (n < 1)
		n = 1;
	if (n > MAX_WORKERS)
		n = MAX_WORKERS;
	memset(&j, 0, sizeof(j));
	j.o = o;
	j.total = img_convert_size(o);
	j.window = window_for(o->sparse);
	pthread_mutex_init(&j.lock, NULL);
	pthread_cond_init(&j.turn, NULL);
	for (int i = 0; i < n; i++) {
		if (pthread_create(&tid[i], NULL, convert_worker, &j))
			break;
		started++;
	}
	if (!started) {
		img_err_set(&j.err, EAGAIN, "cannot start worker threads");
		j.failed = true;
	}
	for (int i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&j.lock);
	pthread_cond_destroy(&j.turn);
	if (j.failed) {
		*err = j.err;
		return -(j.err.code ? j.err.code : EIO);
	}
	if (o->progress)
		o->progress(o->progress_ctx, j.total, j.total);
	return 0;
}

/* -------------------------------------------------------------- compare */

/*
 * qemu-img compare's algorithm, run window by window on several threads;
 * the failure at the lowest offset wins, so the answer is the one a
 * sequential walk gives.
 */
struct kjob {
	struct img *a, *b;
	const struct img_compare_opts *o;
	uint64_t common, total;
	pthread_mutex_t lock;
	uint64_t cursor;
	uint64_t done;
	/* The first failure so far. */
	bool failed;
	uint64_t fail_off;
	int fail_code;
	char fail_msg[256];
	struct img_err fail_err;
};

static void kjob_fail(struct kjob *k, uint64_t off, int code,
		      const char *msg, const struct img_err *err)
{
	pthread_mutex_lock(&k->lock);
	if (!k->failed || off < k->fail_off) {
		k->failed = true;
		k->fail_off = off;
		k->fail_code = code;
		snprintf(k->fail_msg, sizeof(k->fail_msg), "%s", msg ? msg : "");
		if (err)
			k->fail_err = *err;
	}
	pthread_mutex_unlock(&k->lock);
}

/*
 * The flags strict mode compares: qemu-img's, where RECURSE (internal to
 * qemu's block layer) and COMPRESSED (8.2 and later) never show.
 */
static const unsigned int status_mask =
	IMG_BS_DATA | IMG_BS_ZERO | IMG_BS_OFFSET_VALID | IMG_BS_ALLOCATED |
	IMG_BS_EOF;

/* First sector holding a non-zero byte, or -1. */
static int64_t first_nonzero(const uint8_t *p, uint64_t n)
{
	uint64_t i;

	for (i = 0; i + 512 <= n; i += 512)
		if (!io_is_zero(p + i, 512))
			return (int64_t)i;
	if (i < n && !io_is_zero(p + i, (size_t)(n - i)))
		return (int64_t)i;
	return -1;
}

/* Bytes from the start of the first differing sector, or -1. */
static int64_t first_diff(const uint8_t *p, const uint8_t *q, uint64_t n)
{
	uint64_t i;

	if (!memcmp(p, q, (size_t)n))
		return -1;
	for (i = 0; i < n; i += 512) {
		uint64_t m = n - i < 512 ? n - i : 512;

		if (memcmp(p + i, q + i, (size_t)m))
			return (int64_t)i;
	}
	return -1;
}

/* A read or status failure, worded as qemu-img words it, with the cause. */
static void fail_io(struct kjob *k, uint64_t off, int code, const char *what,
		    const struct img_err *cause)
{
	struct img_err e = { .code = cause->code };

	snprintf(e.msg, sizeof(e.msg), "%s: %.300s", what, cause->msg);
	kjob_fail(k, off, code, NULL, &e);
}

static int read_for_compare(struct kjob *k, struct img *img, const char *name,
			    const struct img_status *st, uint64_t off,
			    uint64_t n, uint8_t *buf)
{
	struct img_err err = { 0 };
	char what[200];

	if (img_read_status(img, st, off, (size_t)n, buf, &err) == 0)
		return 0;
	snprintf(what, sizeof(what), "Error while reading offset %" PRIu64
		 " of %.100s", off, name);
	fail_io(k, off, IMG_CMP_READ_ERROR, what, &err);
	return -1;
}

static void fail_status(struct kjob *k, uint64_t off, const char *name,
			const struct img_err *cause)
{
	char what[200];

	snprintf(what, sizeof(what), "Sector allocation test failed for %.100s",
		 name);
	fail_io(k, off, IMG_CMP_STATUS_ERROR, what, cause);
}

/* Note a content mismatch at guest offset at; false, to stop the walk. */
static bool mismatch(struct kjob *k, uint64_t at)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "Content mismatch at offset %" PRIu64 "!",
		 at);
	kjob_fail(k, at, IMG_CMP_DIFFERENT, msg, NULL);
	return false;
}

/* Check [start, end) of the common part; false once a failure is noted. */
static bool compare_common(struct kjob *k, uint64_t start, uint64_t end,
			   uint8_t *b1, uint8_t *b2)
{
	uint64_t off = start;
	char msg[256];

	while (off < end) {
		struct img_status s1, s2;
		struct img_err err = { 0 };
		uint64_t chunk;
		bool al1, al2;
		int64_t d;

		if (img_status_above(k->a, off, end - off, &s1, &err) < 0) {
			fail_status(k, off, k->o->name1, &err);
			return false;
		}
		if (img_status_above(k->b, off, end - off, &s2, &err) < 0) {
			fail_status(k, off, k->o->name2, &err);
			return false;
		}
		chunk = s1.len < s2.len ? s1.len : s2.len;
		if (k->o->strict &&
		    (s1.flags & status_mask) != (s2.flags & status_mask)) {
			snprintf(msg, sizeof(msg),
				 "Strict mode: Offset %" PRIu64
				 " block status mismatch!", off);
			kjob_fail(k, off, IMG_CMP_DIFFERENT, msg, NULL);
			return false;
		}
		al1 = s1.flags & IMG_BS_ALLOCATED;
		al2 = s2.flags & IMG_BS_ALLOCATED;
		if ((s1.flags & IMG_BS_ZERO) && (s2.flags & IMG_BS_ZERO)) {
			/* both read as zeros */
		} else if (al1 == al2) {
			if (al1) {
				if (read_for_compare(k, k->a, k->o->name1, &s1,
						     off, chunk, b1) < 0 ||
				    read_for_compare(k, k->b, k->o->name2, &s2,
						     off, chunk, b2) < 0)
					return false;
				d = first_diff(b1, b2, chunk);
				if (d >= 0)
					return mismatch(k, off + (uint64_t)d);
			}
		} else {
			struct img *img = al1 ? k->a : k->b;

			if (read_for_compare(k, img, al1 ? k->o->name1 :
					     k->o->name2, al1 ? &s1 : &s2, off,
					     chunk, b1) < 0)
				return false;
			d = first_nonzero(b1, chunk);
			if (d >= 0)
				return mismatch(k, off + (uint64_t)d);
		}
		off += chunk;
	}
	return true;
}

/* The larger image's tail must read as zeros. */
static bool compare_tail(struct kjob *k, uint64_t start, uint64_t end,
			 uint8_t *b1)
{
	bool first_big = k->a->virtual_size > k->b->virtual_size;
	struct img *img = first_big ? k->a : k->b;
	const char *name = first_big ? k->o->name1 : k->o->name2;
	uint64_t off = start;

	while (off < end) {
		struct img_status st;
		struct img_err err = { 0 };

		if (img_status_above(img, off, end - off, &st, &err) < 0) {
			fail_status(k, off, name, &err);
			return false;
		}
		if ((st.flags & IMG_BS_ALLOCATED) && !(st.flags & IMG_BS_ZERO)) {
			int64_t d;

			if (read_for_compare(k, img, name, &st, off, st.len,
					     b1) < 0)
				return false;
			d = first_nonzero(b1, st.len);
			if (d >= 0)
				return mismatch(k, off + (uint64_t)d);
		}
		off += st.len;
	}
	return true;
}

/* Next window, skipping runs where both sides read as zeros. */
static bool kjob_claim(struct kjob *k, uint64_t *start, uint64_t *end)
{
	bool got = false;

	pthread_mutex_lock(&k->lock);
	while (k->cursor < k->total && !(k->failed && k->fail_off < k->cursor)) {
		uint64_t lim = k->cursor < k->common ? k->common : k->total;

		if (!k->o->strict && k->cursor < k->common) {
			struct img_status s1, s2;
			struct img_err e;

			if (img_status_above(k->a, k->cursor, lim - k->cursor,
					     &s1, &e) == 0 &&
			    img_status_above(k->b, k->cursor, lim - k->cursor,
					     &s2, &e) == 0 &&
			    (s1.flags & s2.flags & IMG_BS_ZERO)) {
				uint64_t n = s1.len < s2.len ? s1.len : s2.len;

				k->cursor += n;
				k->done += n;
				continue;
			}
		}
		*start = k->cursor;
		*end = lim - k->cursor < WINDOW ? lim : k->cursor + WINDOW;
		k->cursor = *end;
		got = true;
		break;
	}
	pthread_mutex_unlock(&k->lock);
	return got;
}

static void *compare_worker(void *arg)
{
	struct kjob *k = arg;
	uint8_t *b1 = malloc(WINDOW), *b2 = malloc(WINDOW);
	uint64_t start, end;

	if (!b1 || !b2) {
		struct img_err e;

		img_err_set(&e, ENOMEM, "out of memory");
		kjob_fail(k, 0, IMG_CMP_READ_ERROR, NULL, &e);
		goto out;
	}
	while (kjob_claim(k, &start, &end)) {
		bool ok = start < k->common ?
			  compare_common(k, start, end, b1, b2) :
			  compare_tail(k, start, end, b1);

		pthread_mutex_lock(&k->lock);
		k->done += end - start;
		if (k->o->progress)
			k->o->progress(k->o->progress_ctx, k->done, k->total);
		pthread_mutex_unlock(&k->lock);
		(void)ok;
	}
out:
	free(b1);
	free(b2);
	img_thread_done();
	return NULL;
}

int img_compare(struct img *a, struct img *b,
		const struct img_compare_opts *o,
		struct img_compare_result *res, struct img_err *err)
{
	pthread_t tid[MAX_WORKERS];
	struct kjob k;
	int n = o->workers, started = 0;

	memset(res, 0, sizeof(*res));
	if (o->strict && a->virtual_size != b->virtual_size) {
		res->code = IMG_CMP_DIFFERENT;
		snprintf(res->msg, sizeof(res->msg),
			 "Strict mode: Image size mismatch!");
		return 0;
	}
	if (n < 1)
		n = 1;
	if (n > MAX_WORKERS)
		n = MAX_WORKERS;
	memset(&k, 0, sizeof(k));
	k.a = a;
	k.b = b;
	k.o = o;
	k.common = a->virtual_size < b->virtual_size ? a->virtual_size :
		   b->virtual_size;
	k.total = a->virtual_size > b->virtual_size ? a->virtual_size :
		  b->virtual_size;
	pthread_mutex_init(&k.lock, NULL);
	for (int i = 0; i < n; i++) {
		if (pthread_create(&tid[i], NULL, compare_worker, &k))
			break;
		started++;
	}
	for (int i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&k.lock);
	if (!started)
		return img_err_set(err, EAGAIN, "cannot start worker threads");
	res->size_warning = a->virtual_size != b->virtual_size &&
			    (!k.failed || k.fail_off >= k.common);
	if (!k.failed) {
		if (o->progress)
			o->progress(o->progress_ctx, k.total, k.total);
		res->code = IMG_CMP_SAME;
		snprintf(res->msg, sizeof(res->msg), "Images are identical.");
		return 0;
	}
	res->code = k.fail_code;
	if (k.fail_code == IMG_CMP_DIFFERENT) {
		snprintf(res->msg, sizeof(res->msg), "%s", k.fail_msg);
		return 0;
	}
	*err = k.fail_err;
	return 0;
}
