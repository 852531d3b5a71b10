/* SPDX-License-Identifier: MIT */
/*
 * The copy and compare engines: worker threads read (and decompress) in
 * parallel, guided by block status, so only what could hold data is read.
 */
#ifndef IMG_CONVERT_H
#define IMG_CONVERT_H

#include <stdbool.h>
#include <stdint.h>

#include "img.h"

typedef void (*img_progress_fn)(void *ctx, uint64_t done, uint64_t total);

struct img_convert_opts {
	struct img **src;		/* concatenated in order */
	size_t nb_src;
	struct io *out;			/* the raw target */
	bool stream;			/* out only takes sequential writes */
	bool out_reads_zero;		/* fresh target, or --target-is-zero */
	uint64_t sparse;		/* -S: zero granularity; 0 = write all */
	bool in_order;			/* without -W */
	int workers;
	img_progress_fn progress;
	void *progress_ctx;
};

/* Total guest size of the sources. */
uint64_t img_convert_size(const struct img_convert_opts *o);
int img_convert_raw(const struct img_convert_opts *o, struct img_err *err);

/* compare's outcome, qemu-img's exit codes. */
enum {
	IMG_CMP_SAME = 0,
	IMG_CMP_DIFFERENT = 1,
	IMG_CMP_STATUS_ERROR = 3,
	IMG_CMP_READ_ERROR = 4,
};

struct img_compare_opts {
	bool strict;
	int workers;
	const char *name1, *name2;	/* for messages */
	img_progress_fn progress;
	void *progress_ctx;
};

struct img_compare_result {
	int code;
	/* For the human output, as qemu-img words it. */
	bool size_warning;		/* "Warning: Image size mismatch!" */
	char msg[256];			/* the line for stdout (code 0/1) */
};

/* code 3 and 4 also fill err (the line for stderr). */
int img_compare(struct img *a, struct img *b,
		const struct img_compare_opts *o,
		struct img_compare_result *res, struct img_err *err);

#endif
