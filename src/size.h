/* SPDX-License-Identifier: MIT */
/* Byte counts: parsing "64M"-style sizes and printing "1.29 MiB". */
#ifndef IMG_SIZE_H
#define IMG_SIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parse a size: a decimal number, optionally with a fraction, followed by
 * an optional suffix b, k, M, G, T, P or E (any case, powers of 1024).
 * Returns 0, -EINVAL for a malformed string, -ERANGE when the value does
 * not fit in 63 bits (the largest size any image field can hold).
 */
int size_parse(const char *s, uint64_t *out);

/* Like qemu's size_to_str: three significant digits and a binary unit. */
void size_format(uint64_t v, char *buf, size_t len);

/* Overflow-checked arithmetic; true when the result did not fit. */
static inline bool mul_overflows(uint64_t a, uint64_t b, uint64_t *r)
{
	return __builtin_mul_overflow(a, b, r);
}

static inline bool add_overflows(uint64_t a, uint64_t b, uint64_t *r)
{
	return __builtin_add_overflow(a, b, r);
}

/*
 * Virtual sizes are whole 512-byte sectors, rounded up as qemu-img does.
 * v must be at most INT64_MAX (every parsed size is), so this cannot wrap.
 */
static inline uint64_t size_round_sector(uint64_t v)
{
	return (v + 511) & ~(uint64_t)511;
}

static inline uint64_t div_round_up(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

static inline bool is_power_of_2(uint64_t v)
{
	return v && !(v & (v - 1));
}

#endif
