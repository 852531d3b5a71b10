/* SPDX-License-Identifier: MIT */
/* Refcount block entries of any width 1..64 bits. */
#ifndef QCOW2_REFCOUNT_H
#define QCOW2_REFCOUNT_H

#include <stdint.h>

/*
 * Entries narrower than a byte are packed from the least significant bit
 * up; wider ones are big-endian.  order is log2 of the width in bits.
 */
uint64_t qcow2_refblock_get(const uint8_t *block, unsigned int order,
			    uint64_t idx);
void qcow2_refblock_set(uint8_t *block, unsigned int order, uint64_t idx,
			uint64_t val);

#endif
