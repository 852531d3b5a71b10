/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the QED header parser.  An accepted header must survive a round
 * trip through qed_header_to_disk, and its image size must fit the table
 * geometry.
 */
#include <stdint.h>
#include <string.h>

#include "../../src/fmt/qed/qed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img_err err = { 0 };
	struct qed_header h, again;
	uint8_t buf[sizeof(struct qed_disk_header)];

	memset(&h, 0, sizeof(h));
	if (qed_header_from_disk(data, size, &h, &err) < 0)
		return 0;
	if (h.image_size > qed_max_image_size(h.cluster_size, h.table_size))
		__builtin_trap();
	qed_header_to_disk(&h, buf);
	if (memcmp(buf, data, sizeof(buf)))
		__builtin_trap();
	memset(&again, 0, sizeof(again));
	if (qed_header_from_disk(buf, sizeof(buf), &again, &err) < 0)
		__builtin_trap();
	if (memcmp(&h, &again, sizeof(h)))
		__builtin_trap();
	return 0;
}
