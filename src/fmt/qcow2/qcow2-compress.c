/* SPDX-License-Identifier: MIT */
/*
 * Compressed clusters.  Deflate streams are raw (no zlib header) with a
 * window of at most 4 KiB; zstd streams are one frame.  Either must decode
 * to exactly one cluster: fewer or more bytes is a broken image, whatever
 * the stream claims, and nothing is ever written past the cluster.
 *
 * Decoders and scratch buffers are per thread, so worker threads decode
 * in parallel without locks; a thread frees them with qcow2_thread_done.
 *
 * Deflate is decoded with libdeflate: whole-buffer decoding fits clusters
 * (the output size is known) and runs about twice as fast as zlib's
 * streaming inflate.  It accepts any window, so it also reads streams
 * with matches farther back than the 4 KiB QEMU allows.
 */
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "qcow2.h"

struct qcow2_tls {
	struct libdeflate_decompressor *ld;
	ZSTD_DCtx *zd;
	uint8_t *scratch[2];
	size_t cap[2];
};

static __thread struct qcow2_tls *tls;

static struct qcow2_tls *get_tls(void)
{
	if (!tls)
		tls = calloc(1, sizeof(*tls));
	return tls;
}

uint8_t *qcow2_scratch(unsigned int which, size_t len)
{
	struct qcow2_tls *t = get_tls();

	if (!t || which > 1)
		return NULL;
	if (t->cap[which] < len) {
		free(t->scratch[which]);
		t->scratch[which] = malloc(len);
		t->cap[which] = t->scratch[which] ? len : 0;
	}
	return t->scratch[which];
}

void qcow2_thread_done(void)
{
	if (!tls)
		return;
	if (tls->ld)
		libdeflate_free_decompressor(tls->ld);
	ZSTD_freeDCtx(tls->zd);
	free(tls->scratch[0]);
	free(tls->scratch[1]);
	free(tls);
	tls = NULL;
}

static int inflate_cluster(struct qcow2_tls *t, const uint8_t *src,
			   size_t slen, uint8_t *dst, size_t dlen)
{
	size_t used, got;

	if (!t->ld) {
		t->ld = libdeflate_alloc_decompressor();
		if (!t->ld)
			return QCOW2_DECODE_NOMEM;
	}
	/* Bytes after the stream are the descriptor's sector slack. */
	switch (libdeflate_deflate_decompress_ex(t->ld, src, slen, dst, dlen,
						 &used, &got)) {
	case LIBDEFLATE_SUCCESS:
		return got == dlen ? QCOW2_DECODE_OK : QCOW2_DECODE_SHORT;
	case LIBDEFLATE_INSUFFICIENT_SPACE:
		return QCOW2_DECODE_LONG;
	default:
		return QCOW2_DECODE_BAD;
	}
}

static int zstd_cluster(struct qcow2_tls *t, const uint8_t *src, size_t slen,
			uint8_t *dst, size_t dlen)
{
	size_t fsz, r;

	if (!t->zd) {
		t->zd = ZSTD_createDCtx();
		if (!t->zd)
			return QCOW2_DECODE_NOMEM;
	}
	/* The descriptor rounds up to sectors: bytes past the frame are slack. */
	fsz = ZSTD_findFrameCompressedSize(src, slen);
	if (ZSTD_isError(fsz))
		return QCOW2_DECODE_BAD;
	r = ZSTD_decompressDCtx(t->zd, dst, dlen, src, fsz);
	if (ZSTD_isError(r))
		return ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall ?
		       QCOW2_DECODE_LONG : QCOW2_DECODE_BAD;
	return r == dlen ? QCOW2_DECODE_OK : QCOW2_DECODE_SHORT;
}

int qcow2_decode(unsigned int type, const uint8_t *src, size_t slen,
		 uint8_t *dst, size_t dlen)
{
	struct qcow2_tls *t = get_tls();

	if (!t)
		return QCOW2_DECODE_NOMEM;
	if (type == QCOW2_COMPRESSION_ZSTD)
		return zstd_cluster(t, src, slen, dst, dlen);
	return inflate_cluster(t, src, slen, dst, dlen);
}
