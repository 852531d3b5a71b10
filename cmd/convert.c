/* SPDX-License-Identifier: MIT */
/*
 * imgtool convert: copy the guest data of one or more images (concatenated)
 * into a new image.  This release writes raw output; qcow2 and QED output,
 * -c, -B and --bitmaps arrive with the write path and are refused with
 * that reason until then.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/convert.h"
#include "../src/size.h"
#include "cmd.h"

#define MAX_INPUTS 256

struct convert_args {
	struct common_opts common;
	const char *out_fmt;
	const char *out_opts;
	const char *backing;
	const char *backing_fmt;
	bool compress, progress, no_create, out_of_order, bitmaps;
	bool target_is_zero;
	bool sync;		/* -t with a cache mode other than unsafe */
	uint64_t sparse;
	int workers;
	const char *files[MAX_INPUTS + 1];
	int nb_files;
};

enum { OPT_BITMAPS = 0x2000, OPT_TARGET_IS_ZERO, OPT_SALVAGE };

static const struct argp_option convert_options[] = {
	{ 0, 'O', "FMT", 0, "Output format (default raw)", 0 },
	{ 0, 'o', "OPTIONS", 0, "Create options for the output, as for create", 0 },
	{ 0, 'c', 0, 0, "Compress the output (qcow2)", 0 },
	{ 0, 'B', "BACKING_FILE", 0, "Make the output an overlay of this file", 0 },
	{ 0, 'F', "BACKING_FMT", 0, "Format of the -B backing file", 0 },
	{ 0, 'S', "SIZE", 0,
	  "Zero detection granularity (default 4k; 0: fully allocated output)", 0 },
	{ 0, 'n', 0, 0, "Write into an existing OUTPUT, do not create it", 0 },
	{ "target-is-zero", OPT_TARGET_IS_ZERO, 0, 0,
	  "With -n: the target already reads as zeros", 0 },
	{ 0, 'm', "N", 0, "Worker threads (1..16; default twice the processor count, at most 8)", 0 },
	{ 0, 'W', 0, 0, "Allow out-of-order writes to the output", 0 },
	{ "progress", 'p', 0, 0, "Show progress on stderr", 0 },
	{ "bitmaps", OPT_BITMAPS, 0, 0, "Copy persistent bitmaps (qcow2)", 0 },
	{ 0, 't', "CACHE", 0,
	  "Output cache mode; anything but 'unsafe' (the default) flushes the output to disk at the end", 0 },
	{ 0, 'T', "CACHE", OPTION_HIDDEN, "Source cache mode (ignored)", 0 },
	{ 0 }
};

static error_t convert_parser(int key, char *arg, struct argp_state *state)
{
	struct convert_args *a = state->input;
	uint64_t v;
	char *end;
	long m;

	switch (key) {
	case ARGP_KEY_INIT:
		cmd_argp_init(state, &a->common);
		return 0;
	case 'O':
		a->out_fmt = arg;
		return 0;
	case 'o':
		a->out_opts = arg;
		return 0;
	case 'c':
		a->compress = true;
		return 0;
	case 'B':
		a->backing = arg;
		return 0;
	case 'F':
		a->backing_fmt = arg;
		return 0;
	case 'S':
		if (size_parse(arg, &v) < 0 || v % 512 || v > (16u << 20)) {
			argp_error(state, "invalid sparse size '%s': valid sizes are multiples of 512 up to 16M; 0 disables zero detection (fully allocated output)",
				   arg);
			return EINVAL;
		}
		a->sparse = v;
		return 0;
	case 'n':
		a->no_create = true;
		return 0;
	case OPT_TARGET_IS_ZERO:
		a->target_is_zero = true;
		return 0;
	case 'm':
		errno = 0;
		m = strtol(arg, &end, 10);
		if (errno || *end || end == arg || m < 1 || m > 16) {
			argp_error(state, "invalid number of workers '%s' (1 to 16)",
				   arg);
			return EINVAL;
		}
		a->workers = (int)m;
		return 0;
	case 'W':
		a->out_of_order = true;
		return 0;
	case 'p':
		a->progress = true;
		return 0;
	case OPT_BITMAPS:
		a->bitmaps = true;
		return 0;
	case 't':
		if (strcmp(arg, "unsafe") && strcmp(arg, "writeback") &&
		    strcmp(arg, "none") && strcmp(arg, "writethrough") &&
		    strcmp(arg, "directsync")) {
			argp_error(state, "invalid cache mode '%s' (none, writeback, writethrough, directsync or unsafe)",
				   arg);
			return EINVAL;
		}
		a->sync = strcmp(arg, "unsafe") != 0;
		return 0;
	case 'T':
		return 0;
	case ARGP_KEY_ARG:
		if (a->nb_files > MAX_INPUTS) {
			argp_error(state, "too many images (at most %d inputs)",
				   MAX_INPUTS);
			return EINVAL;
		}
		a->files[a->nb_files++] = arg;
		return 0;
	case ARGP_KEY_END:
		if (a->nb_files < 2 && !a->common.exit_now) {
			argp_error(state, "expecting at least one input image and an output");
			return EINVAL;
		}
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child convert_children[] = {
	{ &common_fmt_argp, 0, 0, 0 },
	{ &common_quiet_argp, 0, 0, 0 },
	{ &common_share_argp, 0, 0, 0 },
	{ &common_help_argp, 0, 0, 0 },
	{ 0 }
};

static const struct argp convert_argp = {
	convert_options, convert_parser, "FILE [FILE2 ...] OUTPUT",
	"Copy the guest data of FILE (several files are concatenated) into "
	"OUTPUT.  OUTPUT '-' writes a raw image to standard output.",
	convert_children, 0, 0
};

/* Refuse what this release cannot write, with the reason. */
static int check_args(const struct convert_args *a)
{
	const char *fmt = a->out_fmt ? a->out_fmt : "raw";

	if (strcmp(fmt, "raw")) {
		if (!strcmp(fmt, "qcow2") || !strcmp(fmt, "qed"))
			cmd_error("convert: output format '%s' is not supported yet (this release writes raw; qcow2 and QED output come with the write path)",
				  fmt);
		else
			cmd_error("convert: unknown output format '%s' (supported: raw)",
				  fmt);
		return -1;
	}
	if (a->compress) {
		cmd_error("convert: compression is not supported for output format 'raw'");
		return -1;
	}
	if (a->backing) {
		cmd_error("convert: a backing file is not supported for output format 'raw'");
		return -1;
	}
	if (a->bitmaps) {
		cmd_error("convert: --bitmaps needs qcow2 output");
		return -1;
	}
	if (a->target_is_zero && !a->no_create) {
		cmd_error("convert: --target-is-zero requires use of -n flag");
		return -1;
	}
	if (a->no_create && a->out_opts) {
		cmd_error("convert: -o has no effect when skipping image creation (-n): the target exists");
		return -1;
	}
	return 0;
}

/* An input (or a layer below it) that is the output file itself. */
static const char *same_as_output(struct img **src, int n, const char *out)
{
	struct stat so, si;

	if (stat(out, &so) < 0)
		return NULL;
	for (int i = 0; i < n; i++)
		for (struct img *l = src[i]; l; l = l->backing)
			if (stat(l->filename, &si) == 0 &&
			    si.st_dev == so.st_dev && si.st_ino == so.st_ino)
				return l->filename;
	return NULL;
}

/* Create (or, with -n, open) the raw output. */
static int open_output(const struct convert_args *a, const char *out,
		       uint64_t total, struct io **io, bool *created,
		       struct img_err *err)
{
	struct opt_set opts;
	const struct opt_desc *desc;
	size_t count;
	uint64_t size;
	int ret;

	*created = false;
	if (!strcmp(out, "-"))
		return io_stream_open(STDOUT_FILENO, "-", io, err);
	if (a->no_create) {
		ret = io_posix_open(out, IO_RDWR, io, err);
		if (ret < 0)
			return ret;
		ret = io_size(*io, &size, err);
		if (ret == 0 && size < total)
			ret = img_err_set(err, EINVAL,
					  "'%s': output file is smaller than input file",
					  out);
		return ret;
	}
	ret = img_create_opts("raw", &desc, &count, err);
	if (ret < 0)
		return ret;
	if (opts_init(&opts, desc, count) < 0)
		return img_err_set(err, ENOMEM, "out of memory");
	ret = 0;
	if (a->out_opts)
		ret = opts_parse(&opts, a->out_opts, err);
	if (ret == 0) {
		char num[32];

		snprintf(num, sizeof(num), "%" PRIu64, total);
		ret = opts_set_str(&opts, "size", num, err);
	}
	if (ret == 0)
		ret = img_create_prepare("raw", out, &opts, 0, err);
	if (ret == 0)
		ret = img_create("raw", out, &opts, err);
	opts_free(&opts);
	if (ret < 0)
		return ret;
	*created = true;
	ret = io_posix_open(out, IO_RDWR, io, err);
	if (ret < 0)
		unlink(out);
	return ret;
}

int cmd_convert(int argc, char **argv)
{
	struct convert_args a = { .sparse = 4096 };
	struct img_err err = { 0 };
	struct img *src[MAX_INPUTS] = { 0 };
	struct img_convert_opts o = { 0 };
	struct cmd_progress prog = { .shown = -1 };
	struct io *out_io = NULL;
	const char *out, *dup;
	bool created = false;
	unsigned int flags = IMG_OPEN_BACKING | IMG_OPEN_DATA_FILE;
	int nb_src, status = 1;

	if (cmd_parse(&convert_argp, "convert", argc, argv, &a, &a.common))
		return 1;
	if (a.common.exit_now)
		return 0;
	if (check_args(&a) < 0)
		return 1;
	nb_src = a.nb_files - 1;
	out = a.files[nb_src];
	if (a.common.force_share)
		flags |= IMG_OPEN_FORCE_SHARE;
	for (int i = 0; i < nb_src; i++) {
		if (img_open(a.files[i], a.common.fmt, flags, &src[i], &err) < 0) {
			cmd_print_err(&err);
			goto out;
		}
		cmd_print_warnings(src[i]);
	}
	dup = strcmp(out, "-") ? same_as_output(src, nb_src, out) : NULL;
	if (dup) {
		cmd_error("convert: the output '%s' is the input image '%s'; refusing to overwrite it",
			  out, dup);
		goto out;
	}
	o.src = src;
	o.nb_src = (size_t)nb_src;
	if (open_output(&a, out, img_convert_size(&o), &out_io, &created,
			&err) < 0) {
		cmd_print_err(&err);
		goto out;
	}
	o.out = out_io;
	o.stream = !strcmp(out, "-");
	o.out_reads_zero = created || a.target_is_zero;
	o.sparse = a.sparse;
	o.in_order = !a.out_of_order;
	/*
	 * Two per processor: with writes in guest order, a worker waiting
	 * for its turn leaves its core to another one decoding.
	 */
	o.workers = a.workers ? a.workers : cmd_default_workers(2);
	if (a.progress && !a.common.quiet) {
		o.progress = cmd_progress;
		o.progress_ctx = &prog;
		cmd_progress(&prog, 0, 1);
	}
	if (img_convert_raw(&o, &err) < 0 ||
	    (a.sync && io_flush(out_io, &err) < 0)) {
		if (o.progress)
			cmd_progress_end(&prog);
		cmd_print_err(&err);
		goto out;
	}
	if (o.progress)
		cmd_progress_end(&prog);
	status = 0;
out:
	io_close(out_io);
	if (status && created)
		unlink(out);
	for (int i = 0; i < nb_src; i++)
		img_close(src[i]);
	img_thread_done();
	return status;
}
