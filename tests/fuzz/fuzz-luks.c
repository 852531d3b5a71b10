/* SPDX-License-Identifier: MIT */
/* Fuzz the LUKS1 header reader: luks_info into a fresh info tree. */
#include <stdint.h>

#include "../../src/infotree.h"
#include "../../src/luks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img_err err = { 0 };
	struct itree *obj = itree_new_object();

	if (!obj)
		return 0;
	luks_info(data, size, obj, &err);
	itree_free(obj);
	return 0;
}
