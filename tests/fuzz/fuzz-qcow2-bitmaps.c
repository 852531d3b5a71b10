/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the qcow2 bitmap directory parser.  The input starts with a
 * 24-byte prefix standing in for the header and its bitmaps extension:
 *   0  4  nb_bitmaps (big-endian; skipped when above the limit or when
 *         the directory cannot hold that many entries, as
 *         qcow2_meta_validate refuses both)
 *   4  1  cluster_bits (outside 9..21 the input is skipped)
 *   5  3  unused
 *   8  8  virtual disk size (big-endian, at most INT64_MAX)
 *  16  8  file size (big-endian)
 * The rest is the bitmap directory.
 */
#include <stdint.h>
#include <string.h>

#include "../../src/fmt/qcow2/qcow2.h"

#define PREFIX 24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img_err err = { 0 };
	struct qcow2_header h;
	struct qcow2_bitmap *bms = NULL;
	uint64_t file_size;
	size_t len;
	uint32_t nb;

	if (size < PREFIX)
		return 0;
	memset(&h, 0, sizeof(h));
	len = size - PREFIX;
	nb = be32_at(data);
	h.cluster_bits = data[4];
	h.size = be64_at(data + 8);
	file_size = be64_at(data + 16);
	if (nb == 0 || nb > QCOW2_MAX_BITMAPS ||
	    (uint64_t)nb * sizeof(struct qcow2_disk_bitmap_entry) > len ||
	    h.cluster_bits < QCOW2_MIN_CLUSTER_BITS ||
	    h.cluster_bits > QCOW2_MAX_CLUSTER_BITS ||
	    h.size > (uint64_t)INT64_MAX)
		return 0;
	h.version = 3;
	h.header_length = QCOW2_V3_HEADER_FULL;
	h.refcount_order = 4;
	h.autoclear_features = QCOW2_AUTOCLEAR_BITMAPS;

	if (qcow2_bitmaps_parse(data + PREFIX, len, nb, &h, file_size, &bms,
				&err) == 0) {
		for (uint32_t i = 0; i < nb; i++)
			if (!bms[i].name || !bms[i].name[0])
				__builtin_trap();
		qcow2_bitmaps_free(bms, nb);
	}
	return 0;
}
