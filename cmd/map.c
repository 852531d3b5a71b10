/* SPDX-License-Identifier: MIT */
/*
 * imgtool map: where the guest ranges of an image live, printed exactly
 * as qemu-img map (7.2) prints them, with qemu-img 8.2's "compressed" key
 * in JSON.  Runs of equal status are merged as qemu-img merges them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/size.h"
#include "cmd.h"

struct map_args {
	struct common_opts common;
	uint64_t start;
	uint64_t max_len;
	bool has_max_len;
	const char *file;
};

enum { OPT_START = 0x2000, OPT_MAX_LEN };

static const struct argp_option map_options[] = {
	{ "start-offset", OPT_START, "OFFSET", 0,
	  "Map from this guest offset (default 0)", 0 },
	{ "max-length", OPT_MAX_LEN, "LENGTH", 0,
	  "Map at most this many bytes", 0 },
	{ 0 }
};

static error_t map_parser(int key, char *arg, struct argp_state *state)
{
	struct map_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		cmd_argp_init(state, &a->common);
		return 0;
	case OPT_START:
		if (size_parse(arg, &a->start) < 0 || a->start > INT64_MAX) {
			argp_error(state, "invalid start offset '%s' (a byte count, with an optional k, M, G, T, P or E suffix)",
				   arg);
			return EINVAL;
		}
		return 0;
	case OPT_MAX_LEN:
		if (size_parse(arg, &a->max_len) < 0 ||
		    a->max_len > INT64_MAX) {
			argp_error(state, "invalid max length '%s' (a byte count, with an optional k, M, G, T, P or E suffix)",
				   arg);
			return EINVAL;
		}
		a->has_max_len = true;
		return 0;
	default:
		return cmd_one_file(key, arg, state, &a->file, &a->common);
	}
}

static const struct argp_child map_children[] = {
	{ &common_fmt_argp, 0, 0, 0 },
	{ &common_output_argp, 0, 0, 0 },
	{ &common_share_argp, 0, 0, 0 },
	{ &common_help_argp, 0, 0, 0 },
	{ 0 }
};

static const struct argp map_argp = {
	map_options, map_parser, "FILE",
	"Show where the guest data of the disk image FILE lives: which ranges "
	"are allocated, read as zeros or come from a backing file, and their "
	"host offsets.", map_children, 0, 0
};

struct entry {
	uint64_t start;
	uint64_t length;
	int depth;
	bool present, zero, data, compressed, has_offset;
	uint64_t offset;
	const char *filename;	/* with has_offset */
};

static bool mergeable(const struct entry *c, const struct entry *n)
{
	if (c->length == 0)
		return false;
	if (c->zero != n->zero || c->data != n->data ||
	    c->compressed != n->compressed || c->depth != n->depth ||
	    c->present != n->present || !c->filename != !n->filename ||
	    c->has_offset != n->has_offset)
		return false;
	if (c->filename && strcmp(c->filename, n->filename))
		return false;
	if (c->has_offset && c->offset + c->length != n->offset)
		return false;
	return true;
}

/* Print e; next (if any) is the entry that follows. */
static int dump(bool json, const struct entry *e, struct entry *next)
{
	if (json) {
		printf("{ \"start\": %" PRIu64 ", \"length\": %" PRIu64
		       ", \"depth\": %d, \"present\": %s, \"zero\": %s"
		       ", \"data\": %s, \"compressed\": %s",
		       e->start, e->length, e->depth,
		       e->present ? "true" : "false",
		       e->zero ? "true" : "false",
		       e->data ? "true" : "false",
		       e->compressed ? "true" : "false");
		if (e->has_offset)
			printf(", \"offset\": %" PRIu64, e->offset);
		putchar('}');
		if (next)
			fputs(",\n", stdout);
		return 0;
	}
	if (e->data && !e->has_offset) {
		fflush(stdout);
		cmd_error("File contains external, encrypted or compressed clusters.");
		return -1;
	}
	if (e->data && !e->zero)
		printf("%#-16" PRIx64 "%#-16" PRIx64 "%#-16" PRIx64 "%s\n",
		       e->start, e->length, e->has_offset ? e->offset : 0,
		       e->has_offset ? e->filename : "");
	/* The table ignores zero-versus-unallocated: merge those runs. */
	if (next && (!next->data || next->zero)) {
		next->data = false;
		next->zero = true;
	}
	return 0;
}

int cmd_map(int argc, char **argv)
{
	static char obuf[1 << 16];
	struct map_args a = { 0 };
	struct img_err err = { 0 };
	struct img *img = NULL;
	struct entry cur = { 0 }, next;
	uint64_t length;
	int status = 1;

	if (cmd_parse(&map_argp, "map", argc, argv, &a, &a.common))
		return 1;
	if (a.common.exit_now)
		return 0;
	if (img_open(a.file, a.common.fmt,
		     IMG_OPEN_BACKING | IMG_OPEN_DATA_FILE |
		     (a.common.force_share ? IMG_OPEN_FORCE_SHARE : 0),
		     &img, &err) < 0) {
		cmd_print_err(&err);
		return 1;
	}
	cmd_print_warnings(img);
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	length = img->virtual_size;
	if (a.has_max_len && a.max_len < length &&
	    a.start + a.max_len < length)
		length = a.start + a.max_len;
	if (a.common.json)
		putchar('[');
	else
		printf("%-16s%-16s%-16s%s\n", "Offset", "Length", "Mapped to",
		       "File");
	cur.start = a.start;
	while (cur.start + cur.length < length) {
		uint64_t off = cur.start + cur.length;
		struct img_status st;

		if (img_map_status(img, off, length - off, &st, &err) < 0) {
			fflush(stdout);
			cmd_print_err(&err);
			goto out;
		}
		next = (struct entry){
			.start = off,
			.length = st.len,
			.depth = st.depth,
			.present = st.flags & IMG_BS_ALLOCATED,
			.zero = st.flags & IMG_BS_ZERO,
			.data = st.flags & IMG_BS_DATA,
			.compressed = st.flags & IMG_BS_COMPRESSED,
			.has_offset = st.flags & IMG_BS_OFFSET_VALID,
			.offset = st.host,
			.filename = (st.flags & IMG_BS_OFFSET_VALID) ?
				    st.file->name : NULL,
		};
		if (mergeable(&cur, &next)) {
			cur.length += next.length;
			continue;
		}
		if (cur.length > 0 && dump(a.common.json, &cur, &next) < 0)
			goto out;
		cur = next;
	}
	if (dump(a.common.json, &cur, NULL) < 0)
		goto out;
	if (a.common.json)
		fputs("]\n", stdout);
	status = 0;
out:
	if (fflush(stdout) != 0 && status == 0) {
		cmd_error("error writing the map: %s", strerror(errno));
		status = 1;
	}
	img_close(img);
	img_thread_done();
	return status;
}
