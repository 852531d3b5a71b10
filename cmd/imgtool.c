/* SPDX-License-Identifier: MIT */
/*
 * imgtool: main, the subcommand table, top-level options and dispatch.
 * The unit tests link this file with main renamed to imgtool_main (see
 * the Makefile), so they can check the table and the dispatch.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* Sorted by name; looked up by exact name only. */
const struct cmd cmd_table[] = {
	{ "compare", cmd_compare, "Check whether two disk images hold the same data", 0 },
	{ "convert", cmd_convert, "Copy a disk image into another format", CMD_WRITES },
	{ "create", cmd_create, "Create a new disk image", CMD_WRITES },
	{ "info", cmd_info, "Show information about a disk image", CMD_JSON },
	{ "map", cmd_map, "Show where the data of a disk image lives", CMD_JSON },
};

const size_t cmd_count = sizeof(cmd_table) / sizeof(cmd_table[0]);

const struct cmd *cmd_find(const char *name)
{
	for (size_t i = 0; i < cmd_count; i++)
		if (!strcmp(cmd_table[i].name, name))
			return &cmd_table[i];
	return NULL;
}

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
