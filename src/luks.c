/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "endian.h"
#include "luks.h"

#define LUKS_SLOTS 8
#define LUKS_SLOT_ACTIVE 0x00ac71f3U

struct luks_disk_slot {
	struct be32 active;
	struct be32 iterations;
	uint8_t salt[32];
	struct be32 key_offset;
	struct be32 stripes;
};

struct luks_disk_header {
	uint8_t magic[6];
	struct be16 version;
	char cipher_name[32];
	char cipher_mode[32];
	char hash_spec[32];
	struct be32 payload_offset;
	struct be32 key_bytes;
	uint8_t mk_digest[20];
	uint8_t mk_digest_salt[32];
	struct be32 mk_digest_iterations;
	char uuid[40];
	struct luks_disk_slot slots[LUKS_SLOTS];
};
_Static_assert(sizeof(struct luks_disk_header) == LUKS_HEADER_SIZE,
	       "LUKS header size");

static const uint8_t luks_magic[6] = { 'L', 'U', 'K', 'S', 0xba, 0xbe };

/* Copy a fixed-size, maybe unterminated, field; refuse odd bytes. */
static int field(const char *src, size_t n, char *dst, const char *what,
		 struct img_err *err)
{
	size_t len = strnlen(src, n);

	if (len == n)
		return img_err_set(err, EINVAL,
				   "LUKS header: %s is not terminated", what);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)src[i] < 0x20 || (unsigned char)src[i] > 0x7e)
			return img_err_set(err, EINVAL,
					   "LUKS header: %s has invalid characters",
					   what);
	memcpy(dst, src, len + 1);
	return 0;
}

int luks_info(const uint8_t *buf, size_t len, struct itree *obj,
	      struct img_err *err)
{
	struct luks_disk_header h;
	char cipher[33], mode[33], hash[33], uuid[41], alg[48];
	char *ivgen, *ivhash;
	uint32_t key_bytes;
	struct itree *slots;
	int ret;

	if (len < sizeof(h))
		return img_err_set(err, EINVAL, "LUKS header truncated");
	memcpy(&h, buf, sizeof(h));
	if (memcmp(h.magic, luks_magic, sizeof(luks_magic)))
		return img_err_set(err, EINVAL, "LUKS header: bad magic");
	if (be16_get(h.version) != 1)
		return img_err_set(err, ENOTSUP,
				   "LUKS header: unsupported version %u",
				   be16_get(h.version));
	if ((ret = field(h.cipher_name, 32, cipher, "cipher name", err)) ||
	    (ret = field(h.cipher_mode, 32, mode, "cipher mode", err)) ||
	    (ret = field(h.hash_spec, 32, hash, "hash", err)) ||
	    (ret = field(h.uuid, 40, uuid, "uuid", err)))
		return ret;

	/* "xts-plain64" -> mode xts, ivgen plain64; "essiv:sha256" splits. */
	ivgen = strchr(mode, '-');
	if (ivgen)
		*ivgen++ = '\0';
	ivhash = ivgen ? strchr(ivgen, ':') : NULL;
	if (ivhash)
		*ivhash++ = '\0';
	key_bytes = be32_get(h.key_bytes);
	if (key_bytes == 0 || key_bytes > 256)
		return img_err_set(err, EINVAL,
				   "LUKS header: key size %" PRIu32 " out of range",
				   key_bytes);
	if (!strcmp(mode, "xts"))
		key_bytes /= 2;	/* XTS uses two keys of half the size */
	snprintf(alg, sizeof(alg), "%s-%" PRIu32, cipher, key_bytes * 8);

	if (ivgen)
		itree_add_string(obj, "ivgen-alg", ivgen);
	if (ivhash)
		itree_add_string(obj, "ivgen-hash-alg", ivhash);
	itree_add_string(obj, "hash-alg", hash);
	itree_add_string(obj, "cipher-alg", alg);
	itree_add_string(obj, "uuid", uuid);
	itree_add_string(obj, "format", "luks");
	itree_add_string(obj, "cipher-mode", mode);
	slots = itree_add_array(obj, "slots");
	for (int i = 0; i < LUKS_SLOTS; i++) {
		const struct luks_disk_slot *s = &h.slots[i];
		struct itree *o = itree_add_object(slots, NULL);
		bool active = be32_get(s->active) == LUKS_SLOT_ACTIVE;

		itree_add_bool(o, "active", active);
		if (active)
			itree_add_int(o, "iters", be32_get(s->iterations));
		itree_add_int(o, "key-offset",
			      (int64_t)be32_get(s->key_offset) * 512);
		if (active)
			itree_add_int(o, "stripes", be32_get(s->stripes));
	}
	itree_add_int(obj, "payload-offset",
		      (int64_t)be32_get(h.payload_offset) * 512);
	if (!itree_add_int(obj, "master-key-iters",
			   be32_get(h.mk_digest_iterations)))
		return img_err_set(err, ENOMEM, "out of memory");
	return 0;
}
