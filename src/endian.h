/* SPDX-License-Identifier: MIT */
/*
 * On-disk integer types.
 *
 * Disk bytes and host values are different types: an on-disk field is a
 * byte array wrapped in a struct, so it cannot be used as a number by
 * mistake.  Values cross over only through the get/put helpers below,
 * called from the *_from_disk and *_to_disk functions of each format.
 */
#ifndef IMG_ENDIAN_H
#define IMG_ENDIAN_H

#include <stdint.h>

struct be16 { uint8_t b[2]; };
struct be32 { uint8_t b[4]; };
struct be64 { uint8_t b[8]; };
struct le16 { uint8_t b[2]; };
struct le32 { uint8_t b[4]; };
struct le64 { uint8_t b[8]; };

_Static_assert(sizeof(struct be64) == 8, "be64 has padding");
_Static_assert(sizeof(struct le64) == 8, "le64 has padding");

static inline uint16_t be16_get(struct be16 v)
{
	return (uint16_t)(v.b[0] << 8 | v.b[1]);
}

static inline uint32_t be32_get(struct be32 v)
{
	return (uint32_t)v.b[0] << 24 | (uint32_t)v.b[1] << 16 |
	       (uint32_t)v.b[2] << 8 | v.b[3];
}

static inline uint64_t be64_get(struct be64 v)
{
	uint64_t r = 0;

	for (int i = 0; i < 8; i++)
		r = r << 8 | v.b[i];
	return r;
}

static inline struct be16 be16_put(uint16_t x)
{
	return (struct be16){ { (uint8_t)(x >> 8), (uint8_t)x } };
}

static inline struct be32 be32_put(uint32_t x)
{
	return (struct be32){ { (uint8_t)(x >> 24), (uint8_t)(x >> 16),
				(uint8_t)(x >> 8), (uint8_t)x } };
}

static inline struct be64 be64_put(uint64_t x)
{
	struct be64 v;

	for (int i = 7; i >= 0; i--, x >>= 8)
		v.b[i] = (uint8_t)x;
	return v;
}

static inline uint16_t le16_get(struct le16 v)
{
	return (uint16_t)(v.b[1] << 8 | v.b[0]);
}

static inline uint32_t le32_get(struct le32 v)
{
	return (uint32_t)v.b[3] << 24 | (uint32_t)v.b[2] << 16 |
	       (uint32_t)v.b[1] << 8 | v.b[0];
}

static inline uint64_t le64_get(struct le64 v)
{
	uint64_t r = 0;

	for (int i = 7; i >= 0; i--)
		r = r << 8 | v.b[i];
	return r;
}

static inline struct le16 le16_put(uint16_t x)
{
	return (struct le16){ { (uint8_t)x, (uint8_t)(x >> 8) } };
}

static inline struct le32 le32_put(uint32_t x)
{
	return (struct le32){ { (uint8_t)x, (uint8_t)(x >> 8),
				(uint8_t)(x >> 16), (uint8_t)(x >> 24) } };
}

static inline struct le64 le64_put(uint64_t x)
{
	struct le64 v;

	for (int i = 0; i < 8; i++, x >>= 8)
		v.b[i] = (uint8_t)x;
	return v;
}

/* Raw byte-buffer accessors, for tables that are arrays of integers. */
static inline uint64_t be64_at(const void *p)
{
	return be64_get(*(const struct be64 *)p);
}

static inline uint32_t be32_at(const void *p)
{
	return be32_get(*(const struct be32 *)p);
}

static inline uint16_t be16_at(const void *p)
{
	return be16_get(*(const struct be16 *)p);
}

static inline void be64_set(void *p, uint64_t x)
{
	*(struct be64 *)p = be64_put(x);
}

static inline void be32_set(void *p, uint32_t x)
{
	*(struct be32 *)p = be32_put(x);
}

static inline void be16_set(void *p, uint16_t x)
{
	*(struct be16 *)p = be16_put(x);
}

static inline uint64_t le64_at(const void *p)
{
	return le64_get(*(const struct le64 *)p);
}

static inline void le64_set(void *p, uint64_t x)
{
	*(struct le64 *)p = le64_put(x);
}

#endif
