/* SPDX-License-Identifier: MIT */
/*
 * qcow2 on-disk layout (docs/interop/qcow2.rst in the QEMU tree).
 * Everything is big-endian.  Host code never touches these structs except
 * through qcow2_header_from_disk / qcow2_header_to_disk and friends.
 *
 * Header (cluster 0):
 *   off size  field
 *     0   4   magic "QFI\xfb"
 *     4   4   version (2 or 3)
 *     8   8   backing_file_offset (0: none; must lie in cluster 0)
 *    16   4   backing_file_size (<= 1023)
 *    20   4   cluster_bits (9..21)
 *    24   8   size (virtual disk size in bytes)
 *    32   4   crypt_method (0 none, 1 AES, 2 LUKS)
 *    36   4   l1_size (entries)
 *    40   8   l1_table_offset
 *    48   8   refcount_table_offset
 *    56   4   refcount_table_clusters
 *    60   4   nb_snapshots
 *    64   8   snapshots_offset
 *   --- version 3 only ---
 *    72   8   incompatible_features
 *    80   8   compatible_features
 *    88   8   autoclear_features
 *    96   4   refcount_order (0..6: width 1 << order bits)
 *   100   4   header_length (>= 104, multiple of 8)
 *   104   1   compression_type (if header_length > 104)
 *   105   7   padding
 *
 * Header extensions follow at header_length (72 for v2): type (4),
 * length (4), data padded to 8 bytes; type 0 ends the list.  They must end
 * before the backing file name, or the end of cluster 0.
 *
 * Snapshot table entry (8-byte aligned, variable length):
 *     0   8   l1_table_offset
 *     8   4   l1_size
 *    12   2   id_str_size
 *    14   2   name_size
 *    16   4   date_sec
 *    20   4   date_nsec
 *    24   8   vm_clock_nsec
 *    32   4   vm_state_size (32-bit; see extra data)
 *    36   4   extra_data_size
 *    40   ..  extra data: vm_state_size_large (8), disk_size (8), icount (8)
 *        ..   id_str, name, padding to 8
 *
 * Bitmap directory entry (8-byte aligned, variable length):
 *     0   8   bitmap_table_offset
 *     8   4   bitmap_table_size (entries)
 *    12   4   flags (bit 0 in-use, bit 1 auto, bit 2 extra data compatible)
 *    16   1   type (1: dirty tracking)
 *    17   1   granularity_bits (9..31)
 *    18   2   name_size
 *    20   4   extra_data_size
 *    24   ..  extra data, name, padding to 8
 */
#ifndef QCOW2_FORMAT_H
#define QCOW2_FORMAT_H

#include <stddef.h>

#include "../../endian.h"

#define QCOW2_MAGIC 0x514649fbU	/* "QFI\xfb" */

struct qcow2_disk_header {
	struct be32 magic;
	struct be32 version;
	struct be64 backing_file_offset;
	struct be32 backing_file_size;
	struct be32 cluster_bits;
	struct be64 size;
	struct be32 crypt_method;
	struct be32 l1_size;
	struct be64 l1_table_offset;
	struct be64 refcount_table_offset;
	struct be32 refcount_table_clusters;
	struct be32 nb_snapshots;
	struct be64 snapshots_offset;
	/* version 3 */
	struct be64 incompatible_features;
	struct be64 compatible_features;
	struct be64 autoclear_features;
	struct be32 refcount_order;
	struct be32 header_length;
	uint8_t compression_type;
	uint8_t padding[7];
};

#define QCOW2_V2_HEADER_LEN 72
#define QCOW2_V3_HEADER_LEN 104	/* without compression_type */
#define QCOW2_V3_HEADER_FULL 112	/* with compression_type and padding */

_Static_assert(offsetof(struct qcow2_disk_header, l1_table_offset) == 40,
	       "qcow2 header layout");
_Static_assert(offsetof(struct qcow2_disk_header, incompatible_features) == 72,
	       "qcow2 header layout");
_Static_assert(offsetof(struct qcow2_disk_header, header_length) == 100,
	       "qcow2 header layout");
_Static_assert(offsetof(struct qcow2_disk_header, compression_type) == 104,
	       "qcow2 header layout");
_Static_assert(sizeof(struct qcow2_disk_header) == QCOW2_V3_HEADER_FULL,
	       "qcow2 header size");

struct qcow2_disk_ext {
	struct be32 type;
	struct be32 len;
};

#define QCOW2_EXT_END			0x00000000U
#define QCOW2_EXT_BACKING_FORMAT	0xe2792acaU
#define QCOW2_EXT_FEATURE_TABLE		0x6803f857U
#define QCOW2_EXT_BITMAPS		0x23852875U
#define QCOW2_EXT_CRYPTO_HEADER		0x0537be77U
#define QCOW2_EXT_DATA_FILE		0x44415441U

struct qcow2_disk_feature {
	uint8_t type;		/* 0 incompatible, 1 compatible, 2 autoclear */
	uint8_t bit;
	char name[46];
};
_Static_assert(sizeof(struct qcow2_disk_feature) == 48, "feature entry");

struct qcow2_disk_bitmaps_ext {
	struct be32 nb_bitmaps;
	struct be32 reserved;
	struct be64 bitmap_directory_size;
	struct be64 bitmap_directory_offset;
};
_Static_assert(sizeof(struct qcow2_disk_bitmaps_ext) == 24, "bitmaps ext");

struct qcow2_disk_crypto_ext {
	struct be64 offset;
	struct be64 length;
};
_Static_assert(sizeof(struct qcow2_disk_crypto_ext) == 16, "crypto ext");

struct qcow2_disk_snapshot {
	struct be64 l1_table_offset;
	struct be32 l1_size;
	struct be16 id_str_size;
	struct be16 name_size;
	struct be32 date_sec;
	struct be32 date_nsec;
	struct be64 vm_clock_nsec;
	struct be32 vm_state_size;
	struct be32 extra_data_size;
};
_Static_assert(sizeof(struct qcow2_disk_snapshot) == 40, "snapshot entry");

struct qcow2_disk_snapshot_extra {
	struct be64 vm_state_size_large;
	struct be64 disk_size;
	struct be64 icount;
};
_Static_assert(sizeof(struct qcow2_disk_snapshot_extra) == 24, "snap extra");

struct qcow2_disk_bitmap_entry {
	struct be64 bitmap_table_offset;
	struct be32 bitmap_table_size;
	struct be32 flags;
	uint8_t type;
	uint8_t granularity_bits;
	struct be16 name_size;
	struct be32 extra_data_size;
};
_Static_assert(sizeof(struct qcow2_disk_bitmap_entry) == 24, "bitmap entry");

/* Feature bits. */
#define QCOW2_INCOMPAT_DIRTY		(UINT64_C(1) << 0)
#define QCOW2_INCOMPAT_CORRUPT		(UINT64_C(1) << 1)
#define QCOW2_INCOMPAT_DATA_FILE	(UINT64_C(1) << 2)
#define QCOW2_INCOMPAT_COMPRESSION	(UINT64_C(1) << 3)
#define QCOW2_INCOMPAT_EXTL2		(UINT64_C(1) << 4)
#define QCOW2_INCOMPAT_KNOWN		UINT64_C(0x1f)

#define QCOW2_COMPAT_LAZY_REFCOUNTS	(UINT64_C(1) << 0)

#define QCOW2_AUTOCLEAR_BITMAPS		(UINT64_C(1) << 0)
#define QCOW2_AUTOCLEAR_DATA_FILE_RAW	(UINT64_C(1) << 1)
#define QCOW2_AUTOCLEAR_KNOWN		UINT64_C(0x3)

#define QCOW2_CRYPT_NONE	0
#define QCOW2_CRYPT_AES		1
#define QCOW2_CRYPT_LUKS	2

#define QCOW2_COMPRESSION_ZLIB	0
#define QCOW2_COMPRESSION_ZSTD	1

/* Limits: QEMU's, which every image QEMU writes stays within. */
#define QCOW2_MIN_CLUSTER_BITS		9
#define QCOW2_MAX_CLUSTER_BITS		21
#define QCOW2_MAX_L1_BYTES		(UINT64_C(32) << 20)
#define QCOW2_MAX_REFTABLE_BYTES	(UINT64_C(8) << 20)
#define QCOW2_MAX_BACKING_NAME		1023
#define QCOW2_MAX_SNAPSHOTS		65536
#define QCOW2_MAX_SNAPSHOT_TABLE	(UINT64_C(64) << 20)
#define QCOW2_MAX_SNAPSHOT_EXTRA	1024
#define QCOW2_MAX_BITMAPS		65535
#define QCOW2_MAX_BITMAP_DIR		(UINT64_C(64) << 20)
#define QCOW2_MAX_BITMAP_NAME		1023
#define QCOW2_MAX_BITMAP_TABLE		UINT64_C(0x8000000)	/* entries */
#define QCOW2_MIN_GRANULARITY_BITS	9
#define QCOW2_MAX_GRANULARITY_BITS	31
#define QCOW2_BITMAP_IN_USE		(1U << 0)
#define QCOW2_BITMAP_AUTO		(1U << 1)
#define QCOW2_BITMAP_EXTRA_COMPAT	(1U << 2)
#define QCOW2_BITMAP_KNOWN_FLAGS	0x7U

/* L1/L2 entry bits. */
#define QCOW2_OFLAG_COPIED	(UINT64_C(1) << 63)
#define QCOW2_OFLAG_COMPRESSED	(UINT64_C(1) << 62)
#define QCOW2_OFLAG_ZERO	(UINT64_C(1) << 0)
#define QCOW2_L1E_OFFSET_MASK	UINT64_C(0x00fffffffffffe00)
#define QCOW2_L2E_OFFSET_MASK	UINT64_C(0x00fffffffffffe00)
#define QCOW2_REFT_OFFSET_MASK	UINT64_C(0xfffffffffffffe00)

#endif
