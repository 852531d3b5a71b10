/* SPDX-License-Identifier: MIT */
#include "../../endian.h"
#include "qcow2-refcount.h"

uint64_t qcow2_refblock_get(const uint8_t *block, unsigned int order,
			    uint64_t idx)
{
	unsigned int bits = 1U << order, shift;

	switch (order) {
	case 0: case 1: case 2:
		shift = (unsigned int)(idx % (8 / bits)) * bits;
		return (block[idx / (8 / bits)] >> shift) & ((1U << bits) - 1);
	case 3:
		return block[idx];
	case 4:
		return be16_at(block + idx * 2);
	case 5:
		return be32_at(block + idx * 4);
	default:
		return be64_at(block + idx * 8);
	}
}

void qcow2_refblock_set(uint8_t *block, unsigned int order, uint64_t idx,
			uint64_t val)
{
	unsigned int bits = 1U << order, shift, mask;

	switch (order) {
	case 0: case 1: case 2:
		shift = (unsigned int)(idx % (8 / bits)) * bits;
		mask = ((1U << bits) - 1) << shift;
		block[idx / (8 / bits)] = (uint8_t)((block[idx / (8 / bits)] &
						     ~mask) |
						    ((val << shift) & mask));
		break;
	case 3:
		block[idx] = (uint8_t)val;
		break;
	case 4:
		be16_set(block + idx * 2, (uint16_t)val);
		break;
	case 5:
		be32_set(block + idx * 4, (uint32_t)val);
		break;
	default:
		be64_set(block + idx * 8, val);
		break;
	}
}
