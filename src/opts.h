/* SPDX-License-Identifier: MIT */
/*
 * "-o key=value,key=value" option lists, typed by a per-format table.
 *
 * Syntax as qemu-img: commas inside a value are doubled (",,"), a bare
 * boolean key means "on", a repeated key takes its last value.
 */
#ifndef IMG_OPTS_H
#define IMG_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum opt_type {
	OPT_STRING,
	OPT_BOOL,
	OPT_NUMBER,
	OPT_SIZE,
};

struct opt_desc {
	const char *name;
	enum opt_type type;
	const char *help;
	const char *def;	/* default shown by create, NULL if none */
};

struct opt_value {
	bool set;
	char *str;		/* as given (bools: "on"/"off") */
	bool b;
	uint64_t n;
};

/* The parsed values, indexed like the descriptor table. */
struct opt_set {
	const struct opt_desc *desc;
	size_t count;
	struct opt_value *val;
};

/* Entries in a table that ends with a NULL name. */
size_t opts_count(const struct opt_desc *desc);
int opts_init(struct opt_set *set, const struct opt_desc *desc,
	      size_t count);
void opts_free(struct opt_set *set);

/*
 * Parse text into set.  Unknown keys and bad values fail with a message
 * naming the key.  Keys starting with "encrypt" are refused with
 * "encryption is not supported".
 */
int opts_parse(struct opt_set *set, const char *text, struct img_err *err);

/* True when text asks for the option list ("help" or "?"). */
bool opts_is_help(const char *text);

/* Look a value up by name; NULL when the name is not in the table. */
const struct opt_value *opts_get(const struct opt_set *set, const char *name);
bool opts_is_set(const struct opt_set *set, const char *name);
const char *opts_str(const struct opt_set *set, const char *name);
bool opts_bool(const struct opt_set *set, const char *name, bool def);
uint64_t opts_num(const struct opt_set *set, const char *name, uint64_t def);

/* Set a value as if it had been given (used to fill in -b, -F, size). */
int opts_set_str(struct opt_set *set, const char *name, const char *val,
		 struct img_err *err);

/* Parse a boolean word as qemu does (on/off, yes/no, true/false). */
int opts_parse_bool(const char *s, bool *out);

#endif
