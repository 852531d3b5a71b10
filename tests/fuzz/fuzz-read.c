/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the read path: the input is a whole image file in memory (qcow2,
 * QED or raw, probed).  Walk img_map_status over the virtual size and
 * read what it reports with img_read, checking what must hold whatever
 * the bytes: runs are non-empty and inside the image, img_status_above
 * agrees (no backing file), a run that reads as zeros reads as zeros, and
 * a read from the middle of a run gives the same bytes as the whole.
 * Errors are fine; crashes, leaks, hangs and broken invariants are not.
 *
 * The walk stops after MAX_STEPS runs, at MAX_WALK bytes of guest space
 * (no status query reaches past it: a query walks the tables of all it
 * covers, up to one step per 512-byte subcluster), and reads stop once
 * MAX_READ bytes have been read, so every input is quick.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/img.h"

#define MAX_STEPS	4096
#define MAX_WALK	(UINT64_C(1) << 30)
#define MAX_READ	(UINT64_C(4) << 20)
#define CHUNK		(256u << 10)	/* largest single img_read */
#define ZERO_PROBE	4096u		/* bytes read from each zero run */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned int known_flags =
	IMG_BS_DATA | IMG_BS_ZERO | IMG_BS_OFFSET_VALID | IMG_BS_ALLOCATED |
	IMG_BS_EOF | IMG_BS_RECURSE | IMG_BS_COMPRESSED;

static void check(int ok)
{
	if (!ok)
		__builtin_trap();
}

/* A failure must say why. */
static void check_err(const struct img_err *err)
{
	check(err->code > 0 && err->msg[0] != '\0');
}

/* Read part of a data run twice, whole and from its middle: same bytes. */
static void read_data(struct img *img, uint64_t off, uint64_t len,
		      uint8_t *buf, uint8_t *buf2, uint64_t *budget)
{
	struct img_err err = { 0 };
	size_t n = len < CHUNK ? (size_t)len : CHUNK;
	size_t a, m;

	if (n > *budget)
		n = (size_t)*budget;
	if (!n)
		return;
	*budget -= n;
	if (img_read(img, off, n, buf, &err) < 0) {
		check_err(&err);
		return;
	}
	/* An odd offset and length inside what was read. */
	a = n / 3 | 1;
	if (a >= n)
		return;
	m = (n - a) / 2 + 1;
	if (m > *budget)
		return;
	*budget -= m;
	memset(buf2, 0xa5, m);
	if (img_read(img, off + a, m, buf2, &err) < 0) {
		check_err(&err);
		return;
	}
	check(memcmp(buf + a, buf2, m) == 0);
}

/* A run that map calls zeros (and not data) must read as zeros. */
static void read_zero(struct img *img, uint64_t off, uint64_t len,
		      uint8_t *buf, uint64_t *budget)
{
	struct img_err err = { 0 };
	size_t n = len < ZERO_PROBE ? (size_t)len : ZERO_PROBE;

	if (n > *budget)
		n = (size_t)*budget;
	if (!n)
		return;
	*budget -= n;
	memset(buf, 0xa5, n);
	if (img_read(img, off, n, buf, &err) < 0) {
		check_err(&err);
		return;
	}
	for (size_t i = 0; i < n; i++)
		check(buf[i] == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img_err err = { 0 };
	struct io *file = NULL;
	struct img *img = NULL;
	uint64_t off = 0, budget = MAX_READ, vsize;
	uint8_t *buf = NULL, *buf2 = NULL;

	if (io_mem_open(data, size, "fuzz", &file, &err) < 0)
		return 0;
	if (img_open_io(file, "fuzz", NULL, 0, &img, &err) < 0) {
		check_err(&err);
		img_thread_done();
		return 0;
	}
	buf = malloc(CHUNK);
	buf2 = malloc(CHUNK);
	if (!buf || !buf2)
		goto out;
	vsize = img->virtual_size;
	for (int step = 0; step < MAX_STEPS && off < vsize && off < MAX_WALK;
	     step++) {
		uint64_t len = vsize - off;
		struct img_status st, sa;

		if (len > MAX_WALK - off)
			len = MAX_WALK - off;
		memset(&err, 0, sizeof(err));
		if (img_map_status(img, off, len, &st, &err) < 0) {
			check_err(&err);
			break;
		}
		check(st.len > 0 && st.len <= len);
		check((st.flags & ~known_flags) == 0);
		check(!!(st.flags & IMG_BS_EOF) == (off + st.len == vsize));
		check(st.depth == 0);
		if (st.flags & IMG_BS_OFFSET_VALID)
			check(st.file != NULL);
		/* Without a backing file both questions have one answer. */
		if (img_status_above(img, off, len, &sa, &err) < 0) {
			check_err(&err);
			break;
		}
		check(sa.flags == st.flags && sa.len == st.len);

		if (st.flags & IMG_BS_DATA)
			read_data(img, off, st.len, buf, buf2, &budget);
		else if (st.flags & IMG_BS_ZERO)
			read_zero(img, off, st.len, buf, &budget);
		off += st.len;
	}
	/* At the end: a status with EOF and nothing else. */
	if (off >= vsize) {
		struct img_status st;

		check(img_block_status(img, vsize, 512, &st, &err) == 0);
		check(st.flags == IMG_BS_EOF && st.len == 0);
	}
out:
	free(buf);
	free(buf2);
	img_close(img);
	img_thread_done();
	return 0;
}
