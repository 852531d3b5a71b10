/* SPDX-License-Identifier: MIT */
/*
 * A small JSON writer producing qemu-img's pretty layout: four-space
 * indent, "key": value, one member per line, non-ASCII as \uXXXX.
 * It builds the document in memory; the caller prints it.
 */
#ifndef IMG_JSON_H
#define IMG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 32

struct json {
	char *buf;
	size_t len, cap;
	int depth;
	bool first[JSON_MAX_DEPTH];	/* no member written yet at this depth */
	bool oom;			/* an allocation failed: result is NULL */
};

void json_init(struct json *j);
/* key is NULL for array elements and the top-level value. */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_string(struct json *j, const char *key, const char *val);
void json_int(struct json *j, const char *key, int64_t val);
void json_uint(struct json *j, const char *key, uint64_t val);
void json_bool(struct json *j, const char *key, bool val);
/* Returns the document (caller frees) or NULL if memory ran out. */
char *json_finish(struct json *j);
void json_free(struct json *j);

#endif
