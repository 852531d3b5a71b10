/* SPDX-License-Identifier: MIT */
/* The subcommand table: sorted by name, looked up by exact name. */
#include <string.h>

#include "cmd.h"

const struct cmd cmd_table[] = {
	{ "create", cmd_create, "Create a new disk image", CMD_WRITES },
	{ "info", cmd_info, "Show information about a disk image", CMD_JSON },
};

const size_t cmd_count = sizeof(cmd_table) / sizeof(cmd_table[0]);

const struct cmd *cmd_find(const char *name)
{
	for (size_t i = 0; i < cmd_count; i++)
		if (!strcmp(cmd_table[i].name, name))
			return &cmd_table[i];
	return NULL;
}
