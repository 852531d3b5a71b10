/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "size.h"

#define SIZE_MAX_VALUE ((uint64_t)INT64_MAX)

static int suffix_shift(char c)
{
	switch (tolower((unsigned char)c)) {
	case 'b': return 0;
	case 'k': return 10;
	case 'm': return 20;
	case 'g': return 30;
	case 't': return 40;
	case 'p': return 50;
	case 'e': return 60;
	default: return -1;
	}
}

int size_parse(const char *s, uint64_t *out)
{
	uint64_t whole = 0, frac_num = 0, frac_den = 1, v;
	const char *p = s;
	int shift = 0;

	if (!s || !isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p)) {
		if (mul_overflows(whole, 10, &whole) ||
		    add_overflows(whole, (uint64_t)(*p - '0'), &whole))
			return -ERANGE;
		p++;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		while (isdigit((unsigned char)*p)) {
			/* Digits past 1e18 cannot change a 63-bit result. */
			if (frac_den < 1000000000000000000ULL) {
				frac_num = frac_num * 10 + (uint64_t)(*p - '0');
				frac_den *= 10;
			}
			p++;
		}
	}
	if (*p) {
		shift = suffix_shift(*p);
		if (shift < 0 || p[1])
			return -EINVAL;
	}
	if (frac_num && shift == 0)
		return -EINVAL;	/* a fraction of a byte */
	if (shift && whole > (SIZE_MAX_VALUE >> shift))
		return -ERANGE;
	v = whole << shift;
	if (frac_num) {
		/* frac_num / frac_den < 1, and 2^shift <= 2^60: no overflow. */
		long double f = (long double)frac_num / (long double)frac_den;
		uint64_t extra = (uint64_t)(f * (long double)(1ULL << shift));

		if (add_overflows(v, extra, &v))
			return -ERANGE;
	}
	if (v > SIZE_MAX_VALUE)
		return -ERANGE;
	*out = v;
	return 0;
}

void size_format(uint64_t v, char *buf, size_t len)
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
	};
	unsigned int i = 0;

	/*
	 * Switch to the next unit once the value would print as 1000 or more:
	 * 1000 bytes read "0.977 KiB", as qemu-img prints them.
	 */
	while (i + 1 < sizeof(units) / sizeof(units[0]) &&
	       (long double)v >= 1000.0L * (long double)(1ULL << (10 * i)))
		i++;
	snprintf(buf, len, "%0.3g %s", (double)v / (double)(1ULL << (10 * i)),
		 units[i]);
}
