/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

static void err_vset(struct img_err *err, int code, const char *fmt,
		     va_list ap)
{
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int img_err_set(struct img_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (code <= 0)
		code = EIO;
	if (err) {
		va_start(ap, fmt);
		err_vset(err, code, fmt, ap);
		va_end(ap);
	}
	return -code;
}

int img_err_errno(struct img_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (code <= 0)
		code = EIO;
	if (err) {
		va_start(ap, fmt);
		err_vset(err, code, fmt, ap);
		va_end(ap);
		len = strlen(err->msg);
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %s",
			 strerror(code));
	}
	return -code;
}

void img_err_prefix(struct img_err *err, const char *fmt, ...)
{
	char buf[2 * IMG_ERR_MSG_MAX + 2];
	va_list ap;
	size_t n;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, IMG_ERR_MSG_MAX, fmt, ap);
	va_end(ap);
	n = strlen(buf);
	buf[n++] = ':';
	buf[n++] = ' ';
	memcpy(buf + n, err->msg, IMG_ERR_MSG_MAX);
	buf[n + IMG_ERR_MSG_MAX - 1] = '\0';
	memcpy(err->msg, buf, IMG_ERR_MSG_MAX - 1);
	err->msg[IMG_ERR_MSG_MAX - 1] = '\0';
}

void img_err_clear(struct img_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}
