/* SPDX-License-Identifier: MIT */
/* argp children shared by the subcommands, and error printing. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

void cmd_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("imgtool: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cmd_print_err(const struct img_err *err)
{
	cmd_error("%s", err->msg[0] ? err->msg : "unknown error");
}

void cmd_print_warnings(const struct img *img)
{
	for (; img; img = img->backing)
		for (int i = 0; i < img->nb_warnings; i++)
			fprintf(stderr, "imgtool: warning: %s\n",
				img->warnings[i]);
}

FILE *cmd_argp_errs;

void cmd_argp_init(struct argp_state *state, struct common_opts *common)
{
	if (cmd_argp_errs)
		state->err_stream = cmd_argp_errs;
	for (size_t i = 0; state->root_argp->children &&
			   state->root_argp->children[i].argp; i++)
		state->child_inputs[i] = common;
}

enum {
	OPT_OUTPUT = 0x1000,
	OPT_USAGE,
	OPT_HELP,
};

static struct common_opts *common_of(struct argp_state *state)
{
	return state->input;
}

static error_t fmt_parser(int key, char *arg, struct argp_state *state)
{
	if (key != 'f')
		return ARGP_ERR_UNKNOWN;
	common_of(state)->fmt = arg;
	return 0;
}

static const struct argp_option fmt_options[] = {
	{ "format", 'f', "FMT", 0,
	  "Image format (qcow2, qed, raw); probed when omitted", 0 },
	{ 0 }
};

const struct argp common_fmt_argp = { fmt_options, fmt_parser, 0, 0, 0, 0, 0 };

static error_t output_parser(int key, char *arg, struct argp_state *state)
{
	if (key != OPT_OUTPUT)
		return ARGP_ERR_UNKNOWN;
	if (!strcmp(arg, "json"))
		common_of(state)->json = true;
	else if (!strcmp(arg, "human"))
		common_of(state)->json = false;
	else
		argp_error(state, "--output must be 'human' or 'json', not '%s'",
			   arg);
	return 0;
}

static const struct argp_option output_options[] = {
	{ "output", OPT_OUTPUT, "FMT", 0, "Output format: human or json", 0 },
	{ 0 }
};

const struct argp common_output_argp = {
	output_options, output_parser, 0, 0, 0, 0, 0
};

static error_t quiet_parser(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	if (key != 'q')
		return ARGP_ERR_UNKNOWN;
	common_of(state)->quiet = true;
	return 0;
}

static const struct argp_option quiet_options[] = {
	{ "quiet", 'q', 0, 0, "Print errors only", 0 },
	{ 0 }
};

const struct argp common_quiet_argp = {
	quiet_options, quiet_parser, 0, 0, 0, 0, 0
};

static error_t share_parser(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	if (key != 'U')
		return ARGP_ERR_UNKNOWN;
	common_of(state)->force_share = true;
	return 0;
}

static const struct argp_option share_options[] = {
	{ "force-share", 'U', 0, 0,
	  "Open the image without taking locks (read-only use)", 0 },
	{ 0 }
};

const struct argp common_share_argp = {
	share_options, share_parser, 0, 0, 0, 0, 0
};

static error_t help_parser(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	switch (key) {
	case 'h':
	case OPT_HELP:
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		common_of(state)->exit_now = true;
		return 0;
	case OPT_USAGE:
		argp_state_help(state, stdout,
				ARGP_HELP_USAGE);
		common_of(state)->exit_now = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_option help_options[] = {
	{ "help", 'h', 0, 0, "Give this help list", -1 },
	{ "usage", OPT_USAGE, 0, 0, "Give a short usage message", -1 },
	{ 0 }
};

const struct argp common_help_argp = {
	help_options, help_parser, 0, 0, 0, 0, 0
};

int cmd_parse(const struct argp *argp, const char *cmdname, int argc,
	      char **argv, void *input, struct common_opts *common)
{
	char progname[64];
	char *captured = NULL;
	size_t captured_len = 0;
	FILE *errs;
	error_t ret;
	int idx;
	(void)common;

	snprintf(progname, sizeof(progname), "imgtool %s", cmdname);
	argv[0] = progname;
	errs = open_memstream(&captured, &captured_len);
	if (!errs) {
		cmd_error("out of memory");
		return 1;
	}
	cmd_argp_errs = errs;
	ret = argp_parse(argp, argc, argv, ARGP_NO_EXIT | ARGP_NO_HELP, &idx,
			 input);
	cmd_argp_errs = NULL;
	fclose(errs);
	if (ret && !common->exit_now) {
		char *nl = captured ? strchr(captured, '\n') : NULL;

		if (nl)
			*nl = '\0';
		fflush(stdout);
		if (captured && captured[0])
			fprintf(stderr, "%s (see 'imgtool %s --help')\n",
				captured, cmdname);
		else
			fprintf(stderr, "imgtool %s: invalid arguments (see 'imgtool %s --help')\n",
				cmdname, cmdname);
		free(captured);
		return 1;
	}
	free(captured);
	return 0;
}
