/* SPDX-License-Identifier: MIT */
/* src/luks.c: a LUKS1 header described as qemu-img's "encrypt" object. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../src/endian.h"
#include "../../src/luks.h"
#include "suites.h"

#define UUID "8b0e3a52-3d7e-4f4b-9d0c-1a2b3c4d5e6f"
#define SLOT_ACTIVE 0x00ac71f3U
#define SLOT_INACTIVE 0x0000deadU

static uint8_t hdr[LUKS_HEADER_SIZE];
static struct itree *obj;
static struct img_err err;

static void put_str(size_t off, const char *s)
{
	memcpy(hdr + off, s, strlen(s));
}

/* Offsets from the table in luks.h. */
static void make_luks(const char *mode, uint32_t key_bytes)
{
	static const uint8_t magic[6] = { 'L', 'U', 'K', 'S', 0xba, 0xbe };

	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, magic, 6);
	be16_set(hdr + 6, 1);
	put_str(8, "aes");
	put_str(40, mode);
	put_str(72, "sha256");
	be32_set(hdr + 104, 4040);
	be32_set(hdr + 108, key_bytes);
	memset(hdr + 112, 0x5a, 20);		/* mk digest */
	memset(hdr + 132, 0xa5, 32);		/* mk digest salt */
	be32_set(hdr + 164, 123456);		/* mk digest iterations */
	put_str(168, UUID);
	for (int i = 0; i < 8; i++) {
		uint8_t *s = hdr + 208 + i * 48;

		be32_set(s, i == 0 ? SLOT_ACTIVE : SLOT_INACTIVE);
		be32_set(s + 4, i == 0 ? 2000000 : 0);
		memset(s + 8, 0x11 * i, 32);	/* salt */
		be32_set(s + 40, 8 + (uint32_t)i * 512);
		be32_set(s + 44, 4000);
	}
}

static void setup(void)
{
	obj = itree_new_object();
	ck_assert_ptr_nonnull(obj);
	memset(&err, 0, sizeof(err));
	make_luks("xts-plain64", 64);
}

static void teardown(void)
{
	itree_free(obj);
}

static const struct itree *member(const struct itree *o, const char *key)
{
	for (const struct itree *c = o->child; c; c = c->next)
		if (c->key && !strcmp(c->key, key))
			return c;
	ck_abort_msg("no member '%s'", key);
	return NULL;
}

static void str_member_is(const struct itree *o, const char *key,
			  const char *want)
{
	const struct itree *c = member(o, key);

	ck_assert_int_eq(c->type, ITREE_STRING);
	ck_assert_str_eq(c->str, want);
}

static void int_member_is(const struct itree *o, const char *key,
			  int64_t want)
{
	const struct itree *c = member(o, key);

	ck_assert_int_eq(c->type, ITREE_INT);
	ck_assert_int_eq(c->num, want);
}

/* The members of o, in order, are exactly keys (NULL-terminated). */
static void keys_are(const struct itree *o, const char *const *keys)
{
	const struct itree *c = o->child;
	size_t i;

	for (i = 0; keys[i]; i++, c = c->next) {
		ck_assert_msg(c != NULL, "member %zu ('%s') missing", i,
			      keys[i]);
		ck_assert_str_eq(c->key, keys[i]);
	}
	ck_assert_msg(c == NULL, "extra member '%s'", c ? c->key : "");
}

START_TEST(test_xts_plain64)
{
	static const char *const keys[] = {
		"ivgen-alg", "hash-alg", "cipher-alg", "uuid", "format",
		"cipher-mode", "slots", "payload-offset", "master-key-iters",
		NULL
	};

	ck_assert_int_eq(luks_info(hdr, sizeof(hdr), obj, &err), 0);
	keys_are(obj, keys);
	str_member_is(obj, "ivgen-alg", "plain64");
	str_member_is(obj, "hash-alg", "sha256");
	/* XTS splits a 64-byte key into two AES-256 keys. */
	str_member_is(obj, "cipher-alg", "aes-256");
	str_member_is(obj, "uuid", UUID);
	str_member_is(obj, "format", "luks");
	str_member_is(obj, "cipher-mode", "xts");
	int_member_is(obj, "payload-offset", 4040 * 512);
	int_member_is(obj, "master-key-iters", 123456);
}
END_TEST

START_TEST(test_slots)
{
	static const char *const active_keys[] = {
		"active", "iters", "key-offset", "stripes", NULL
	};
	static const char *const inactive_keys[] = {
		"active", "key-offset", NULL
	};
	const struct itree *slots, *s;
	int n = 0;

	ck_assert_int_eq(luks_info(hdr, sizeof(hdr), obj, &err), 0);
	slots = member(obj, "slots");
	ck_assert_int_eq(slots->type, ITREE_ARRAY);
	for (s = slots->child; s; s = s->next, n++) {
		const struct itree *active = member(s, "active");

		ck_assert_int_eq(s->type, ITREE_OBJECT);
		ck_assert_ptr_null(s->key);
		ck_assert_int_eq(active->type, ITREE_BOOL);
		ck_assert(active->b == (n == 0));
		keys_are(s, n == 0 ? active_keys : inactive_keys);
		int_member_is(s, "key-offset", (8 + n * 512) * 512);
		if (n == 0) {
			int_member_is(s, "iters", 2000000);
			int_member_is(s, "stripes", 4000);
		}
	}
	ck_assert_int_eq(n, 8);
}
END_TEST

START_TEST(test_cbc_essiv)
{
	static const char *const keys[] = {
		"ivgen-alg", "ivgen-hash-alg", "hash-alg", "cipher-alg",
		"uuid", "format", "cipher-mode", "slots", "payload-offset",
		"master-key-iters", NULL
	};

	make_luks("cbc-essiv:sha256", 32);
	ck_assert_int_eq(luks_info(hdr, sizeof(hdr), obj, &err), 0);
	keys_are(obj, keys);
	str_member_is(obj, "ivgen-alg", "essiv");
	str_member_is(obj, "ivgen-hash-alg", "sha256");
	str_member_is(obj, "cipher-mode", "cbc");
	str_member_is(obj, "cipher-alg", "aes-256");
}
END_TEST

START_TEST(test_xts_aes_128)
{
	make_luks("xts-plain64", 32);
	ck_assert_int_eq(luks_info(hdr, sizeof(hdr), obj, &err), 0);
	str_member_is(obj, "cipher-alg", "aes-128");
}
END_TEST

START_TEST(test_other_cipher_name)
{
	make_luks("cbc-plain", 16);
	memset(hdr + 8, 0, 32);
	put_str(8, "twofish");
	ck_assert_int_eq(luks_info(hdr, sizeof(hdr), obj, &err), 0);
	str_member_is(obj, "cipher-alg", "twofish-128");
	str_member_is(obj, "ivgen-alg", "plain");
}
END_TEST

START_TEST(test_bad_magic)
{
	hdr[4] = 0xbb;
	ck_assert_fails(luks_info(hdr, sizeof(hdr), obj, &err), &err, EINVAL,
			"LUKS header: bad magic");
	ck_assert_ptr_null(obj->child);
}
END_TEST

START_TEST(test_version_2)
{
	be16_set(hdr + 6, 2);
	ck_assert_fails(luks_info(hdr, sizeof(hdr), obj, &err), &err, ENOTSUP,
			"LUKS header: unsupported version 2");
	ck_assert_ptr_null(obj->child);
}
END_TEST

START_TEST(test_truncated)
{
	ck_assert_fails(luks_info(hdr, LUKS_HEADER_SIZE - 1, obj, &err), &err,
			EINVAL, "LUKS header truncated");
}
END_TEST

START_TEST(test_unterminated_cipher_name)
{
	memset(hdr + 8, 'a', 32);
	ck_assert_fails(luks_info(hdr, sizeof(hdr), obj, &err), &err, EINVAL,
			"LUKS header: cipher name is not terminated");
	ck_assert_ptr_null(obj->child);
}
END_TEST

START_TEST(test_unterminated_cipher_mode)
{
	memset(hdr + 40, 'x', 32);
	ck_assert_fails(luks_info(hdr, sizeof(hdr), obj, &err), &err, EINVAL,
			"LUKS header: cipher mode is not terminated");
}
END_TEST

START_TEST(test_unterminated_uuid)
{
	memset(hdr + 168, '1', 40);
	ck_assert_fails(luks_info(hdr, sizeof(hdr), obj, &err), &err, EINVAL,
			"LUKS header: uuid is not terminated");
}
END_TEST

START_TEST(test_hash_invalid_characters)
{
	hdr[72 + 2] = 0x01;
	ck_assert_fails(luks_info(hdr, sizeof(hdr), obj, &err), &err, EINVAL,
			"LUKS header: hash has invalid characters");
}
END_TEST

START_TEST(test_key_size_0)
{
	be32_set(hdr + 108, 0);
	ck_assert_fails(luks_info(hdr, sizeof(hdr), obj, &err), &err, EINVAL,
			"LUKS header: key size 0 out of range");
	ck_assert_ptr_null(obj->child);
}
END_TEST

START_TEST(test_key_size_too_large)
{
	be32_set(hdr + 108, 257);
	ck_assert_fails(luks_info(hdr, sizeof(hdr), obj, &err), &err, EINVAL,
			"LUKS header: key size 257 out of range");
}
END_TEST

Suite *luks_suite(void)
{
	Suite *s = suite_create("luks");
	TCase *tc = tcase_create("info");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_xts_plain64);
	tcase_add_test(tc, test_slots);
	tcase_add_test(tc, test_cbc_essiv);
	tcase_add_test(tc, test_xts_aes_128);
	tcase_add_test(tc, test_other_cipher_name);
	tcase_add_test(tc, test_bad_magic);
	tcase_add_test(tc, test_version_2);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_unterminated_cipher_name);
	tcase_add_test(tc, test_unterminated_cipher_mode);
	tcase_add_test(tc, test_unterminated_uuid);
	tcase_add_test(tc, test_hash_invalid_characters);
	tcase_add_test(tc, test_key_size_0);
	tcase_add_test(tc, test_key_size_too_large);
	suite_add_tcase(s, tc);
	return s;
}
