/* SPDX-License-Identifier: MIT */
/* qcow2 host-side state, shared by the qcow2 source files. */
#ifndef QCOW2_H
#define QCOW2_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../../tcache.h"

#include "../../driver.h"
#include "qcow2-format.h"

/* The header, in host byte order. */
struct qcow2_header {
	uint32_t version;
	uint64_t backing_file_offset;
	uint32_t backing_file_size;
	uint32_t cluster_bits;
	uint64_t size;
	uint32_t crypt_method;
	uint32_t l1_size;
	uint64_t l1_table_offset;
	uint64_t refcount_table_offset;
	uint32_t refcount_table_clusters;
	uint32_t nb_snapshots;
	uint64_t snapshots_offset;
	uint64_t incompatible_features;
	uint64_t compatible_features;
	uint64_t autoclear_features;
	uint32_t refcount_order;
	uint32_t header_length;
	uint8_t compression_type;
	/* Bytes of the header past the fields we know, kept as found. */
	uint32_t extra_len;
	uint8_t *extra;
};

struct qcow2_feature_name {
	uint8_t type;
	uint8_t bit;
	char name[47];
};

/* An extension we do not know: kept verbatim for header rewrites. */
struct qcow2_unknown_ext {
	uint32_t type;
	uint32_t len;
	uint8_t *data;
};

struct qcow2_snapshot {
	uint64_t l1_table_offset;
	uint32_t l1_size;
	char *id;
	char *name;
	uint32_t date_sec;
	uint32_t date_nsec;
	uint64_t vm_clock_nsec;
	uint64_t vm_state_size;
	bool has_disk_size;
	uint64_t disk_size;
	bool has_icount;
	uint64_t icount;
	uint32_t extra_data_size;	/* as recorded */
	uint8_t *extra;			/* extra data beyond what we know */
};

struct qcow2_bitmap {
	uint64_t table_offset;
	uint32_t table_size;
	uint32_t flags;
	uint8_t type;
	uint8_t granularity_bits;
	char *name;
	uint32_t extra_data_size;
};

/* Everything cluster 0 says. */
struct qcow2_meta {
	struct qcow2_header h;
	char *backing_name;
	char *backing_fmt;
	char *data_file;
	struct qcow2_feature_name *features;
	uint32_t nb_features;
	bool has_bitmaps_ext;
	uint32_t nb_bitmaps;
	uint64_t bitmap_dir_size;
	uint64_t bitmap_dir_offset;
	uint32_t bitmaps_reserved;	/* must be 0 when the bitmaps are live */
	bool has_crypto_ext;
	uint64_t crypto_offset;
	uint64_t crypto_length;
	struct qcow2_unknown_ext *unknown;
	uint32_t nb_unknown;
	uint32_t cap_unknown;
};

struct qcow2_state {
	struct qcow2_meta m;
	uint64_t cluster_size;
	uint64_t file_size;
	struct qcow2_snapshot *snapshots;
	struct img_snapshot *img_snapshots;	/* the same, for info */
	struct qcow2_bitmap *bitmaps;
	uint32_t nb_bitmaps;
	struct io *data_io;			/* external data file */

	/* The read path (qcow2-cluster.c); lock guards everything below. */
	pthread_mutex_t lock;
	bool lock_init;
	struct tcache l1c;			/* 64 KiB slices of the L1 table */
	struct tcache l2c;			/* whole L2 tables, refblocks */
	bool prealloc_checked;
	bool metadata_prealloc;			/* allocated clusters may be holes */
};

/* qcow2-cluster.c: block status and compressed reads. */
int qcow2_read_init(struct img *img, struct img_err *err);
void qcow2_read_fini(struct qcow2_state *s);
int qcow2_block_status(struct img *img, uint64_t off, uint64_t len,
		       struct img_status *st, struct img_err *err);
int qcow2_read_special(struct img *img, uint64_t off, size_t len, void *buf,
		       struct img_err *err);

/* qcow2-compress.c: one compressed cluster, decoded by this thread. */
enum {
	QCOW2_DECODE_OK = 0,
	QCOW2_DECODE_SHORT = 1,		/* fewer bytes than a cluster */
	QCOW2_DECODE_LONG = 2,		/* more bytes than a cluster */
	QCOW2_DECODE_BAD = 3,		/* not a valid stream */
	QCOW2_DECODE_NOMEM = 4,
};
int qcow2_decode(unsigned int type, const uint8_t *src, size_t slen,
		 uint8_t *dst, size_t dlen);
/* Thread-local scratch memory for compressed reads (grown, kept). */
uint8_t *qcow2_scratch(unsigned int which, size_t len);
void qcow2_thread_done(void);

/*
 * Parsers: each takes the bytes it reads and validates every field before
 * use.  The header parser checks what the header alone can show; the
 * extension parser needs cluster 0; qcow2_meta_validate checks tables
 * against the file size.
 */
int qcow2_header_from_disk(const uint8_t *buf, size_t len,
			   struct qcow2_header *h, struct img_err *err);
/* Write the header (header_length bytes, 72 for v2) into buf. */
size_t qcow2_header_to_disk(const struct qcow2_header *h, uint8_t *buf,
			    size_t len);
int qcow2_meta_parse(const uint8_t *cluster0, size_t len,
		     struct qcow2_meta *m, struct img_err *err);
int qcow2_meta_validate(const struct qcow2_meta *m, uint64_t file_size,
			struct img_err *err);
void qcow2_meta_free(struct qcow2_meta *m);
/* Name a feature bit from the image's table, else generically. */
void qcow2_feature_describe(const struct qcow2_meta *m, uint8_t type,
			    unsigned int bit, char *buf, size_t len);

/*
 * Parse nb snapshot entries from buf.  Returns -EAGAIN with *need set
 * when buf is too short to hold them all.
 */
int qcow2_snapshots_parse(const uint8_t *buf, size_t len, uint32_t nb,
			  const struct qcow2_header *h,
			  struct qcow2_snapshot **out, size_t *need,
			  struct img_err *err);
void qcow2_snapshots_free(struct qcow2_snapshot *s, uint32_t nb);

int qcow2_bitmaps_parse(const uint8_t *buf, size_t len, uint32_t nb,
			const struct qcow2_header *h, uint64_t file_size,
			struct qcow2_bitmap **out, struct img_err *err);
void qcow2_bitmaps_free(struct qcow2_bitmap *b, uint32_t nb);

int qcow2_create(struct io *file, const char *filename, struct opt_set *opts,
		 struct img_err *err);
int qcow2_create_check(const char *filename, struct opt_set *opts,
		       struct img_err *err);
extern const struct opt_desc qcow2_create_opts[];

static inline uint64_t qcow2_l2_entries(const struct qcow2_header *h)
{
	uint64_t cs = 1ULL << h->cluster_bits;

	return (h->incompatible_features & QCOW2_INCOMPAT_EXTL2) ?
	       cs / 16 : cs / 8;
}

#endif
