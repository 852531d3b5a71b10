/* SPDX-License-Identifier: MIT */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

void json_init(struct json *j)
{
	memset(j, 0, sizeof(*j));
	j->first[0] = true;
}

static void put(struct json *j, const char *s, size_t n)
{
	if (j->oom)
		return;
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 256;
		char *nb;

		while (cap < j->len + n + 1)
			cap *= 2;
		nb = realloc(j->buf, cap);
		if (!nb) {
			j->oom = true;
			return;
		}
		j->buf = nb;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void puts_(struct json *j, const char *s)
{
	put(j, s, strlen(s));
}

static void indent(struct json *j, int depth)
{
	for (int i = 0; i < depth; i++)
		put(j, "    ", 4);
}

static void put_uescape(struct json *j, unsigned int cp)
{
	char tmp[8];

	snprintf(tmp, sizeof(tmp), "\\u%04X", cp);
	puts_(j, tmp);
}

/*
 * Decode one sequence as qemu's mod_utf8_codepoint() does: returns the
 * bytes consumed (at least 1) and the code point, or -1 in *cp for an
 * invalid sequence, which is consumed up to its first bad byte.
 */
static size_t utf8_decode(const unsigned char *s, int *cp)
{
	static const unsigned int min_cp[5] = {
		0x80, 0x800, 0x10000, 0x200000, 0x4000000
	};
	unsigned int c = s[0], len = 0, mask;
	size_t i;

	if (c < 0x80) {
		*cp = (int)c;
		return 1;
	}
	if (c >= 0xfe || !(c & 0x40)) {
		*cp = -1;	/* impossible byte or stray continuation */
		return 1;
	}
	for (mask = 0x80; c & mask; mask >>= 1)
		len++;
	c &= mask - 1;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = -1;
			return i;
		}
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ||
	    (c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe)
		*cp = -1;
	else if (c < min_cp[len - 2] && !(c == 0 && len == 2))
		*cp = -1;	/* overlong, except modified UTF-8's NUL */
	else
		*cp = (int)c;
	return len;
}

static void put_quoted(struct json *j, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned int cp;
	int icp;
	size_t n;

	put(j, "\"", 1);
	while (*s) {
		switch (*s) {
		case '"': puts_(j, "\\\""); s++; continue;
		case '\\': puts_(j, "\\\\"); s++; continue;
		case '\b': puts_(j, "\\b"); s++; continue;
		case '\f': puts_(j, "\\f"); s++; continue;
		case '\n': puts_(j, "\\n"); s++; continue;
		case '\r': puts_(j, "\\r"); s++; continue;
		case '\t': puts_(j, "\\t"); s++; continue;
		default: break;
		}
		n = utf8_decode(s, &icp);
		s += n;
		cp = icp < 0 ? 0xfffd : (unsigned int)icp;
		if (cp >= 0x20 && cp < 0x7f) {
			char c = (char)cp;

			put(j, &c, 1);
		} else if (cp > 0xffff) {
			cp -= 0x10000;
			put_uescape(j, 0xd800 | (cp >> 10));
			put_uescape(j, 0xdc00 | (cp & 0x3ff));
		} else {
			put_uescape(j, cp);
		}
	}
	put(j, "\"", 1);
}

static void member(struct json *j, const char *key)
{
	if (j->depth > 0) {
		puts_(j, j->first[j->depth] ? "\n" : ",\n");
		indent(j, j->depth);
	}
	j->first[j->depth] = false;
	if (key) {
		put_quoted(j, key);
		puts_(j, ": ");
	}
}

static void open_(struct json *j, const char *key, const char *brace)
{
	member(j, key);
	puts_(j, brace);
	if (j->depth + 1 >= JSON_MAX_DEPTH) {
		j->oom = true;	/* deeper than any document we emit */
		return;
	}
	j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct json *j, const char *brace)
{
	if (j->depth == 0) {
		j->oom = true;
		return;
	}
	j->depth--;
	puts_(j, "\n");
	indent(j, j->depth);
	puts_(j, brace);
}

void json_object_begin(struct json *j, const char *key)
{
	open_(j, key, "{");
}

void json_object_end(struct json *j)
{
	close_(j, "}");
}

void json_array_begin(struct json *j, const char *key)
{
	open_(j, key, "[");
}

void json_array_end(struct json *j)
{
	close_(j, "]");
}

void json_string(struct json *j, const char *key, const char *val)
{
	member(j, key);
	put_quoted(j, val);
}

void json_int(struct json *j, const char *key, int64_t val)
{
	char tmp[32];

	member(j, key);
	snprintf(tmp, sizeof(tmp), "%" PRId64, val);
	puts_(j, tmp);
}

void json_uint(struct json *j, const char *key, uint64_t val)
{
	char tmp[32];

	member(j, key);
	snprintf(tmp, sizeof(tmp), "%" PRIu64, val);
	puts_(j, tmp);
}

void json_bool(struct json *j, const char *key, bool val)
{
	member(j, key);
	puts_(j, val ? "true" : "false");
}

char *json_finish(struct json *j)
{
	char *r;

	if (j->oom || j->depth != 0 || !j->buf) {
		json_free(j);
		return NULL;
	}
	r = j->buf;
	j->buf = NULL;
	return r;
}

void json_free(struct json *j)
{
	free(j->buf);
	j->buf = NULL;
	j->len = j->cap = 0;
}
