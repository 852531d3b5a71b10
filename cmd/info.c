/* SPDX-License-Identifier: MIT */
/* imgtool info: what an image is, in qemu-img's human or JSON layout. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/json.h"
#include "../src/size.h"
#include "cmd.h"

struct info_args {
	struct common_opts common;
	bool backing_chain;
	const char *file;
};

enum { OPT_BACKING_CHAIN = 0x2000 };

static const struct argp_option info_options[] = {
	{ "backing-chain", OPT_BACKING_CHAIN, 0, 0,
	  "Show every image of the backing chain", 0 },
	{ 0 }
};

static error_t info_parser(int key, char *arg, struct argp_state *state)
{
	struct info_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		cmd_argp_init(state, &a->common);
		return 0;
	case OPT_BACKING_CHAIN:
		a->backing_chain = true;
		return 0;
	default:
		return cmd_one_file(key, arg, state, &a->file, &a->common);
	}
}

static const struct argp_child info_children[] = {
	{ &common_fmt_argp, 0, 0, 0 },
	{ &common_output_argp, 0, 0, 0 },
	{ &common_share_argp, 0, 0, 0 },
	{ &common_help_argp, 0, 0, 0 },
	{ 0 }
};

static const struct argp info_argp = {
	info_options, info_parser, "FILE",
	"Show information about the disk image FILE.", info_children, 0, 0
};

static void json_tree(struct json *j, const struct itree *t)
{
	for (; t; t = t->next) {
		switch (t->type) {
		case ITREE_OBJECT:
			json_object_begin(j, t->key);
			json_tree(j, t->child);
			json_object_end(j);
			break;
		case ITREE_ARRAY:
			json_array_begin(j, t->key);
			json_tree(j, t->child);
			json_array_end(j);
			break;
		case ITREE_STRING:
			json_string(j, t->key, t->str);
			break;
		case ITREE_INT:
			json_int(j, t->key, t->num);
			break;
		case ITREE_BOOL:
			json_bool(j, t->key, t->b);
			break;
		}
	}
}

static void json_info(struct json *j, const struct img_info *in)
{
	json_object_begin(j, NULL);
	if (in->backing_fmt)
		json_string(j, "backing-filename-format", in->backing_fmt);
	if (in->has_snapshots) {
		json_array_begin(j, "snapshots");
		for (size_t i = 0; i < in->nb_snapshots; i++) {
			const struct img_snapshot *s = &in->snapshots[i];

			json_object_begin(j, NULL);
			if (s->icount >= 0)
				json_int(j, "icount", s->icount);
			json_uint(j, "vm-clock-nsec",
				  s->vm_clock_nsec % UINT64_C(1000000000));
			json_string(j, "name", s->name);
			json_uint(j, "date-sec", s->date_sec);
			json_uint(j, "date-nsec", s->date_nsec);
			json_uint(j, "vm-clock-sec",
				  s->vm_clock_nsec / UINT64_C(1000000000));
			json_string(j, "id", s->id);
			json_uint(j, "vm-state-size", s->vm_state_size);
			json_object_end(j);
		}
		json_array_end(j);
	}
	json_uint(j, "virtual-size", in->virtual_size);
	json_string(j, "filename", in->filename);
	if (in->has_cluster_size)
		json_uint(j, "cluster-size", in->cluster_size);
	json_string(j, "format", in->format);
	if (in->actual_size >= 0)
		json_int(j, "actual-size", in->actual_size);
	if (in->spec_type) {
		json_object_begin(j, "format-specific");
		json_string(j, "type", in->spec_type);
		json_object_begin(j, "data");
		json_tree(j, in->spec ? in->spec->child : NULL);
		json_object_end(j);
		json_object_end(j);
	}
	if (in->full_backing_filename)
		json_string(j, "full-backing-filename",
			    in->full_backing_filename);
	if (in->backing_filename)
		json_string(j, "backing-filename", in->backing_filename);
	if (in->encrypted)
		json_bool(j, "encrypted", true);
	json_bool(j, "dirty-flag", in->dirty);
	json_object_end(j);
}

static void human_tree(const struct itree *t, int indent)
{
	int i = 0;

	for (; t; t = t->next, i++) {
		bool composite = t->type == ITREE_OBJECT ||
				 t->type == ITREE_ARRAY;

		if (t->key) {
			printf("%*s", indent * 4, "");
			for (const char *k = t->key; *k; k++)
				putchar(*k == '-' ? ' ' : *k);
			printf(":%c", composite ? '\n' : ' ');
		} else {
			printf("%*s[%d]:%c", indent * 4, "", i,
			       composite ? '\n' : ' ');
		}
		switch (t->type) {
		case ITREE_OBJECT:
		case ITREE_ARRAY:
			human_tree(t->child, indent + 1);
			break;
		case ITREE_STRING:
			printf("%s\n", t->str);
			break;
		case ITREE_INT:
			printf("%" PRId64 "\n", t->num);
			break;
		case ITREE_BOOL:
			printf("%s\n", t->b ? "true" : "false");
			break;
		}
	}
}

static void human_snapshot(const struct img_snapshot *s)
{
	char date[32] = "", clock[48], vmsize[32], icount[32] = "";
	uint64_t secs = s->vm_clock_nsec / UINT64_C(1000000000);
	time_t t = (time_t)s->date_sec;
	struct tm tm;

	if (localtime_r(&t, &tm))
		strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(clock, sizeof(clock), "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64,
		 secs / 3600, (secs / 60) % 60, secs % 60,
		 (s->vm_clock_nsec / UINT64_C(1000000)) % 1000);
	size_format(s->vm_state_size, vmsize, sizeof(vmsize));
	if (s->icount >= 0)
		snprintf(icount, sizeof(icount), "%" PRId64, s->icount);
	printf("%-9s %-16s %8s%20s%13s%11s\n", s->id, s->name, vmsize, date,
	       clock, icount);
}

static void human_info(const struct img_info *in)
{
	char vsize[32], dsize[32];

	size_format(in->virtual_size, vsize, sizeof(vsize));
	if (in->actual_size >= 0)
		size_format((uint64_t)in->actual_size, dsize, sizeof(dsize));
	else
		snprintf(dsize, sizeof(dsize), "unavailable");
	printf("image: %s\nfile format: %s\nvirtual size: %s (%" PRIu64 " bytes)\ndisk size: %s\n",
	       in->filename, in->format, vsize, in->virtual_size, dsize);
	if (in->encrypted)
		printf("encrypted: yes\n");
	if (in->has_cluster_size)
		printf("cluster_size: %" PRIu64 "\n", in->cluster_size);
	if (in->dirty)
		printf("cleanly shut down: no\n");
	if (in->backing_filename) {
		printf("backing file: %s", in->backing_filename);
		if (!in->full_backing_filename)
			printf(" (cannot determine actual path)");
		else if (strcmp(in->backing_filename, in->full_backing_filename))
			printf(" (actual path: %s)", in->full_backing_filename);
		printf("\n");
		if (in->backing_fmt)
			printf("backing file format: %s\n", in->backing_fmt);
	}
	if (in->has_snapshots) {
		printf("Snapshot list:\n");
		printf("%-10s%-17s%8s%20s%13s%11s\n", "ID", "TAG", "VM SIZE",
		       "DATE", "VM CLOCK", "ICOUNT");
		for (size_t i = 0; i < in->nb_snapshots; i++)
			human_snapshot(&in->snapshots[i]);
	}
	if (in->spec_type && in->spec && in->spec->child) {
		printf("Format specific information:\n");
		human_tree(in->spec->child, 1);
	}
}

int cmd_info(int argc, char **argv)
{
	struct info_args a = { 0 };
	struct img_err err = { 0 };
	struct img *img = NULL;
	struct json j;
	unsigned int flags;
	int status = 1;

	if (cmd_parse(&info_argp, "info", argc, argv, &a, &a.common))
		return 1;
	if (a.common.exit_now)
		return 0;
	flags = IMG_OPEN_DATA_FILE;
	if (a.backing_chain)
		flags |= IMG_OPEN_BACKING;
	if (a.common.force_share)
		flags |= IMG_OPEN_FORCE_SHARE;
	if (img_open(a.file, a.common.fmt, flags, &img, &err) < 0) {
		cmd_print_err(&err);
		return 1;
	}
	cmd_print_warnings(img);
	json_init(&j);
	if (a.common.json && a.backing_chain)
		json_array_begin(&j, NULL);
	for (struct img *cur = img; cur; cur = cur->backing) {
		struct img_info in;

		if (img_info(cur, &in, &err) < 0) {
			cmd_print_err(&err);
			itree_free(in.spec);
			json_free(&j);
			goto out;
		}
		if (a.common.json) {
			json_info(&j, &in);
		} else {
			if (cur != img)
				printf("\n");
			human_info(&in);
		}
		itree_free(in.spec);
		if (!a.backing_chain)
			break;
	}
	if (a.common.json) {
		char *doc;

		if (a.backing_chain)
			json_array_end(&j);
		doc = json_finish(&j);
		if (!doc) {
			cmd_error("out of memory");
			goto out;
		}
		printf("%s\n", doc);
		free(doc);
	}
	status = 0;
out:
	img_close(img);
	return status;
}
