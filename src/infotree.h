/* SPDX-License-Identifier: MIT */
/*
 * A small tree of named values: the format-specific part of "info".
 * Drivers build it in qemu-img's member order; cmd/ prints it as JSON or
 * in qemu-img's indented human layout, so no printer knows any format.
 */
#ifndef IMG_INFOTREE_H
#define IMG_INFOTREE_H

#include <stdbool.h>
#include <stdint.h>

enum itree_type {
	ITREE_OBJECT,
	ITREE_ARRAY,
	ITREE_STRING,
	ITREE_INT,
	ITREE_BOOL,
};

struct itree {
	enum itree_type type;
	char *key;		/* NULL for array elements */
	char *str;
	int64_t num;
	bool b;
	struct itree *child, *last, *next;
};

struct itree *itree_new_object(void);
/* Each adder returns the new node, or NULL if memory ran out. */
struct itree *itree_add_object(struct itree *parent, const char *key);
struct itree *itree_add_array(struct itree *parent, const char *key);
struct itree *itree_add_string(struct itree *parent, const char *key,
			       const char *val);
struct itree *itree_add_int(struct itree *parent, const char *key,
			    int64_t val);
struct itree *itree_add_bool(struct itree *parent, const char *key, bool val);
void itree_free(struct itree *t);

#endif
