/* SPDX-License-Identifier: MIT */
/*
 * imgtool compare: do two images hold the same guest data?  qemu-img's
 * messages and exit codes: 0 identical, 1 different, 2 open error,
 * 3 allocation (block status) error, 4 read error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/convert.h"
#include "cmd.h"

struct compare_args {
	struct common_opts common;
	const char *fmt2;
	bool strict;
	bool progress;
	const char *file[2];
};

static const struct argp_option compare_options[] = {
	{ 0, 'F', "FMT", 0, "Format of the second image (probed if absent)", 0 },
	{ "strict", 's', 0, 0,
	  "Strict mode: also fail when sizes or allocation differ", 0 },
	{ "progress", 'p', 0, 0, "Show progress on stderr", 0 },
	{ 0, 'T', "CACHE", OPTION_HIDDEN, "Source cache mode (ignored)", 0 },
	{ 0 }
};

static error_t compare_parser(int key, char *arg, struct argp_state *state)
{
	struct compare_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		cmd_argp_init(state, &a->common);
		return 0;
	case 'F':
		a->fmt2 = arg;
		return 0;
	case 's':
		a->strict = true;
		return 0;
	case 'p':
		a->progress = true;
		return 0;
	case 'T':
		return 0;
	case ARGP_KEY_ARG:
		if (state->arg_num >= 2) {
			argp_error(state, "too many arguments");
			return EINVAL;
		}
		a->file[state->arg_num] = arg;
		return 0;
	case ARGP_KEY_END:
		if (!a->file[1] && !a->common.exit_now) {
			argp_error(state, "expecting two image file names");
			return EINVAL;
		}
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child compare_children[] = {
	{ &common_fmt_argp, 0, 0, 0 },
	{ &common_quiet_argp, 0, 0, 0 },
	{ &common_share_argp, 0, 0, 0 },
	{ &common_help_argp, 0, 0, 0 },
	{ 0 }
};

static const struct argp compare_argp = {
	compare_options, compare_parser, "FILE1 FILE2",
	"Check whether two disk images hold the same guest data.  Exit status: "
	"0 identical, 1 different, 2 error opening an image, 3 error checking "
	"allocation, 4 error reading data.", compare_children, 0, 0
};

int cmd_compare(int argc, char **argv)
{
	struct compare_args a = { 0 };
	struct img_err err = { 0 };
	struct img *img[2] = { NULL, NULL };
	struct img_compare_opts o = { 0 };
	struct img_compare_result res;
	struct cmd_progress prog = { .shown = -1 };
	unsigned int flags = IMG_OPEN_BACKING | IMG_OPEN_DATA_FILE;
	int status = 2;

	if (cmd_parse(&compare_argp, "compare", argc, argv, &a, &a.common))
		return 1;
	if (a.common.exit_now)
		return 0;
	if (a.common.force_share)
		flags |= IMG_OPEN_FORCE_SHARE;
	for (int i = 0; i < 2; i++) {
		if (img_open(a.file[i], i ? a.fmt2 : a.common.fmt, flags,
			     &img[i], &err) < 0) {
			cmd_print_err(&err);
			goto out;
		}
		cmd_print_warnings(img[i]);
	}
	o.strict = a.strict;
	/* One per processor: two 2 MiB buffers each keep memory low. */
	o.workers = cmd_default_workers(1);
	o.name1 = a.file[0];
	o.name2 = a.file[1];
	if (a.progress && !a.common.quiet) {
		o.progress = cmd_progress;
		o.progress_ctx = &prog;
		cmd_progress(&prog, 0, 1);
	}
	if (img_compare(img[0], img[1], &o, &res, &err) < 0) {
		cmd_print_err(&err);
		status = 1;
		goto out;
	}
	if (o.progress)
		cmd_progress_end(&prog);
	if (res.size_warning && !a.common.quiet) {
		printf("Warning: Image size mismatch!\n");
		fflush(stdout);
	}
	if (res.code == IMG_CMP_STATUS_ERROR || res.code == IMG_CMP_READ_ERROR)
		cmd_print_err(&err);
	else if (!a.common.quiet)
		printf("%s\n", res.msg);
	status = res.code;
out:
	img_close(img[0]);
	img_close(img[1]);
	img_thread_done();
	return status;
}
