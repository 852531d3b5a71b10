/* SPDX-License-Identifier: MIT */
#ifndef QED_H
#define QED_H

#include <pthread.h>

#include "../../driver.h"
#include "../../tcache.h"
#include "qed-format.h"

struct qed_header {
	uint32_t cluster_size;
	uint32_t table_size;
	uint32_t header_size;
	uint64_t features;
	uint64_t compat_features;
	uint64_t autoclear_features;
	uint64_t l1_table_offset;
	uint64_t image_size;
	uint32_t backing_filename_offset;
	uint32_t backing_filename_size;
};

struct qed_state {
	struct qed_header h;
	uint64_t file_size;
	/* The read path (qed-table.c); lock guards the cache. */
	pthread_mutex_t lock;
	bool lock_init;
	uint64_t table_bytes;
	struct tcache cache;
};

int qed_read_init(struct qed_state *s, struct img_err *err);
void qed_read_fini(struct qed_state *s);
int qed_block_status(struct img *img, uint64_t off, uint64_t len,
		     struct img_status *st, struct img_err *err);

/* Parse and validate the 64-byte header (geometry checks included). */
int qed_header_from_disk(const uint8_t *buf, size_t len,
			 struct qed_header *h, struct img_err *err);
void qed_header_to_disk(const struct qed_header *h, uint8_t *buf);
/* Largest image the table geometry can address. */
uint64_t qed_max_image_size(uint32_t cluster_size, uint32_t table_size);

#endif
