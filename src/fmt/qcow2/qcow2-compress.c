/* SPDX-License-Identifier: MIT */
/*
 * Compressed clusters.  Deflate streams are raw (no zlib header) with a
 * window of at most 4 KiB; zstd streams are one frame.  Either must decode
 * to exactly one cluster: fewer or more bytes is a broken image, whatever
 * the stream claims, and nothing is ever written past the cluster.
 *
 * Decoders and scratch buffers are per thread, so worker threads decode
 * in parallel without locks; a thread frees them with qcow2_thread_done.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "qcow2.h"

struct qcow2_tls {
	z_stream z;
	bool z_ready;
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
	if (tls->z_ready)
		inflateEnd(&tls->z);
	ZSTD_freeDCtx(tls->zd);
	free(tls->scratch[0]);
	free(tls->scratch[1]);
	free(tls);
	tls = NULL;
}

static int inflate_cluster(struct qcow2_tls *t, const uint8_t *src,
			   size_t slen, uint8_t *dst, size_t dlen)
{
	z_stream *z = &t->z;
	uint8_t extra;
	int ret;

	if (!t->z_ready) {
		memset(z, 0, sizeof(*z));
		if (inflateInit2(z, -12) != Z_OK)
			return QCOW2_DECODE_NOMEM;
		t->z_ready = true;
	} else if (inflateReset(z) != Z_OK) {
		return QCOW2_DECODE_BAD;
	}
	z->next_in = (Bytef *)src;
	z->avail_in = (uInt)slen;
	z->next_out = dst;
	z->avail_out = (uInt)dlen;
	ret = inflate(z, Z_FINISH);
	if (ret == Z_STREAM_END)
		return z->avail_out ? QCOW2_DECODE_SHORT : QCOW2_DECODE_OK;
	if (ret == Z_MEM_ERROR)
		return QCOW2_DECODE_NOMEM;
	if (ret != Z_BUF_ERROR && ret != Z_OK)
		return QCOW2_DECODE_BAD;
	if (z->avail_out)
		return QCOW2_DECODE_SHORT;	/* the input ran out first */
	/* The cluster is full: the stream must end here. */
	z->next_out = &extra;
	z->avail_out = 1;
	ret = inflate(z, Z_FINISH);
	if (ret == Z_STREAM_END && z->avail_out == 1)
		return QCOW2_DECODE_OK;
	return ret == Z_DATA_ERROR ? QCOW2_DECODE_BAD : QCOW2_DECODE_LONG;
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
