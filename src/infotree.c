/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "infotree.h"

static struct itree *add(struct itree *parent, enum itree_type type,
			 const char *key)
{
	struct itree *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->type = type;
	if (key && !(n->key = strdup(key))) {
		free(n);
		return NULL;
	}
	if (parent) {
		if (parent->last)
			parent->last->next = n;
		else
			parent->child = n;
		parent->last = n;
	}
	return n;
}

struct itree *itree_new_object(void)
{
	return add(NULL, ITREE_OBJECT, NULL);
}

struct itree *itree_add_object(struct itree *parent, const char *key)
{
	return parent ? add(parent, ITREE_OBJECT, key) : NULL;
}

struct itree *itree_add_array(struct itree *parent, const char *key)
{
	return parent ? add(parent, ITREE_ARRAY, key) : NULL;
}

struct itree *itree_add_string(struct itree *parent, const char *key,
			       const char *val)
{
	struct itree *n = parent ? add(parent, ITREE_STRING, key) : NULL;

	if (n)
		n->str = strdup(val ? val : "");
	return n;
}

struct itree *itree_add_int(struct itree *parent, const char *key,
			    int64_t val)
{
	struct itree *n = parent ? add(parent, ITREE_INT, key) : NULL;

	if (n)
		n->num = val;
	return n;
}

struct itree *itree_add_bool(struct itree *parent, const char *key, bool val)
{
	struct itree *n = parent ? add(parent, ITREE_BOOL, key) : NULL;

	if (n)
		n->b = val;
	return n;
}

void itree_free(struct itree *t)
{
	while (t) {
		struct itree *next = t->next;

		itree_free(t->child);
		free(t->key);
		free(t->str);
		free(t);
		t = next;
	}
}
