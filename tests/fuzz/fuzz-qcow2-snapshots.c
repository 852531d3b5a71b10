/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the qcow2 snapshot table parser.  The input starts with an 8-byte
 * prefix standing in for the header:
 *   0  4  nb_snapshots (big-endian; above the limit the input is skipped,
 *         as qcow2_meta_validate refuses such headers; so is a count
 *         far beyond what the table could hold, which validate also
 *         refuses against the file size and which would only make each
 *         run slow)
 *   4  1  cluster_bits (outside 9..21 the input is skipped)
 *   5  1  bit 0: extended L2 entries
 *   6  2  unused
 * The rest is the snapshot table.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../src/fmt/qcow2/qcow2.h"

#define PREFIX 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img_err err = { 0 };
	struct qcow2_header h;
	struct qcow2_snapshot *snaps = NULL;
	size_t need = 0, len;
	uint32_t nb;
	int ret;

	if (size < PREFIX)
		return 0;
	memset(&h, 0, sizeof(h));
	nb = be32_at(data);
	h.cluster_bits = data[4];
	len = size - PREFIX;
	if (nb > QCOW2_MAX_SNAPSHOTS ||
	    nb > len / sizeof(struct qcow2_disk_snapshot) + 16 ||
	    h.cluster_bits < QCOW2_MIN_CLUSTER_BITS ||
	    h.cluster_bits > QCOW2_MAX_CLUSTER_BITS)
		return 0;
	h.version = 3;
	h.header_length = QCOW2_V3_HEADER_FULL;
	h.refcount_order = 4;
	h.nb_snapshots = nb;
	if (data[5] & 1)
		h.incompatible_features |= QCOW2_INCOMPAT_EXTL2;

	ret = qcow2_snapshots_parse(data + PREFIX, len, nb, &h, &snaps, &need,
				    &err);
	/* The caller grows its buffer to need and tries again: it must grow. */
	if (ret == -EAGAIN && need <= len)
		__builtin_trap();
	if (ret == 0) {
		for (uint32_t i = 0; i < nb; i++)
			if (!snaps[i].id || !snaps[i].name)
				__builtin_trap();
		qcow2_snapshots_free(snaps, nb);
	}
	return 0;
}
