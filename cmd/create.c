/* SPDX-License-Identifier: MIT */
/* imgtool create: make a new image. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/size.h"
#include "cmd.h"

struct create_args {
	struct common_opts common;
	char *options;		/* every -o joined with ',' */
	const char *backing;
	const char *backing_fmt;
	bool unsafe;
	const char *file;
	const char *size;
	bool oom;
};

static const struct argp_option create_options[] = {
	{ "options", 'o', "OPTIONS", 0,
	  "Format options, key=value,... ('-o help' lists them)", 0 },
	{ "backing", 'b', "FILE", 0, "Backing file of the new image", 0 },
	{ "backing-format", 'F', "FMT", 0, "Format of the backing file", 0 },
	{ "unsafe", 'u', 0, 0,
	  "Do not open the backing file (SIZE is then required)", 0 },
	{ 0 }
};

static error_t create_parser(int key, char *arg, struct argp_state *state)
{
	struct create_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		cmd_argp_init(state, &a->common);
		return 0;
	case 'o':
		if (a->options) {
			char *joined;

			if (asprintf(&joined, "%s,%s", a->options, arg) < 0) {
				a->oom = true;
				return 0;
			}
			free(a->options);
			a->options = joined;
		} else if (!(a->options = strdup(arg))) {
			a->oom = true;
		}
		return 0;
	case 'b':
		a->backing = arg;
		return 0;
	case 'F':
		a->backing_fmt = arg;
		return 0;
	case 'u':
		a->unsafe = true;
		return 0;
	case ARGP_KEY_ARG:
		if (state->arg_num == 0) {
			a->file = arg;
		} else if (state->arg_num == 1) {
			a->size = arg;
		} else {
			argp_error(state, "too many arguments");
			return EINVAL;
		}
		return 0;
	case ARGP_KEY_END:
		if (!a->file && !a->common.exit_now &&
		    !(a->options && opts_is_help(a->options))) {
			argp_error(state, "expecting a file name");
			return EINVAL;
		}
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child create_children[] = {
	{ &common_fmt_argp, 0, 0, 0 },
	{ &common_quiet_argp, 0, 0, 0 },
	{ &common_help_argp, 0, 0, 0 },
	{ 0 }
};

static const struct argp create_argp = {
	create_options, create_parser, "FILE [SIZE]",
	"Create a disk image FILE of SIZE bytes (format raw unless -f says "
	"otherwise).\vqcow2 options: compat, cluster_size, extended_l2, "
	"refcount_bits, lazy_refcounts, compression_type, data_file, "
	"data_file_raw, preallocation, backing_file, backing_fmt, size.\n"
	"qed options: cluster_size, table_size, backing_file, backing_fmt, "
	"size.\nraw options: preallocation, size.",
	create_children, 0, 0
};

static const char *type_name(enum opt_type t)
{
	switch (t) {
	case OPT_BOOL: return "bool (on/off)";
	case OPT_NUMBER: return "num";
	case OPT_SIZE: return "size";
	default: return "str";
	}
}

static int cmp_desc(const void *a, const void *b)
{
	return strcmp(((const struct opt_desc *)a)->name,
		      ((const struct opt_desc *)b)->name);
}

static int print_help(const char *fmt, const struct opt_desc *desc,
		      size_t count)
{
	struct opt_desc *sorted = calloc(count ? count : 1, sizeof(*sorted));

	if (!sorted) {
		cmd_error("out of memory");
		return 1;
	}
	memcpy(sorted, desc, count * sizeof(*desc));
	qsort(sorted, count, sizeof(*sorted), cmp_desc);
	printf("Supported %s options:\n", fmt);
	for (size_t i = 0; i < count; i++) {
		char lhs[64];

		snprintf(lhs, sizeof(lhs), "%s=<%s>", sorted[i].name,
			 type_name(sorted[i].type));
		printf("  %-22s - %s\n", lhs, sorted[i].help);
	}
	free(sorted);
	return 0;
}

/* The "Formatting 'FILE', fmt=..." line, in qemu-img's option order. */
static void print_value(const char *name, const char *val)
{
	printf(" %s=", name);
	for (; *val; val++) {
		if (*val == ',')
			putchar(',');	/* commas are doubled, as in -o */
		putchar(*val);
	}
}

static void print_formatting(const char *file, const char *fmt,
			     const struct opt_set *opts)
{
	printf("Formatting '%s', fmt=%s", file, fmt);
	for (size_t i = 0; i < opts->count; i++) {
		if (opts->val[i].set)
			print_value(opts->desc[i].name, opts->val[i].str);
		else if (opts->desc[i].def)
			printf(" %s=%s", opts->desc[i].name, opts->desc[i].def);
	}
	printf("\n");
	fflush(stdout);
}

int cmd_create(int argc, char **argv)
{
	struct create_args a = { 0 };
	struct img_err err = { 0 };
	const struct opt_desc *desc;
	struct opt_set opts = { 0 };
	const char *fmt;
	size_t count;
	int status = 1;

	if (cmd_parse(&create_argp, "create", argc, argv, &a, &a.common))
		goto out;
	if (a.common.exit_now) {
		status = 0;
		goto out;
	}
	if (a.oom) {
		cmd_error("out of memory");
		goto out;
	}
	fmt = a.common.fmt ? a.common.fmt : "raw";
	if (img_create_opts(fmt, &desc, &count, &err) < 0) {
		cmd_print_err(&err);
		goto out;
	}
	if (a.options && opts_is_help(a.options)) {
		status = print_help(fmt, desc, count);
		goto out;
	}
	if (opts_init(&opts, desc, count) < 0) {
		cmd_error("out of memory");
		goto out;
	}
	if (a.options && opts_parse(&opts, a.options, &err) < 0) {
		cmd_error("'%s': %s", a.file, err.msg);
		goto out;
	}
	if ((a.backing || a.backing_fmt) && !opts_get(&opts, "backing_file")) {
		cmd_error("'%s': backing files are not supported by format '%s'",
			  a.file, fmt);
		goto out;
	}
	if ((a.backing && opts_set_str(&opts, "backing_file", a.backing,
				       &err) < 0) ||
	    (a.backing_fmt && opts_set_str(&opts, "backing_fmt",
					   a.backing_fmt, &err) < 0)) {
		cmd_print_err(&err);
		goto out;
	}
	if (a.size) {
		uint64_t v;
		int r = size_parse(a.size, &v);

		if (r == -ERANGE) {
			cmd_error("'%s': image size '%s' too large (at most 8 EiB)",
				  a.file, a.size);
			goto out;
		}
		if (r < 0) {
			cmd_error("'%s': invalid image size '%s' (a number with an optional k, M, G, T, P or E suffix)",
				  a.file, a.size);
			goto out;
		}
		if (opts_set_str(&opts, "size", a.size, &err) < 0) {
			cmd_print_err(&err);
			goto out;
		}
	}
	if (img_create_prepare(fmt, a.file, &opts,
			       a.unsafe ? IMG_CREATE_NO_BACKING_OPEN : 0,
			       &err) < 0) {
		cmd_print_err(&err);
		goto out;
	}
	if (!a.common.quiet)
		print_formatting(a.file, fmt, &opts);
	if (img_create(fmt, a.file, &opts, &err) < 0) {
		cmd_print_err(&err);
		goto out;
	}
	status = 0;
out:
	opts_free(&opts);
	free(a.options);
	return status;
}
