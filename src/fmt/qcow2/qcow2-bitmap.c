/* SPDX-License-Identifier: MIT */
/* qcow2 persistent dirty bitmaps: the bitmap directory. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../../size.h"
#include "qcow2.h"

/* A bitmap table may not describe more than 512 MiB of bitmap data. */
#define QCOW2_MAX_BITMAP_PHYS (512ULL << 20)

void qcow2_bitmaps_free(struct qcow2_bitmap *b, uint32_t nb)
{
	if (!b)
		return;
	for (uint32_t i = 0; i < nb; i++)
		free(b[i].name);
	free(b);
}

int qcow2_bitmaps_parse(const uint8_t *buf, size_t len, uint32_t nb,
			const struct qcow2_header *h, uint64_t file_size,
			struct qcow2_bitmap **out, struct img_err *err)
{
	uint64_t cs = 1ULL << h->cluster_bits;
	struct qcow2_bitmap *bms;
	uint64_t off = 0;
	int ret;

	bms = calloc(nb ? nb : 1, sizeof(*bms));
	if (!bms)
		return img_err_set(err, ENOMEM, "out of memory");
	for (uint32_t i = 0; i < nb; i++) {
		struct qcow2_bitmap *b = &bms[i];
		struct qcow2_disk_bitmap_entry d;
		uint64_t name_size, end, phys, covered;

		if (off + sizeof(d) > len) {
			ret = img_err_set(err, EINVAL,
					  "bitmap directory too short for %" PRIu32 " bitmaps",
					  nb);
			goto fail;
		}
		memcpy(&d, buf + off, sizeof(d));
		b->table_offset = be64_get(d.bitmap_table_offset);
		b->table_size = be32_get(d.bitmap_table_size);
		b->flags = be32_get(d.flags);
		b->type = d.type;
		b->granularity_bits = d.granularity_bits;
		name_size = be16_get(d.name_size);
		b->extra_data_size = be32_get(d.extra_data_size);
		end = off + sizeof(d) + b->extra_data_size + name_size;
		if (((end + 7) & ~7ULL) > len) {
			ret = img_err_set(err, EINVAL,
					  "bitmap %" PRIu32 ": entry runs past the bitmap directory",
					  i);
			goto fail;
		}
		b->name = malloc(name_size + 1);
		if (!b->name) {
			ret = img_err_set(err, ENOMEM, "out of memory");
			goto fail;
		}
		memcpy(b->name, buf + off + sizeof(d) + b->extra_data_size,
		       name_size);
		b->name[name_size] = '\0';
		off = (end + 7) & ~7ULL;

		if (name_size == 0 || name_size > QCOW2_MAX_BITMAP_NAME ||
		    memchr(b->name, 0, name_size)) {
			ret = img_err_set(err, EINVAL,
					  "bitmap %" PRIu32 ": invalid name length %" PRIu64,
					  i, name_size);
			goto fail;
		}
		if (b->type != 1) {
			ret = img_err_set(err, EINVAL,
					  "bitmap '%s': unknown type %u",
					  b->name, b->type);
			goto fail;
		}
		if (b->granularity_bits < QCOW2_MIN_GRANULARITY_BITS ||
		    b->granularity_bits > QCOW2_MAX_GRANULARITY_BITS) {
			ret = img_err_set(err, EINVAL,
					  "bitmap '%s': granularity_bits %u out of range (%d..%d)",
					  b->name, b->granularity_bits,
					  QCOW2_MIN_GRANULARITY_BITS,
					  QCOW2_MAX_GRANULARITY_BITS);
			goto fail;
		}
		if (b->flags & ~QCOW2_BITMAP_KNOWN_FLAGS) {
			ret = img_err_set(err, EINVAL,
					  "bitmap '%s': reserved flags %#" PRIx32 " set",
					  b->name, b->flags);
			goto fail;
		}
		if (b->extra_data_size &&
		    !(b->flags & QCOW2_BITMAP_EXTRA_COMPAT)) {
			ret = img_err_set(err, ENOTSUP,
					  "bitmap '%s': unknown extra data",
					  b->name);
			goto fail;
		}
		if (b->table_size > QCOW2_MAX_BITMAP_TABLE ||
		    (uint64_t)b->table_size * cs > QCOW2_MAX_BITMAP_PHYS) {
			ret = img_err_set(err, EFBIG,
					  "bitmap '%s': bitmap table too large (%" PRIu32 " entries)",
					  b->name, b->table_size);
			goto fail;
		}
		/* The table must describe the whole disk. */
		phys = (uint64_t)b->table_size * cs * 8;
		if (phys == 0)
			covered = 0;
		else if (__builtin_clzll(phys) <= b->granularity_bits)
			covered = UINT64_MAX;
		else
			covered = phys << b->granularity_bits;
		if (covered < h->size) {
			ret = img_err_set(err, EINVAL,
					  "bitmap '%s': bitmap table too small for the disk (%" PRIu32 " entries)",
					  b->name, b->table_size);
			goto fail;
		}
		if (b->table_offset == 0 || b->table_offset % cs ||
		    b->table_offset > file_size ||
		    (uint64_t)b->table_size * 8 > file_size - b->table_offset) {
			ret = img_err_set(err, EINVAL,
					  "bitmap '%s': bitmap table offset %#" PRIx64 " is misaligned or past the end of the file",
					  b->name, b->table_offset);
			goto fail;
		}
	}
	if (off != len) {
		ret = img_err_set(err, EINVAL,
				  "bitmap directory size %zu does not match its %" PRIu32 " entries (%" PRIu64 " bytes)",
				  len, nb, off);
		goto fail;
	}
	*out = bms;
	return 0;
fail:
	qcow2_bitmaps_free(bms, nb);
	return ret;
}
