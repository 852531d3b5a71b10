/* SPDX-License-Identifier: MIT */
/* The command layer: argument parsing, printing, exit codes. */
#ifndef IMGTOOL_CMD_H
#define IMGTOOL_CMD_H

#include <argp.h>
#include <stdbool.h>
#include <stdio.h>

#include "../src/img.h"

#define IMGTOOL_VERSION "0.1.0"

enum {
	CMD_WRITES = 1 << 0,	/* may modify an image */
	CMD_JSON = 1 << 1,	/* has --output=json */
};

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	unsigned int flags;
};

/* Sorted by name; exact-name lookup only. */
extern const struct cmd cmd_table[];
extern const size_t cmd_count;
const struct cmd *cmd_find(const char *name);
/* main() itself, as the unit tests see it (built with -Dmain=imgtool_main). */
int imgtool_main(int argc, char **argv);

/* Options shared by several commands, filled by the argp children. */
struct common_opts {
	const char *fmt;
	bool json;
	bool quiet;
	bool force_share;
	bool exit_now;		/* --help or --version was handled */
};

extern const struct argp common_fmt_argp;	/* -f */
extern const struct argp common_output_argp;	/* --output */
extern const struct argp common_quiet_argp;	/* -q */
extern const struct argp common_share_argp;	/* -U */
extern const struct argp common_help_argp;	/* --help, --usage */

/* Call from a subcommand parser's ARGP_KEY_INIT: hands children their input. */
void cmd_argp_init(struct argp_state *state, struct common_opts *common);

/*
 * Run argp for a subcommand.  Usage errors print one line and return 1;
 * --help prints and sets common->exit_now.  Returns 0 to go on.
 */
int cmd_parse(const struct argp *argp, const char *cmdname, int argc,
	      char **argv, void *input, struct common_opts *common);

/* ARGP_KEY_ARG and ARGP_KEY_END of a command that takes one FILE. */
error_t cmd_one_file(int key, char *arg, struct argp_state *state,
		     const char **file, const struct common_opts *common);

/* Print "imgtool: message" on stderr. */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cmd_print_err(const struct img_err *err);
void cmd_print_warnings(const struct img *img);

/* -p: a progress line on stderr, redrawn in place. */
struct cmd_progress {
	int shown;		/* hundredths of a percent; -1: nothing yet */
};
void cmd_progress(void *ctx, uint64_t done, uint64_t total);
void cmd_progress_end(struct cmd_progress *p);
/* Worker threads: per_cpu for each processor, at most 8. */
int cmd_default_workers(int per_cpu);

int cmd_compare(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_map(int argc, char **argv);

#endif
