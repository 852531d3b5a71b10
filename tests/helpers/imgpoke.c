/* SPDX-License-Identifier: MIT */
/*
 * imgpoke: dump and set qcow2/QED header fields and raw bytes, so test
 * scripts can break images in precise ways.
 *
 *   imgpoke FILE dump
 *   imgpoke FILE set FIELD VALUE
 *   imgpoke FILE setbit|clearbit incompatible|compatible|autoclear|features BIT
 *   imgpoke FILE poke OFFSET HEXBYTES
 *   imgpoke FILE peek OFFSET LENGTH
 *   imgpoke FILE be64|be32|be16|le64|le32 OFFSET VALUE
 *   imgpoke FILE ext
 *
 * Numbers are decimal or 0x hex.  The format (qcow2 or QED) comes from
 * the magic, so header fields of a file whose magic is already broken
 * can only be reached with poke and the integer writers.  Errors: one
 * line on stderr, exit status 1.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/endian.h"
#include "../../src/fmt/qcow2/qcow2-format.h"
#include "../../src/fmt/qed/qed-format.h"
#include "../../src/io.h"

struct poke_field {
	const char *name;
	size_t off;
	unsigned int width;	/* bytes: 1, 2, 4 or 8 */
	bool hex;		/* dump in hex: magic and feature masks */
};

#define FIELD_OF(type, f, hex) \
	{ #f, offsetof(struct type, f), sizeof(((struct type *)0)->f), hex }
#define Q2(f, hex) FIELD_OF(qcow2_disk_header, f, hex)
#define QED(f, hex) FIELD_OF(qed_disk_header, f, hex)

/* In on-disk order; the v2 header ends before incompatible_features. */
static const struct poke_field qcow2_fields[] = {
	Q2(magic, true),
	Q2(version, false),
	Q2(backing_file_offset, false),
	Q2(backing_file_size, false),
	Q2(cluster_bits, false),
	Q2(size, false),
	Q2(crypt_method, false),
	Q2(l1_size, false),
	Q2(l1_table_offset, false),
	Q2(refcount_table_offset, false),
	Q2(refcount_table_clusters, false),
	Q2(nb_snapshots, false),
	Q2(snapshots_offset, false),
	Q2(incompatible_features, true),
	Q2(compatible_features, true),
	Q2(autoclear_features, true),
	Q2(refcount_order, false),
	Q2(header_length, false),
	Q2(compression_type, false),
};

static const struct poke_field qed_fields[] = {
	QED(magic, true),
	QED(cluster_size, false),
	QED(table_size, false),
	QED(header_size, false),
	QED(features, true),
	QED(compat_features, true),
	QED(autoclear_features, true),
	QED(l1_table_offset, false),
	QED(image_size, false),
	QED(backing_filename_offset, false),
	QED(backing_filename_size, false),
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum poke_fmt { FMT_NONE, FMT_QCOW2, FMT_QED };

struct poke_fmt_desc {
	const char *name;
	const struct poke_field *fields;
	size_t nb_fields;
	bool big_endian;
};

static const struct poke_fmt_desc fmts[] = {
	[FMT_QCOW2] = { "qcow2", qcow2_fields, ARRAY_SIZE(qcow2_fields), true },
	[FMT_QED] = { "qed", qed_fields, ARRAY_SIZE(qed_fields), false },
};

/* Feature-mask names for setbit/clearbit, per format. */
struct poke_mask {
	const char *kind;
	const char *field;
};

static const struct poke_mask qcow2_masks[] = {
	{ "incompatible", "incompatible_features" },
	{ "features", "incompatible_features" },
	{ "compatible", "compatible_features" },
	{ "autoclear", "autoclear_features" },
};

static const struct poke_mask qed_masks[] = {
	{ "incompatible", "features" },
	{ "features", "features" },
	{ "compatible", "compat_features" },
	{ "autoclear", "autoclear_features" },
};

static const char *prog = "imgpoke";

static void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(void) __attribute__((noreturn));

static void usage(void)
{
	die("usage: imgpoke FILE dump | set FIELD VALUE | setbit|clearbit KIND BIT | poke OFFSET HEXBYTES | peek OFFSET LENGTH | be64|be32|be16|le64|le32 OFFSET VALUE | ext");
}

/* Decimal or 0x hex, the whole string, no sign. */
static uint64_t parse_num(const char *what, const char *s)
{
	const char *digits = s;
	int base = 10;
	char *end;
	uint64_t v;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		digits = s + 2;
	}
	if (!*digits || *digits == '-' || *digits == '+' || *digits == ' ')
		die("invalid %s '%s'", what, s);
	errno = 0;
	v = strtoull(digits, &end, base);
	if (errno || *end)
		die("invalid %s '%s'", what, s);
	return v;
}

static struct io *open_file(const char *path, bool rw)
{
	struct img_err err = { 0 };
	struct io *io = NULL;

	if (io_posix_open(path, rw ? IO_RDWR : 0, &io, &err) < 0)
		die("%s", err.msg);
	return io;
}

static void read_at(struct io *io, void *buf, size_t len, uint64_t off)
{
	struct img_err err = { 0 };

	if (io_read(io, buf, len, off, &err) < 0)
		die("%s", err.msg);
}

/* Bytes past the end of the file read as zero. */
static void read_zfill(struct io *io, void *buf, size_t len, uint64_t off)
{
	struct img_err err = { 0 };

	if (io_read_zfill(io, buf, len, off, &err) < 0)
		die("%s", err.msg);
}

static void write_at(struct io *io, const void *buf, size_t len, uint64_t off)
{
	struct img_err err = { 0 };

	if (io_write(io, buf, len, off, &err) < 0)
		die("%s", err.msg);
}

static uint64_t file_size(struct io *io)
{
	struct img_err err = { 0 };
	uint64_t size;

	if (io_size(io, &size, &err) < 0)
		die("%s", err.msg);
	return size;
}

static void close_file(struct io *io)
{
	struct img_err err = { 0 };

	if (io->writable && io_flush(io, &err) < 0)
		die("%s", err.msg);
	io_close(io);
}

static enum poke_fmt detect(struct io *io)
{
	uint8_t m[4] = { 0 };

	read_zfill(io, m, sizeof(m), 0);
	if (be32_at(m) == QCOW2_MAGIC)
		return FMT_QCOW2;
	if (le32_get(*(const struct le32 *)m) == QED_MAGIC)
		return FMT_QED;
	return FMT_NONE;
}

static const struct poke_field *find_field(enum poke_fmt f, const char *name)
{
	for (size_t i = 0; i < fmts[f].nb_fields; i++)
		if (!strcmp(fmts[f].fields[i].name, name))
			return &fmts[f].fields[i];
	return NULL;
}

/* Decode width (1, 2, 4 or 8) bytes at p, big- or little-endian. */
static uint64_t get_int(const uint8_t *p, unsigned int width, bool be)
{
	switch (width) {
	case 1:
		return p[0];
	case 2:
		return be ? be16_at(p) : le16_get(*(const struct le16 *)p);
	case 4:
		return be ? be32_at(p) : le32_get(*(const struct le32 *)p);
	default:
		return be ? be64_at(p) : le64_at(p);
	}
}

/* The caller has checked that v fits in width bytes. */
static void put_int(uint8_t *p, unsigned int width, bool be, uint64_t v)
{
	switch (width) {
	case 1:
		p[0] = (uint8_t)v;
		break;
	case 2:
		if (be)
			be16_set(p, (uint16_t)v);
		else
			*(struct le16 *)p = le16_put((uint16_t)v);
		break;
	case 4:
		if (be)
			be32_set(p, (uint32_t)v);
		else
			*(struct le32 *)p = le32_put((uint32_t)v);
		break;
	default:
		if (be)
			be64_set(p, v);
		else
			le64_set(p, v);
		break;
	}
}

static bool fits(uint64_t v, unsigned int width)
{
	return width >= 8 || v < (UINT64_C(1) << (8 * width));
}

static uint64_t read_field(struct io *io, enum poke_fmt f,
			   const struct poke_field *fl)
{
	uint8_t b[8];

	read_zfill(io, b, fl->width, fl->off);
	return get_int(b, fl->width, fmts[f].big_endian);
}

static void write_field(struct io *io, enum poke_fmt f,
			const struct poke_field *fl, uint64_t v)
{
	uint8_t b[8];

	if (!fits(v, fl->width))
		die("value %#" PRIx64 " does not fit in %s (%u bytes)", v,
		    fl->name, fl->width);
	put_int(b, fl->width, fmts[f].big_endian, v);
	write_at(io, b, fl->width, fl->off);
}

static enum poke_fmt need_fmt(struct io *io)
{
	enum poke_fmt f = detect(io);

	if (f == FMT_NONE)
		die("'%s': not a qcow2 or QED image (unknown magic)", io->name);
	return f;
}

static int cmd_dump(struct io *io)
{
	enum poke_fmt f = need_fmt(io);
	size_t n = fmts[f].nb_fields;

	if (f == FMT_QCOW2) {
		uint32_t version = (uint32_t)read_field(io, f,
						find_field(f, "version"));
		uint32_t hlen = (uint32_t)read_field(io, f,
						find_field(f, "header_length"));

		/* v2 stops at 72 bytes; compression_type needs a long header. */
		if (version == 2)
			n = 13;
		else if (hlen <= QCOW2_V3_HEADER_LEN)
			n = ARRAY_SIZE(qcow2_fields) - 1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct poke_field *fl = &fmts[f].fields[i];
		uint64_t v = read_field(io, f, fl);

		if (fl->hex)
			printf("%s %#" PRIx64 "\n", fl->name, v);
		else
			printf("%s %" PRIu64 "\n", fl->name, v);
	}
	return 0;
}

static int cmd_set(struct io *io, const char *name, const char *val)
{
	enum poke_fmt f = need_fmt(io);
	const struct poke_field *fl = find_field(f, name);

	if (!fl)
		die("unknown %s field '%s'", fmts[f].name, name);
	write_field(io, f, fl, parse_num("value", val));
	return 0;
}

static int cmd_bit(struct io *io, const char *kind, const char *bitstr,
		   bool set)
{
	enum poke_fmt f = need_fmt(io);
	const struct poke_mask *masks = f == FMT_QCOW2 ? qcow2_masks : qed_masks;
	const struct poke_field *fl = NULL;
	uint64_t bit, v;

	for (size_t i = 0; i < ARRAY_SIZE(qcow2_masks); i++)
		if (!strcmp(masks[i].kind, kind))
			fl = find_field(f, masks[i].field);
	if (!fl)
		die("unknown feature kind '%s' (incompatible, compatible, autoclear, features)",
		    kind);
	bit = parse_num("bit", bitstr);
	if (bit > 63)
		die("bit %" PRIu64 " out of range (0..63)", bit);
	v = read_field(io, f, fl);
	if (set)
		v |= UINT64_C(1) << bit;
	else
		v &= ~(UINT64_C(1) << bit);
	write_field(io, f, fl, v);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int cmd_poke(struct io *io, const char *offstr, const char *hex)
{
	uint64_t off = parse_num("offset", offstr);
	size_t len = strlen(hex), n = 0;
	uint8_t *buf;

	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
		hex += 2;
		len -= 2;
	}
	if (len == 0 || len % 2)
		die("invalid hex bytes '%s' (need an even number of digits)",
		    hex);
	buf = malloc(len / 2);
	if (!buf)
		die("out of memory");
	for (size_t i = 0; i < len; i += 2) {
		int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);

		if (hi < 0 || lo < 0)
			die("invalid hex bytes '%s'", hex);
		buf[n++] = (uint8_t)(hi << 4 | lo);
	}
	write_at(io, buf, n, off);
	free(buf);
	return 0;
}

static int cmd_peek(struct io *io, const char *offstr, const char *lenstr)
{
	uint64_t off = parse_num("offset", offstr);
	uint64_t len = parse_num("length", lenstr);
	uint8_t *buf;

	if (len == 0 || len > (1U << 20))
		die("length %" PRIu64 " out of range (1..1048576)", len);
	buf = malloc((size_t)len);
	if (!buf)
		die("out of memory");
	read_at(io, buf, (size_t)len, off);
	for (size_t i = 0; i < len; i++)
		printf("%02x", buf[i]);
	printf("\n");
	free(buf);
	return 0;
}

static int cmd_int(struct io *io, const char *type, const char *offstr,
		   const char *valstr)
{
	static const struct {
		const char *name;
		unsigned int width;
		bool be;
	} types[] = {
		{ "be16", 2, true },
		{ "be32", 4, true },
		{ "be64", 8, true },
		{ "le16", 2, false },
		{ "le32", 4, false },
		{ "le64", 8, false },
	};
	uint64_t off = parse_num("offset", offstr);
	uint64_t v = parse_num("value", valstr);
	uint8_t b[8];

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		if (strcmp(types[i].name, type))
			continue;
		if (!fits(v, types[i].width))
			die("value %#" PRIx64 " does not fit in %s", v, type);
		put_int(b, types[i].width, types[i].be, v);
		write_at(io, b, types[i].width, off);
		return 0;
	}
	usage();
}

/*
 * List the header extensions of a qcow2 image: "offset type length", one
 * per line, offset being that of the type field.  Stops at the end marker,
 * at the backing file name or at the end of cluster 0, whichever is first.
 */
static int cmd_ext(struct io *io)
{
	enum poke_fmt f = need_fmt(io);
	uint64_t version, hlen, cbits, bfo, cs, end, off, size;

	if (f != FMT_QCOW2)
		die("'%s': header extensions exist only in qcow2", io->name);
	version = read_field(io, f, find_field(f, "version"));
	cbits = read_field(io, f, find_field(f, "cluster_bits"));
	bfo = read_field(io, f, find_field(f, "backing_file_offset"));
	hlen = version == 2 ? QCOW2_V2_HEADER_LEN :
	       read_field(io, f, find_field(f, "header_length"));
	cs = cbits >= 9 && cbits <= 21 ? UINT64_C(1) << cbits : 65536;
	size = file_size(io);
	end = bfo && bfo < cs ? bfo : cs;
	if (end > size)
		end = size;
	for (off = hlen; off + 8 <= end;) {
		uint8_t e[8];
		uint32_t type, len;

		read_at(io, e, sizeof(e), off);
		type = be32_at(e);
		len = be32_at(e + 4);
		if (type == QCOW2_EXT_END)
			break;
		printf("%" PRIu64 " %#010" PRIx32 " %" PRIu32 "\n", off, type,
		       len);
		off += 8 + (((uint64_t)len + 7) & ~UINT64_C(7));
	}
	return 0;
}

/* Thin adapters so every command fits one table row. */
static int do_dump(struct io *io, char **a)
{
	(void)a;
	return cmd_dump(io);
}

static int do_ext(struct io *io, char **a)
{
	(void)a;
	return cmd_ext(io);
}

static int do_set(struct io *io, char **a)
{
	return cmd_set(io, a[0], a[1]);
}

static int do_setbit(struct io *io, char **a)
{
	return cmd_bit(io, a[0], a[1], true);
}

static int do_clearbit(struct io *io, char **a)
{
	return cmd_bit(io, a[0], a[1], false);
}

static int do_poke(struct io *io, char **a)
{
	return cmd_poke(io, a[0], a[1]);
}

static int do_peek(struct io *io, char **a)
{
	return cmd_peek(io, a[0], a[1]);
}

static int do_int(struct io *io, char **a)
{
	return cmd_int(io, a[-1], a[0], a[1]);
}

/* Sorted by name. */
static const struct poke_cmd {
	const char *name;
	int nargs;
	bool writes;
	int (*fn)(struct io *io, char **args);
} cmds[] = {
	{ "be16", 2, true, do_int },
	{ "be32", 2, true, do_int },
	{ "be64", 2, true, do_int },
	{ "clearbit", 2, true, do_clearbit },
	{ "dump", 0, false, do_dump },
	{ "ext", 0, false, do_ext },
	{ "le16", 2, true, do_int },
	{ "le32", 2, true, do_int },
	{ "le64", 2, true, do_int },
	{ "peek", 2, false, do_peek },
	{ "poke", 2, true, do_poke },
	{ "set", 2, true, do_set },
	{ "setbit", 2, true, do_setbit },
};

int main(int argc, char **argv)
{
	const struct poke_cmd *c = NULL;
	struct io *io;
	int ret;

	if (argc < 3)
		usage();
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmds[i].name, argv[2]))
			c = &cmds[i];
	if (!c || argc != 3 + c->nargs)
		usage();
	io = open_file(argv[1], c->writes);
	ret = c->fn(io, argv + 3);
	close_file(io);
	return ret;
}
