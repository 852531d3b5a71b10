/* SPDX-License-Identifier: MIT */
/*
 * LUKS1 header, as found behind qcow2's encryption header extension.
 * Only read, to describe the image: imgtool has no keys.
 *
 *   off size  field
 *     0   6   magic "LUKS\xba\xbe"
 *     6   2   version (1)
 *     8  32   cipher_name
 *    40  32   cipher_mode ("xts-plain64", "cbc-essiv:sha256", ...)
 *    72  32   hash_spec
 *   104   4   payload_offset (sectors)
 *   108   4   key_bytes
 *   112  20   mk_digest
 *   132  32   mk_digest_salt
 *   164   4   mk_digest_iterations
 *   168  40   uuid
 *   208 8x48  key slots: active, iterations, salt[32], key_offset, stripes
 */
#ifndef IMG_LUKS_H
#define IMG_LUKS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "infotree.h"

#define LUKS_HEADER_SIZE 592

/* Describe the header in buf as qemu-img's "encrypt" object members. */
int luks_info(const uint8_t *buf, size_t len, struct itree *obj,
	      struct img_err *err);

#endif
