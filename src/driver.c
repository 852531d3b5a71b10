/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

/* Sorted by name; tests/unit checks the order. */
static const struct driver *const drivers[] = {
	&qcow2_driver,
	&qed_driver,
	&raw_driver,
};

size_t img_driver_count(void)
{
	return sizeof(drivers) / sizeof(drivers[0]);
}

const struct driver *img_driver_at(size_t i)
{
	return i < img_driver_count() ? drivers[i] : NULL;
}

const char *img_driver_name(const struct driver *drv)
{
	return drv->name;
}

const struct driver *img_driver_find(const char *name)
{
	for (size_t i = 0; i < img_driver_count(); i++)
		if (!strcmp(drivers[i]->name, name))
			return drivers[i];
	return NULL;
}

#define PROBE_BYTES 2048

const struct driver *img_probe(struct io *file, const char *filename,
			       struct img_err *err)
{
	uint8_t buf[PROBE_BYTES];
	const struct driver *best = NULL;
	int best_score = 0;
	size_t got = 0;

	if (file->ops->pread(file, buf, sizeof(buf), 0, &got, err) < 0) {
		img_err_prefix(err, "could not probe the format of '%s'",
			       filename);
		return NULL;
	}
	for (size_t i = 0; i < img_driver_count(); i++) {
		int score = drivers[i]->probe ? drivers[i]->probe(buf, got) : 0;

		if (score > best_score) {
			best_score = score;
			best = drivers[i];
		}
	}
	return best ? best : &raw_driver;
}

int img_add_warning(struct img *img, const char *fmt, ...)
{
	int max = (int)(sizeof(img->warnings) / sizeof(img->warnings[0]));
	va_list ap;
	char *s;

	if (img->nb_warnings >= max)
		return 0;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return -ENOMEM;
	img->warnings[img->nb_warnings++] = s;
	return 0;
}
