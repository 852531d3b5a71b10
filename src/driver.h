/* SPDX-License-Identifier: MIT */
/*
 * The format driver interface.  Adding a format is adding a file and a
 * row in the table in driver.c; no command switches on the format.
 */
#ifndef IMG_DRIVER_H
#define IMG_DRIVER_H

#include "img.h"

struct driver {
	const char *name;
	/* How sure we are that buf (the file's first bytes) is ours: 0..100. */
	int (*probe)(const uint8_t *buf, size_t len);
	/* Parse and validate metadata; fill virtual_size and backing_*. */
	int (*open)(struct img *img, unsigned int flags, struct img_err *err);
	void (*close)(struct img *img);
	/* Fill the format's part of info (spec tree, snapshots, flags). */
	int (*info)(struct img *img, struct img_info *info,
		    struct img_err *err);
	/* Validate create options before any file is touched. */
	int (*create_check)(const char *filename, struct opt_set *opts,
			    struct img_err *err);
	/* Create on an already created, empty, writable file. */
	int (*create)(struct io *file, const char *filename,
		      struct opt_set *opts, struct img_err *err);
	const struct opt_desc *create_opts;	/* ends with a NULL name */
	/*
	 * The status of this layer from off (below the virtual size, len
	 * already clamped to it): DATA, ZERO, OFFSET_VALID, RECURSE and
	 * COMPRESSED; the generic layer adds ALLOCATED and EOF.  Safe to call
	 * from several threads.
	 */
	int (*block_status)(struct img *img, uint64_t off, uint64_t len,
			    struct img_status *st, struct img_err *err);
	/* Read a range block_status calls DATA without OFFSET_VALID. */
	int (*read_special)(struct img *img, uint64_t off, size_t len,
			    void *buf, struct img_err *err);
	/* Free what the calling thread cached (optional). */
	void (*thread_done)(void);
	bool supports_backing;
	bool has_cluster_size_info;
};

extern const struct driver qcow2_driver;
extern const struct driver qed_driver;
extern const struct driver raw_driver;

/* Helpers for drivers. */
int img_add_warning(struct img *img, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
