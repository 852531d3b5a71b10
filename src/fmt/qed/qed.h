/* SPDX-License-Identifier: MIT */
#ifndef QED_H
#define QED_H

#include "../../driver.h"
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

/* Parse and validate the 64-byte header (geometry checks included). */
int qed_header_from_disk(const uint8_t *buf, size_t len,
			 struct qed_header *h, struct img_err *err);
void qed_header_to_disk(const struct qed_header *h, uint8_t *buf);
/* Largest image the table geometry can address. */
uint64_t qed_max_image_size(uint32_t cluster_size, uint32_t table_size);

#endif
