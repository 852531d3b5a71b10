/* SPDX-License-Identifier: MIT */
/* imgtool: main, top-level options and dispatch. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: imgtool [--help] [--version] COMMAND [ARGS...]\n"
		"Create, inspect and check qcow2, QED and raw disk images.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < cmd_count; i++)
		fprintf(out, "  %-10s %s\n", cmd_table[i].name,
			cmd_table[i].summary);
	fprintf(out,
		"\n"
		"'imgtool COMMAND --help' lists the options of a command.\n"
		"Sizes take the suffixes k, M, G, T, P, E (powers of 1024).\n");
}

int main(int argc, char **argv)
{
	const struct cmd *cmd;

	if (argc < 2) {
		cmd_error("no command given (see 'imgtool --help')");
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("imgtool %s\n", IMGTOOL_VERSION);
		return 0;
	}
	if (argv[1][0] == '-') {
		cmd_error("unknown option '%s' (see 'imgtool --help')", argv[1]);
		return 1;
	}
	cmd = cmd_find(argv[1]);
	if (!cmd) {
		cmd_error("unknown command '%s' (see 'imgtool --help')", argv[1]);
		return 1;
	}
	return cmd->run(argc - 1, argv + 1);
}
