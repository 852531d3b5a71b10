/* SPDX-License-Identifier: MIT */
/* src/io*.c: the memory backend, the generic helpers, the fault wrapper. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../src/io.h"
#include "suites.h"

static struct img_err err;

static void reset_err(void)
{
	memset(&err, 0, sizeof(err));
}

/* A memory file holding bytes 0, 1, 2, ... (mod 251) of length len. */
static struct io *mem_pattern(size_t len, const char *name)
{
	uint8_t buf[4096];
	struct io *io = NULL;

	ck_assert_uint_le(len, sizeof(buf));
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i % 251);
	ck_assert_int_eq(io_mem_open(buf, len, name, &io, &err), 0);
	ck_assert_ptr_nonnull(io);
	return io;
}

static uint64_t size_of(struct io *io)
{
	uint64_t size = UINT64_MAX;

	ck_assert_int_eq(io_size(io, &size, &err), 0);
	return size;
}

static struct io *fault_wrap(struct io *inner, unsigned long fail_read,
			     unsigned long fail_write,
			     unsigned long stop_write)
{
	struct io_fault_cfg cfg = {
		.fail_read = fail_read,
		.fail_write = fail_write,
		.stop_write = stop_write,
	};
	struct io *io = NULL;

	ck_assert_int_eq(io_fault_wrap(inner, &cfg, &io, &err), 0);
	return io;
}

START_TEST(test_mem_open_copies_data)
{
	uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t out[8];
	struct io *io = NULL;

	ck_assert_int_eq(io_mem_open(data, sizeof(data), "m", &io, &err), 0);
	data[0] = 99;	/* the file has its own copy */
	ck_assert_int_eq(io_read(io, out, 8, 0, &err), 0);
	ck_assert_uint_eq(out[0], 1);
	ck_assert_uint_eq(out[7], 8);
	ck_assert_str_eq(io->name, "m");
	ck_assert(io->writable);
	ck_assert_uint_eq(size_of(io), 8);
	io_close(io);
}
END_TEST

START_TEST(test_mem_open_empty_default_name)
{
	struct io *io = NULL;
	size_t len = 123;

	ck_assert_int_eq(io_mem_open(NULL, 0, NULL, &io, &err), 0);
	ck_assert_str_eq(io->name, "memory");
	ck_assert_uint_eq(size_of(io), 0);
	io_mem_data(io, &len);
	ck_assert_uint_eq(len, 0);
	io_close(io);
}
END_TEST

START_TEST(test_mem_read_write)
{
	struct io *io = mem_pattern(100, "rw");
	const uint8_t *d;
	uint8_t out[4];
	size_t len;

	ck_assert_int_eq(io_write(io, "ABCD", 4, 10, &err), 0);
	ck_assert_int_eq(io_read(io, out, 4, 10, &err), 0);
	ck_assert_mem_eq(out, "ABCD", 4);
	ck_assert_uint_eq(size_of(io), 100);
	d = io_mem_data(io, &len);
	ck_assert_uint_eq(len, 100);
	ck_assert_uint_eq(d[9], 9);
	ck_assert_uint_eq(d[14], 14);
	ck_assert_mem_eq(d + 10, "ABCD", 4);
	io_close(io);
}
END_TEST

START_TEST(test_mem_write_extends_with_zero_gap)
{
	struct io *io = mem_pattern(10, "grow");
	const uint8_t *d;
	size_t len;

	ck_assert_int_eq(io_write(io, "Z", 1, 9999, &err), 0);
	ck_assert_uint_eq(size_of(io), 10000);
	d = io_mem_data(io, &len);
	ck_assert_uint_eq(len, 10000);
	ck_assert_uint_eq(d[9], 9);
	for (size_t i = 10; i < 9999; i++)
		ck_assert_msg(d[i] == 0, "gap byte %zu is %u", i, d[i]);
	ck_assert_uint_eq(d[9999], 'Z');
	io_close(io);
}
END_TEST

START_TEST(test_mem_short_pread)
{
	struct io *io = mem_pattern(100, "short");
	uint8_t out[50];
	size_t got = 999;

	memset(out, 0xee, sizeof(out));
	ck_assert_int_eq(io->ops->pread(io, out, 50, 80, &got, &err), 0);
	ck_assert_uint_eq(got, 20);
	ck_assert_uint_eq(out[0], 80);
	ck_assert_uint_eq(out[19], 99);
	ck_assert_uint_eq(out[20], 0xee);	/* untouched past got */
	ck_assert_int_eq(io->ops->pread(io, out, 50, 100, &got, &err), 0);
	ck_assert_uint_eq(got, 0);
	ck_assert_int_eq(io->ops->pread(io, out, 50, UINT64_MAX, &got, &err),
			 0);
	ck_assert_uint_eq(got, 0);
	io_close(io);
}
END_TEST

START_TEST(test_read_past_eof_fails)
{
	struct io *io = mem_pattern(1024, "disk.img");
	uint8_t out[16];

	ck_assert_fails(io_read(io, out, 16, 1020, &err), &err, EIO,
			"'disk.img': unexpected end of file reading 16 bytes at offset 1020");
	reset_err();
	ck_assert_fails(io_read(io, out, 1, 4096, &err), &err, EIO,
			"at offset 4096");
	io_close(io);
}
END_TEST

START_TEST(test_read_zero_bytes_at_eof)
{
	struct io *io = mem_pattern(16, "z");
	uint8_t out[1];

	ck_assert_int_eq(io_read(io, out, 0, 16, &err), 0);
	io_close(io);
}
END_TEST

START_TEST(test_read_zfill)
{
	struct io *io = mem_pattern(100, "zf");
	uint8_t out[40];

	memset(out, 0xee, sizeof(out));
	ck_assert_int_eq(io_read_zfill(io, out, 40, 90, &err), 0);
	ck_assert_uint_eq(out[0], 90);
	ck_assert_uint_eq(out[9], 99);
	for (size_t i = 10; i < 40; i++)
		ck_assert_uint_eq(out[i], 0);
	memset(out, 0xee, sizeof(out));
	ck_assert_int_eq(io_read_zfill(io, out, 40, 5000, &err), 0);
	for (size_t i = 0; i < 40; i++)
		ck_assert_uint_eq(out[i], 0);
	io_close(io);
}
END_TEST

START_TEST(test_truncate_shrink_then_grow_reads_zero)
{
	struct io *io = mem_pattern(100, "t");
	uint8_t out[100];

	ck_assert_int_eq(io_truncate(io, 10, &err), 0);
	ck_assert_uint_eq(size_of(io), 10);
	ck_assert_fails(io_read(io, out, 11, 0, &err), &err, EIO,
			"unexpected end of file");
	/* Growing again must not resurrect the old bytes. */
	ck_assert_int_eq(io_truncate(io, 100, &err), 0);
	ck_assert_uint_eq(size_of(io), 100);
	ck_assert_int_eq(io_read(io, out, 100, 0, &err), 0);
	ck_assert_uint_eq(out[9], 9);
	for (size_t i = 10; i < 100; i++)
		ck_assert_msg(out[i] == 0, "byte %zu is %u", i, out[i]);
	io_close(io);
}
END_TEST

START_TEST(test_truncate_grow_large)
{
	struct io *io = mem_pattern(0, "big");
	uint8_t out[8];

	ck_assert_int_eq(io_truncate(io, 1 << 20, &err), 0);
	ck_assert_uint_eq(size_of(io), 1 << 20);
	ck_assert_int_eq(io_read(io, out, 8, (1 << 20) - 8, &err), 0);
	ck_assert_uint_eq(out[7], 0);
	ck_assert_int_eq(io_allocated_size(io), 1 << 20);
	io_close(io);
}
END_TEST

START_TEST(test_mem_too_large)
{
	struct io *io = mem_pattern(0, "huge");

	ck_assert_fails(io_write(io, "x", 1, UINT64_C(1) << 31, &err), &err,
			EFBIG, "'huge': memory file too large");
	reset_err();
	ck_assert_fails(io_write(io, "x", 1, UINT64_MAX, &err), &err, EFBIG,
			"memory file too large");
	reset_err();
	ck_assert_fails(io_truncate(io, (UINT64_C(1) << 31) + 1, &err), &err,
			EFBIG, "memory file too large");
	ck_assert_uint_eq(size_of(io), 0);
	io_close(io);
}
END_TEST

START_TEST(test_write_zeroes)
{
	struct io *io = mem_pattern(100, "wz");
	uint8_t out[100];

	ck_assert_int_eq(io_write_zeroes(io, 20, 30, &err), 0);
	ck_assert_int_eq(io_read(io, out, 100, 0, &err), 0);
	ck_assert_uint_eq(out[19], 19);
	for (size_t i = 20; i < 50; i++)
		ck_assert_uint_eq(out[i], 0);
	ck_assert_uint_eq(out[50], 50);
	/* Past the end it extends the file, in chunks. */
	ck_assert_int_eq(io_write_zeroes(io, 100, (3 << 20) + 5, &err), 0);
	ck_assert_uint_eq(size_of(io), 100 + (3 << 20) + 5);
	io_close(io);
}
END_TEST

START_TEST(test_read_only_refuses_writes)
{
	struct io *io = mem_pattern(16, "ro.img");

	io->writable = false;
	ck_assert_fails(io_write(io, "x", 1, 0, &err), &err, EROFS,
			"'ro.img': opened read-only");
	reset_err();
	ck_assert_fails(io_truncate(io, 0, &err), &err, EROFS,
			"'ro.img': opened read-only");
	reset_err();
	ck_assert_fails(io_write_zeroes(io, 0, 4, &err), &err, EROFS,
			"opened read-only");
	/* Nothing to flush on a read-only file: success. */
	ck_assert_int_eq(io_flush(io, &err), 0);
	ck_assert_uint_eq(size_of(io), 16);
	io_close(io);
}
END_TEST

START_TEST(test_mem_misc_ops)
{
	struct io *a = mem_pattern(8, "a");
	struct io *b = mem_pattern(8, "b");

	ck_assert_int_eq(io_flush(a, &err), 0);
	ck_assert_int_eq(io_allocate(a, 0, 8, &err), -ENOTSUP);
	ck_assert_int_eq(io_allocated_size(a), 8);
	ck_assert(io_same_file(a, a));
	ck_assert(!io_same_file(a, b));
	io_close(a);
	io_close(b);
	io_close(NULL);
}
END_TEST

START_TEST(test_fault_passthrough)
{
	struct io *io = fault_wrap(mem_pattern(64, "inner.img"), 0, 0, 0);
	uint8_t out[4];

	ck_assert_str_eq(io->name, "inner.img");
	ck_assert(io->writable);
	ck_assert_uint_eq(size_of(io), 64);
	ck_assert_int_eq(io_read(io, out, 4, 60, &err), 0);
	ck_assert_uint_eq(out[3], 63);
	ck_assert_int_eq(io_write(io, "ab", 2, 64, &err), 0);
	ck_assert_uint_eq(size_of(io), 66);
	ck_assert_int_eq(io_flush(io, &err), 0);
	ck_assert_int_eq(io_allocated_size(io), 66);
	ck_assert_uint_eq(io_fault_writes(io), 1);
	io_close(io);
}
END_TEST

START_TEST(test_fault_fail_read_nth)
{
	struct io *io = fault_wrap(mem_pattern(64, "r.img"), 2, 0, 0);
	uint8_t out[4];

	ck_assert_int_eq(io_read(io, out, 4, 0, &err), 0);
	ck_assert_fails(io_read(io, out, 4, 8, &err), &err, EIO,
			"'r.img': injected read error at offset 8");
	/* Only the Nth read fails. */
	ck_assert_int_eq(io_read(io, out, 4, 16, &err), 0);
	ck_assert_uint_eq(out[0], 16);
	io_close(io);
}
END_TEST

START_TEST(test_fault_fail_write_nth)
{
	struct io *inner = mem_pattern(16, "w.img");
	struct io *io = fault_wrap(inner, 0, 2, 0);
	uint8_t out[3];

	ck_assert_int_eq(io_write(io, "A", 1, 0, &err), 0);
	ck_assert_fails(io_write(io, "B", 1, 1, &err), &err, EIO,
			"'w.img': injected write error");
	ck_assert_int_eq(io_write(io, "C", 1, 2, &err), 0);
	ck_assert_int_eq(io_read(inner, out, 3, 0, &err), 0);
	ck_assert_uint_eq(out[0], 'A');
	ck_assert_uint_eq(out[1], 1);	/* the failed write did not land */
	ck_assert_uint_eq(out[2], 'C');
	ck_assert_uint_eq(io_fault_writes(io), 3);
	io_close(io);
}
END_TEST

START_TEST(test_fault_stop_write_drops_later_writes)
{
	struct io *inner = mem_pattern(16, "s.img");
	struct io *io = fault_wrap(inner, 0, 0, 2);
	uint8_t out[4];

	ck_assert_int_eq(io_write(io, "A", 1, 0, &err), 0);
	ck_assert_fails(io_write(io, "B", 1, 1, &err), &err, EIO,
			"'s.img': injected stop at write 2");
	ck_assert_fails(io_write(io, "C", 1, 2, &err), &err, EIO,
			"injected stop at write 3");
	ck_assert_fails(io_truncate(io, 4, &err), &err, EIO,
			"injected stop at write 4");
	ck_assert_fails(io_flush(io, &err), &err, EIO, "injected stop");
	/* Reads still work: the file is what the dead machine left. */
	ck_assert_int_eq(io_read(io, out, 4, 0, &err), 0);
	ck_assert_uint_eq(out[0], 'A');
	ck_assert_uint_eq(out[1], 1);
	ck_assert_uint_eq(out[2], 2);
	ck_assert_uint_eq(out[3], 3);
	ck_assert_uint_eq(size_of(inner), 16);
	ck_assert_uint_eq(io_fault_writes(io), 4);
	io_close(io);
}
END_TEST

START_TEST(test_fault_truncate_counts_as_write)
{
	struct io *inner = mem_pattern(16, "t.img");
	struct io *io = fault_wrap(inner, 0, 1, 0);

	ck_assert_fails(io_truncate(io, 4, &err), &err, EIO,
			"injected write error");
	ck_assert_uint_eq(size_of(inner), 16);
	ck_assert_int_eq(io_truncate(io, 4, &err), 0);
	ck_assert_uint_eq(size_of(inner), 4);
	ck_assert_uint_eq(io_fault_writes(io), 2);
	io_close(io);
}
END_TEST

START_TEST(test_fault_writes_on_plain_io)
{
	struct io *io = mem_pattern(4, "plain");

	ck_assert_int_eq(io_write(io, "x", 1, 0, &err), 0);
	ck_assert_uint_eq(io_fault_writes(io), 0);
	io_close(io);
}
END_TEST

START_TEST(test_fault_inherits_read_only)
{
	struct io *inner = mem_pattern(4, "ro");
	struct io *io;

	inner->writable = false;
	io = fault_wrap(inner, 0, 0, 0);
	ck_assert(!io->writable);
	ck_assert_fails(io_write(io, "x", 1, 0, &err), &err, EROFS,
			"opened read-only");
	/* io_write refuses before the gate: nothing counted. */
	ck_assert_uint_eq(io_fault_writes(io), 0);
	io_close(io);
}
END_TEST

Suite *io_suite(void)
{
	Suite *s = suite_create("io");
	TCase *m = tcase_create("mem");
	TCase *f = tcase_create("fault");

	tcase_add_checked_fixture(m, reset_err, NULL);
	tcase_add_test(m, test_mem_open_copies_data);
	tcase_add_test(m, test_mem_open_empty_default_name);
	tcase_add_test(m, test_mem_read_write);
	tcase_add_test(m, test_mem_write_extends_with_zero_gap);
	tcase_add_test(m, test_mem_short_pread);
	tcase_add_test(m, test_read_past_eof_fails);
	tcase_add_test(m, test_read_zero_bytes_at_eof);
	tcase_add_test(m, test_read_zfill);
	tcase_add_test(m, test_truncate_shrink_then_grow_reads_zero);
	tcase_add_test(m, test_truncate_grow_large);
	tcase_add_test(m, test_mem_too_large);
	tcase_add_test(m, test_write_zeroes);
	tcase_add_test(m, test_read_only_refuses_writes);
	tcase_add_test(m, test_mem_misc_ops);
	suite_add_tcase(s, m);

	tcase_add_checked_fixture(f, reset_err, NULL);
	tcase_add_test(f, test_fault_passthrough);
	tcase_add_test(f, test_fault_fail_read_nth);
	tcase_add_test(f, test_fault_fail_write_nth);
	tcase_add_test(f, test_fault_stop_write_drops_later_writes);
	tcase_add_test(f, test_fault_truncate_counts_as_write);
	tcase_add_test(f, test_fault_writes_on_plain_io);
	tcase_add_test(f, test_fault_inherits_read_only);
	suite_add_tcase(s, f);
	return s;
}
