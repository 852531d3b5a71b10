/* SPDX-License-Identifier: MIT */
/* argp children shared by the subcommands, and error printing. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

void cmd_argp_init(struct argp_state *state, struct common_opts *common)
{
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
	if (!strcmp(arg, "json")) {
		common_of(state)->json = true;
	} else if (!strcmp(arg, "human")) {
		common_of(state)->json = false;
	} else {
		argp_error(state, "--output must be 'human' or 'json', not '%s'",
			   arg);
		return EINVAL;
	}
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

/*
 * argp and getopt print their complaints (two lines, with "Try ...") on
 * stderr.  Capture them and print the first line only, as
 * "imgtool: CMD: message (see 'imgtool CMD --help')".
 */
int cmd_parse(const struct argp *argp, const char *cmdname, int argc,
	      char **argv, void *input, struct common_opts *common)
{
	char progname[64], msg[512] = "";
	FILE *cap;
	int saved;
	error_t ret;
	int idx;

	snprintf(progname, sizeof(progname), "imgtool %s", cmdname);
	argv[0] = progname;
	cap = tmpfile();
	fflush(stderr);
	saved = cap ? dup(STDERR_FILENO) : -1;
	if (saved >= 0)
		dup2(fileno(cap), STDERR_FILENO);
	ret = argp_parse(argp, argc, argv, ARGP_NO_EXIT | ARGP_NO_HELP, &idx,
			 input);
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
		rewind(cap);
		if (!fgets(msg, sizeof(msg), cap))
			msg[0] = '\0';
	}
	if (cap)
		fclose(cap);
	if (ret && !common->exit_now) {
		const char *m = msg;
		size_t n = strlen(progname);

		msg[strcspn(msg, "\n")] = '\0';
		if (!strncmp(m, progname, n) && !strncmp(m + n, ": ", 2))
			m += n + 2;
		if (!*m)
			m = "invalid arguments";
		cmd_error("%s: %s (see 'imgtool %s --help')", cmdname, m,
			  cmdname);
		return 1;
	}
	return 0;
}

void cmd_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct cmd_progress *p = ctx;
	int pct100 = total ? (int)(done * 10000 / total) : 10000;

	/* Every whole percent, in qemu-img's "(NN.NN/100%)" form. */
	if (p->shown >= 0 && pct100 / 100 == p->shown / 100 && pct100 != 10000)
		return;
	if (pct100 == p->shown)
		return;
	p->shown = pct100;
	fprintf(stderr, "    (%d.%02d/100%%)\r", pct100 / 100, pct100 % 100);
	fflush(stderr);
}

void cmd_progress_end(struct cmd_progress *p)
{
	if (p->shown >= 0)
		fputc('\n', stderr);
}

int cmd_default_workers(int per_cpu)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	n = (n < 1 ? 1 : n) * per_cpu;
	return n > 8 ? 8 : (int)n;
}

error_t cmd_one_file(int key, char *arg, struct argp_state *state,
		     const char **file, const struct common_opts *common)
{
	switch (key) {
	case ARGP_KEY_ARG:
		if (state->arg_num != 0) {
			argp_error(state, "too many arguments");
			return EINVAL;
		}
		*file = arg;
		return 0;
	case ARGP_KEY_END:
		if (!*file && !common->exit_now) {
			argp_error(state, "expecting an image file name");
			return EINVAL;
		}
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}
