/* SPDX-License-Identifier: MIT */
/*
 * The one header cmd/ includes: opening images with their backing chain
 * and data file, info, create.  Every function returns 0 or -errno and
 * explains a failure in the img_err passed last.
 */
#ifndef IMG_IMG_H
#define IMG_IMG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "infotree.h"
#include "io.h"
#include "opts.h"

/* How deep a backing chain may be before we call it a loop. */
#define IMG_MAX_CHAIN 64

enum {
	IMG_OPEN_RDWR = 1 << 0,
	IMG_OPEN_BACKING = 1 << 1,	/* open the whole backing chain */
	IMG_OPEN_FORCE_SHARE = 1 << 2,	/* -U: take no locks */
	IMG_OPEN_DATA_FILE = 1 << 3,	/* open the external data file */
};

struct driver;

struct img {
	const struct driver *drv;
	struct io *file;
	char *filename;
	void *priv;			/* the driver's state */
	uint64_t virtual_size;

	/* What the image records about its backing file. */
	char *backing_name;		/* NULL: none */
	char *backing_fmt;		/* NULL: not recorded */
	char *backing_full;		/* resolved against our folder */
	struct img *backing;		/* opened with IMG_OPEN_BACKING */

	/* Messages for the user that are not errors (cmd/ prints them). */
	char *warnings[4];
	int nb_warnings;
};

struct img_snapshot {
	char *id;
	char *name;
	uint64_t date_sec;
	uint32_t date_nsec;
	uint64_t vm_clock_nsec;
	uint64_t vm_state_size;
	int64_t icount;			/* -1: not recorded */
};

struct img_info {
	const char *filename;
	const char *format;
	uint64_t virtual_size;
	int64_t actual_size;		/* -1: unavailable */
	bool has_cluster_size;
	uint64_t cluster_size;
	bool dirty;
	bool encrypted;
	const char *backing_filename;
	const char *full_backing_filename;
	const char *backing_fmt;
	bool has_snapshots;
	struct img_snapshot *snapshots;	/* owned by the image */
	size_t nb_snapshots;
	const char *spec_type;		/* "qcow2", or NULL for none */
	struct itree *spec;		/* owned by the caller: itree_free */
};

/* fmt NULL probes.  With IMG_OPEN_BACKING the chain is opened too. */
int img_open(const char *filename, const char *fmt, unsigned int flags,
	     struct img **out, struct img_err *err);
/*
 * Open an image on an already open file (the image takes ownership of
 * file, also on failure).  No backing chain, no data file: used by unit
 * tests and fuzz targets on memory files.
 */
int img_open_io(struct io *file, const char *name, const char *fmt,
		unsigned int flags, struct img **out, struct img_err *err);
void img_close(struct img *img);

int img_info(struct img *img, struct img_info *info, struct img_err *err);

/* The driver table, sorted by name. */
const struct driver *img_driver_find(const char *name);
size_t img_driver_count(void);
const struct driver *img_driver_at(size_t i);
const char *img_driver_name(const struct driver *drv);

/* Probe an open file; returns the best driver (raw as a last resort). */
const struct driver *img_probe(struct io *file, const char *filename,
			       struct img_err *err);

/* The create options of a format, in qemu-img's print order. */
int img_create_opts(const char *fmt, const struct opt_desc **desc,
		    size_t *count, struct img_err *err);

enum {
	IMG_CREATE_NO_BACKING_OPEN = 1 << 0,	/* -u */
};

/*
 * Create an image, after img_create_prepare succeeded on the same opts
 * (it opens the backing file once and fills in a missing size).  On
 * failure the file is removed, never left half-written.
 */
/*
 * The checks of img_create without writing anything: options, backing
 * file, size (filled in from the backing file when missing).
 */
int img_create_prepare(const char *fmt, const char *filename,
		       struct opt_set *opts, unsigned int flags,
		       struct img_err *err);
int img_create(const char *fmt, const char *filename, struct opt_set *opts,
	       struct img_err *err);

/*
 * Block status, with qemu's flags and meanings, so map and compare print
 * what qemu-img prints.
 */
enum {
	IMG_BS_DATA = 1 << 0,		/* the layer stores bytes here */
	IMG_BS_ZERO = 1 << 1,		/* reads as zeros */
	IMG_BS_OFFSET_VALID = 1 << 2,	/* host and file are set */
	IMG_BS_ALLOCATED = 1 << 3,	/* this layer decides the content */
	IMG_BS_EOF = 1 << 4,		/* the run reaches the end of the image */
	IMG_BS_RECURSE = 1 << 5,	/* ask the host file about holes */
	IMG_BS_COMPRESSED = 1 << 6,	/* compressed clusters */
};

struct img_status {
	unsigned int flags;
	uint64_t len;			/* > 0 */
	uint64_t host;			/* with IMG_BS_OFFSET_VALID */
	struct io *file;		/* with IMG_BS_OFFSET_VALID */
	int depth;			/* layer that answered (0: the top) */
	struct img *layer;		/* that layer */
};

/*
 * The status of [off, off + len) in this layer alone (off below the
 * virtual size): the longest run from off that shares one status.
 */
int img_block_status(struct img *img, uint64_t off, uint64_t len,
		     struct img_status *st, struct img_err *err);
/*
 * Down the backing chain until a layer says data or zero, as qemu-img map
 * does; st->depth names that layer.
 */
int img_map_status(struct img *img, uint64_t off, uint64_t len,
		   struct img_status *st, struct img_err *err);
/*
 * Down the chain until a layer allocates the range, as qemu's
 * block_status_above (used by compare and convert).
 */
int img_status_above(struct img *img, uint64_t off, uint64_t len,
		     struct img_status *st, struct img_err *err);
/*
 * Read guest bytes, through the backing chain; safe to call from several
 * threads at once on one image.  A reference past the end of a host file
 * is an error naming the guest offset, never silent zeros.
 */
int img_read(struct img *img, uint64_t off, size_t len, void *buf,
	     struct img_err *err);
/*
 * Read [off, off + len) of img (len <= st->len) by the status st that
 * img_status_above returned for off, without looking it up again.
 */
int img_read_status(struct img *img, const struct img_status *st,
		    uint64_t off, size_t len, void *buf, struct img_err *err);
/* Free what the calling thread cached for reading (decompressors). */
void img_thread_done(void);

/* Resolve a backing name against the folder of the image naming it. */
char *img_path_combine(const char *base, const char *name);

#endif
