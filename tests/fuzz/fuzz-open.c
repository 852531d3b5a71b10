/* SPDX-License-Identifier: MIT */
/*
 * Fuzz opening an image end to end: the input is a whole image file in
 * memory; probe it, open it, ask for its info, free everything.  No
 * backing chain and no data file, so nothing outside the input is read.
 */
#include <stdint.h>

#include "../../src/img.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img_err err = { 0 };
	struct img_info info;
	struct io *file = NULL;
	struct img *img = NULL;

	if (io_mem_open(data, size, "fuzz", &file, &err) < 0)
		return 0;
	if (img_open_io(file, "fuzz", NULL, 0, &img, &err) < 0)
		return 0;
	if (img_info(img, &info, &err) == 0 &&
	    info.virtual_size != img->virtual_size)
		__builtin_trap();
	itree_free(info.spec);
	img_close(img);
	return 0;
}
