/* SPDX-License-Identifier: MIT */
/*
 * QED on-disk layout (docs/interop/qed_spec.rst).  Little-endian.
 *
 *   off size  field
 *     0   4   magic "QED\0"
 *     4   4   cluster_size (power of two, 4 KiB..64 MiB)
 *     8   4   table_size (clusters per L1/L2 table: power of two, 1..16)
 *    12   4   header_size (clusters in the header)
 *    16   8   features (incompatible)
 *    24   8   compat_features
 *    32   8   autoclear_features
 *    40   8   l1_table_offset (cluster-aligned)
 *    48   8   image_size (multiple of 512, within table geometry)
 *    56   4   backing_filename_offset (inside the header clusters)
 *    60   4   backing_filename_size
 *
 * Table entries are 64-bit offsets: 0 unallocated, 1 a zero cluster,
 * otherwise a cluster-aligned file offset.
 */
#ifndef QED_FORMAT_H
#define QED_FORMAT_H

#include <stddef.h>

#include "../../endian.h"

#define QED_MAGIC 0x00444551U	/* "QED\0" little-endian */

struct qed_disk_header {
	struct le32 magic;
	struct le32 cluster_size;
	struct le32 table_size;
	struct le32 header_size;
	struct le64 features;
	struct le64 compat_features;
	struct le64 autoclear_features;
	struct le64 l1_table_offset;
	struct le64 image_size;
	struct le32 backing_filename_offset;
	struct le32 backing_filename_size;
};
_Static_assert(sizeof(struct qed_disk_header) == 64, "QED header size");
_Static_assert(offsetof(struct qed_disk_header, image_size) == 48,
	       "QED header layout");

#define QED_F_BACKING_FILE		UINT64_C(0x01)
#define QED_F_NEED_CHECK		UINT64_C(0x02)
#define QED_F_BACKING_FORMAT_NO_PROBE	UINT64_C(0x04)
#define QED_FEATURES_KNOWN		UINT64_C(0x07)
#define QED_COMPAT_KNOWN		UINT64_C(0x00)
#define QED_AUTOCLEAR_KNOWN		UINT64_C(0x00)

#define QED_MIN_CLUSTER_SIZE	(4U << 10)
#define QED_MAX_CLUSTER_SIZE	(64U << 20)
#define QED_MIN_TABLE_SIZE	1U
#define QED_MAX_TABLE_SIZE	16U
#define QED_DEFAULT_CLUSTER_SIZE (64U << 10)
#define QED_DEFAULT_TABLE_SIZE	4U
#define QED_MAX_BACKING_NAME	1023U

#endif
