/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the qcow2 header and cluster 0: qcow2_meta_parse on the input,
 * then qcow2_meta_validate as if the input were the whole file.  An
 * accepted header must survive a round trip through qcow2_header_to_disk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/fmt/qcow2/qcow2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every host field of two headers, the kept trailing bytes included. */
static int header_cmp(const struct qcow2_header *a,
		      const struct qcow2_header *b)
{
	if (a->version != b->version ||
	    a->backing_file_offset != b->backing_file_offset ||
	    a->backing_file_size != b->backing_file_size ||
	    a->cluster_bits != b->cluster_bits || a->size != b->size ||
	    a->crypt_method != b->crypt_method || a->l1_size != b->l1_size ||
	    a->l1_table_offset != b->l1_table_offset ||
	    a->refcount_table_offset != b->refcount_table_offset ||
	    a->refcount_table_clusters != b->refcount_table_clusters ||
	    a->nb_snapshots != b->nb_snapshots ||
	    a->snapshots_offset != b->snapshots_offset ||
	    a->incompatible_features != b->incompatible_features ||
	    a->compatible_features != b->compatible_features ||
	    a->autoclear_features != b->autoclear_features ||
	    a->refcount_order != b->refcount_order ||
	    a->header_length != b->header_length ||
	    a->compression_type != b->compression_type ||
	    a->extra_len != b->extra_len)
		return 1;
	return a->extra_len && memcmp(a->extra, b->extra, a->extra_len);
}

static void round_trip(const struct qcow2_header *h)
{
	struct qcow2_header again;
	struct img_err err = { 0 };
	uint8_t *buf;
	size_t n;

	buf = malloc(h->header_length);
	if (!buf)
		return;
	n = qcow2_header_to_disk(h, buf, h->header_length);
	if (n != h->header_length)
		__builtin_trap();
	if (qcow2_header_from_disk(buf, n, &again, &err) < 0)
		__builtin_trap();
	if (header_cmp(h, &again))
		__builtin_trap();
	free(again.extra);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img_err err = { 0 };
	struct qcow2_meta m;
	char name[96];

	if (qcow2_meta_parse(data, size, &m, &err) < 0)
		return 0;
	round_trip(&m.h);
	if (qcow2_meta_validate(&m, size, &err) == 0) {
		for (unsigned int bit = 0; bit < 64; bit += 9)
			qcow2_feature_describe(&m, (uint8_t)(bit % 3), bit,
					       name, sizeof(name));
	}
	qcow2_meta_free(&m);
	return 0;
}
