/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "size.h"

size_t opts_count(const struct opt_desc *desc)
{
	size_t n = 0;

	while (desc && desc[n].name)
		n++;
	return n;
}

int opts_init(struct opt_set *set, const struct opt_desc *desc,
	      size_t count)
{
	set->desc = desc;
	set->count = count;
	set->val = calloc(count ? count : 1, sizeof(*set->val));
	return set->val ? 0 : -ENOMEM;
}

void opts_free(struct opt_set *set)
{
	if (!set->val)
		return;
	for (size_t i = 0; i < set->count; i++)
		free(set->val[i].str);
	free(set->val);
	set->val = NULL;
}

bool opts_is_help(const char *text)
{
	return text && (!strcmp(text, "help") || !strcmp(text, "?"));
}

int opts_parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true") ||
	    !strcmp(s, "y")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "false") ||
	    !strcmp(s, "n")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

static int find(const struct opt_set *set, const char *name)
{
	for (size_t i = 0; i < set->count; i++)
		if (!strcmp(set->desc[i].name, name))
			return (int)i;
	return -1;
}

static int assign(struct opt_set *set, int idx, const char *val,
		  struct img_err *err)
{
	const struct opt_desc *d = &set->desc[idx];
	struct opt_value *v = &set->val[idx];
	char buf[32];
	char *copy;
	int ret;

	switch (d->type) {
	case OPT_BOOL:
		if (opts_parse_bool(val, &v->b) < 0)
			return img_err_set(err, EINVAL,
					   "parameter '%s' expects 'on' or 'off'",
					   d->name);
		val = v->b ? "on" : "off";
		break;
	case OPT_NUMBER: {
		char *end;

		errno = 0;
		if (val[0] < '0' || val[0] > '9')
			return img_err_set(err, EINVAL,
					   "parameter '%s' expects a number",
					   d->name);
		v->n = strtoull(val, &end, 0);	/* 0x10 too, as qemu */
		if (errno || *end)
			return img_err_set(err, EINVAL,
					   "parameter '%s' expects a number",
					   d->name);
		break;
	}
	case OPT_SIZE:
		ret = size_parse(val, &v->n);
		if (ret < 0)
			return img_err_set(err, EINVAL,
					   "parameter '%s' expects a size (a number with an optional k, M, G, T, P or E suffix)",
					   d->name);
		snprintf(buf, sizeof(buf), "%" PRIu64, v->n);
		val = buf;
		break;
	case OPT_STRING:
		break;
	}
	copy = strdup(val);
	if (!copy)
		return img_err_set(err, ENOMEM, "out of memory");
	free(v->str);
	v->str = copy;
	v->set = true;
	return 0;
}

int opts_set_str(struct opt_set *set, const char *name, const char *val,
		 struct img_err *err)
{
	int idx = find(set, name);

	if (idx < 0)
		return img_err_set(err, EINVAL, "invalid parameter '%s'", name);
	return assign(set, idx, val, err);
}

/* Copy one comma-separated token, undoing ",," escapes; returns the rest. */
static const char *next_token(const char *p, char *out, size_t outlen,
			      bool *truncated)
{
	size_t n = 0;

	*truncated = false;
	while (*p) {
		if (*p == ',') {
			if (p[1] != ',')
				break;
			p++;	/* ",," is a literal comma */
		}
		if (n + 1 < outlen)
			out[n++] = *p;
		else
			*truncated = true;
		p++;
	}
	out[n] = '\0';
	return *p == ',' ? p + 1 : p;
}

int opts_parse(struct opt_set *set, const char *text, struct img_err *err)
{
	char tok[4096];
	const char *p = text;
	bool truncated;
	int ret;

	while (*p) {
		char *eq, *key, *val;
		int idx;

		p = next_token(p, tok, sizeof(tok), &truncated);
		if (truncated)
			return img_err_set(err, EINVAL,
					   "option value too long (over %zu bytes)",
					   sizeof(tok) - 1);
		if (!tok[0])
			continue;
		key = tok;
		eq = strchr(tok, '=');
		val = NULL;
		if (eq) {
			*eq = '\0';
			val = eq + 1;
		}
		if (!strncmp(key, "encrypt", 7))
			return img_err_set(err, ENOTSUP,
					   "encryption is not supported (option '%s')",
					   key);
		idx = find(set, key);
		if (idx < 0)
			return img_err_set(err, EINVAL,
					   "invalid parameter '%s'", key);
		if (!val) {
			if (set->desc[idx].type != OPT_BOOL)
				return img_err_set(err, EINVAL,
						   "parameter '%s' needs a value",
						   key);
			val = "on";
		}
		ret = assign(set, idx, val, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}

const struct opt_value *opts_get(const struct opt_set *set, const char *name)
{
	int idx = find(set, name);

	return idx < 0 ? NULL : &set->val[idx];
}

bool opts_is_set(const struct opt_set *set, const char *name)
{
	const struct opt_value *v = opts_get(set, name);

	return v && v->set;
}

const char *opts_str(const struct opt_set *set, const char *name)
{
	const struct opt_value *v = opts_get(set, name);

	return v && v->set ? v->str : NULL;
}

bool opts_bool(const struct opt_set *set, const char *name, bool def)
{
	const struct opt_value *v = opts_get(set, name);

	return v && v->set ? v->b : def;
}

uint64_t opts_num(const struct opt_set *set, const char *name, uint64_t def)
{
	const struct opt_value *v = opts_get(set, name);

	return v && v->set ? v->n : def;
}
