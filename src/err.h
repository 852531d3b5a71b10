/* SPDX-License-Identifier: MIT */
/*
 * Error reporting for the core.
 *
 * The core never prints and never exits.  A failing function returns
 * -errno and fills the error object passed as its last argument with one
 * line of text; on success the object is left untouched.  Only cmd/ prints.
 */
#ifndef IMG_ERR_H
#define IMG_ERR_H

#include <stddef.h>

#define IMG_ERR_MSG_MAX 512

struct img_err {
	int code;			/* positive errno value */
	char msg[IMG_ERR_MSG_MAX];	/* lowercase, no trailing period */
};

/*
 * Record an error and return -code, so callers can write
 * "return img_err_set(err, EINVAL, "...");".  A NULL err is allowed.
 */
int img_err_set(struct img_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like img_err_set, with ": strerror(code)" appended. */
int img_err_errno(struct img_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Put "prefix: " in front of an already recorded message. */
void img_err_prefix(struct img_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void img_err_clear(struct img_err *err);

#endif
