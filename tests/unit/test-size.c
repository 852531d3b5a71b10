/* SPDX-License-Identifier: MIT */
/* src/size.c: "64M"-style sizes in, "1.29 MiB"-style sizes out. */
#include <errno.h>
#include <stdint.h>

#include "../../src/size.h"
#include "suites.h"

/* Parse s expecting success; returns the value. */
static uint64_t parse_ok(const char *s)
{
	uint64_t v = 0xdeadbeef;
	int ret = size_parse(s, &v);

	ck_assert_msg(ret == 0, "size_parse(\"%s\") returned %d", s, ret);
	return v;
}

/* Parse s expecting -code, and that *out is left alone. */
static void parse_fails(const char *s, int code)
{
	uint64_t v = 12345;
	int ret = size_parse(s, &v);

	ck_assert_msg(ret == -code, "size_parse(\"%s\") returned %d, want %d",
		      s, ret, -code);
	ck_assert_uint_eq(v, 12345);
}

static void format_is(uint64_t v, const char *want)
{
	char buf[32];

	size_format(v, buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
}

START_TEST(test_parse_plain_bytes)
{
	ck_assert_uint_eq(parse_ok("0"), 0);
	ck_assert_uint_eq(parse_ok("1"), 1);
	ck_assert_uint_eq(parse_ok("512"), 512);
	ck_assert_uint_eq(parse_ok("1073741824"), UINT64_C(1) << 30);
	ck_assert_uint_eq(parse_ok("007"), 7);
}
END_TEST

START_TEST(test_parse_suffix_b)
{
	ck_assert_uint_eq(parse_ok("100b"), 100);
	ck_assert_uint_eq(parse_ok("100B"), 100);
}
END_TEST

START_TEST(test_parse_suffix_k)
{
	ck_assert_uint_eq(parse_ok("1k"), 1024);
	ck_assert_uint_eq(parse_ok("1K"), 1024);
	ck_assert_uint_eq(parse_ok("64k"), 65536);
}
END_TEST

START_TEST(test_parse_suffix_m)
{
	ck_assert_uint_eq(parse_ok("1M"), UINT64_C(1) << 20);
	ck_assert_uint_eq(parse_ok("2m"), UINT64_C(2) << 20);
}
END_TEST

START_TEST(test_parse_suffix_g)
{
	ck_assert_uint_eq(parse_ok("1G"), UINT64_C(1) << 30);
	ck_assert_uint_eq(parse_ok("10g"), UINT64_C(10) << 30);
}
END_TEST

START_TEST(test_parse_suffix_t)
{
	ck_assert_uint_eq(parse_ok("1T"), UINT64_C(1) << 40);
	ck_assert_uint_eq(parse_ok("3t"), UINT64_C(3) << 40);
}
END_TEST

START_TEST(test_parse_suffix_p)
{
	ck_assert_uint_eq(parse_ok("1P"), UINT64_C(1) << 50);
	ck_assert_uint_eq(parse_ok("5p"), UINT64_C(5) << 50);
}
END_TEST

START_TEST(test_parse_suffix_e)
{
	ck_assert_uint_eq(parse_ok("1E"), UINT64_C(1) << 60);
	ck_assert_uint_eq(parse_ok("1e"), UINT64_C(1) << 60);
}
END_TEST

START_TEST(test_parse_fractions)
{
	ck_assert_uint_eq(parse_ok("1.5G"), UINT64_C(3) << 29);
	ck_assert_uint_eq(parse_ok("0.5k"), 512);
	ck_assert_uint_eq(parse_ok("1.25M"), UINT64_C(1310720));
	ck_assert_uint_eq(parse_ok("2.5E"), UINT64_C(5) << 59);
	/* A zero fraction is no fraction, even without a suffix (as qemu). */
	ck_assert_uint_eq(parse_ok("1.0"), 1);
}
END_TEST

START_TEST(test_parse_7e_ok)
{
	ck_assert_uint_eq(parse_ok("7E"), UINT64_C(7) << 60);
	ck_assert_uint_eq(parse_ok("7.5E"), UINT64_C(15) << 59);
	ck_assert_uint_eq(parse_ok("9223372036854775807"), (uint64_t)INT64_MAX);
}
END_TEST

START_TEST(test_parse_rejects_empty)
{
	parse_fails("", EINVAL);
	ck_assert_int_eq(size_parse(NULL, &(uint64_t){ 0 }), -EINVAL);
}
END_TEST

START_TEST(test_parse_rejects_letters)
{
	parse_fails("abc", EINVAL);
	parse_fails("k", EINVAL);
	parse_fails("0x10", EINVAL);
}
END_TEST

START_TEST(test_parse_rejects_unknown_suffix)
{
	parse_fails("1Q", EINVAL);
	parse_fails("1Z", EINVAL);
	parse_fails("1KiB", EINVAL);
}
END_TEST

START_TEST(test_parse_rejects_negative)
{
	parse_fails("-1", EINVAL);
	parse_fails("+1", EINVAL);
	parse_fails(" 1", EINVAL);
}
END_TEST

START_TEST(test_parse_rejects_fraction_without_suffix)
{
	parse_fails("1.5", EINVAL);
	parse_fails("1.5b", EINVAL);
	parse_fails("1.", EINVAL);
	parse_fails(".5k", EINVAL);
}
END_TEST

START_TEST(test_parse_rejects_double_suffix)
{
	parse_fails("1kk", EINVAL);
	parse_fails("1k ", EINVAL);
	parse_fails("1 k", EINVAL);
	parse_fails("1.5.5G", EINVAL);
}
END_TEST

START_TEST(test_parse_overflow_8e)
{
	parse_fails("8E", ERANGE);
	parse_fails("8192P", ERANGE);
	parse_fails("8388608T", ERANGE);
}
END_TEST

START_TEST(test_parse_overflow_digits)
{
	parse_fails("99999999999999999999", ERANGE);
	parse_fails("9223372036854775808", ERANGE);
	parse_fails("18446744073709551616", ERANGE);
}
END_TEST

START_TEST(test_format_bytes)
{
	format_is(0, "0 B");
	format_is(1, "1 B");
	format_is(999, "999 B");
}
END_TEST

START_TEST(test_format_1000_is_kib)
{
	/* qemu-img switches unit before the number would reach 1000. */
	format_is(1000, "0.977 KiB");
	format_is(1023, "0.999 KiB");
}
END_TEST

START_TEST(test_format_kib)
{
	format_is(1024, "1 KiB");
	format_is(1536, "1.5 KiB");
	format_is(200704, "196 KiB");
}
END_TEST

START_TEST(test_format_mib)
{
	format_is(1351680, "1.29 MiB");
	format_is(UINT64_C(1) << 20, "1 MiB");
	format_is(1048575, "1 MiB");
}
END_TEST

START_TEST(test_format_gib_and_up)
{
	format_is(UINT64_C(1) << 30, "1 GiB");
	format_is(UINT64_C(10) << 30, "10 GiB");
	format_is(UINT64_C(1) << 40, "1 TiB");
	format_is(UINT64_C(1) << 50, "1 PiB");
	format_is(UINT64_C(1) << 60, "1 EiB");
}
END_TEST

START_TEST(test_format_rounds_like_qemu)
{
	/*
	 * Just under 1000 KiB stays in KiB and "%0.3g" rounds it up to
	 * "1e+03": odd, but it is what qemu-img's size_to_str() prints.
	 */
	format_is(1023897, "1e+03 KiB");
	format_is(1023999, "1e+03 KiB");
	format_is(1024000, "0.977 MiB");
}
END_TEST

START_TEST(test_format_int64_max)
{
	format_is((uint64_t)INT64_MAX, "8 EiB");
}
END_TEST

START_TEST(test_format_short_buffer)
{
	char buf[4];

	size_format(UINT64_C(1) << 30, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1 G");
}
END_TEST

START_TEST(test_overflow_helpers)
{
	uint64_t r;

	ck_assert(!mul_overflows(UINT64_C(1) << 31, UINT64_C(1) << 32, &r));
	ck_assert_uint_eq(r, UINT64_C(1) << 63);
	ck_assert(mul_overflows(UINT64_C(1) << 32, UINT64_C(1) << 32, &r));
	ck_assert(!add_overflows(UINT64_MAX - 1, 1, &r));
	ck_assert_uint_eq(r, UINT64_MAX);
	ck_assert(add_overflows(UINT64_MAX, 1, &r));
}
END_TEST

START_TEST(test_div_round_up_and_pow2)
{
	ck_assert_uint_eq(div_round_up(0, 512), 0);
	ck_assert_uint_eq(div_round_up(1, 512), 1);
	ck_assert_uint_eq(div_round_up(512, 512), 1);
	ck_assert_uint_eq(div_round_up(513, 512), 2);
	ck_assert_uint_eq(div_round_up(UINT64_MAX, 2), UINT64_C(1) << 63);
	ck_assert(!is_power_of_2(0));
	ck_assert(is_power_of_2(1));
	ck_assert(is_power_of_2(UINT64_C(1) << 63));
	ck_assert(!is_power_of_2(3 * 4096));
}
END_TEST

Suite *size_suite(void)
{
	Suite *s = suite_create("size");
	TCase *p = tcase_create("parse");
	TCase *f = tcase_create("format");
	TCase *h = tcase_create("helpers");

	tcase_add_test(p, test_parse_plain_bytes);
	tcase_add_test(p, test_parse_suffix_b);
	tcase_add_test(p, test_parse_suffix_k);
	tcase_add_test(p, test_parse_suffix_m);
	tcase_add_test(p, test_parse_suffix_g);
	tcase_add_test(p, test_parse_suffix_t);
	tcase_add_test(p, test_parse_suffix_p);
	tcase_add_test(p, test_parse_suffix_e);
	tcase_add_test(p, test_parse_fractions);
	tcase_add_test(p, test_parse_7e_ok);
	tcase_add_test(p, test_parse_rejects_empty);
	tcase_add_test(p, test_parse_rejects_letters);
	tcase_add_test(p, test_parse_rejects_unknown_suffix);
	tcase_add_test(p, test_parse_rejects_negative);
	tcase_add_test(p, test_parse_rejects_fraction_without_suffix);
	tcase_add_test(p, test_parse_rejects_double_suffix);
	tcase_add_test(p, test_parse_overflow_8e);
	tcase_add_test(p, test_parse_overflow_digits);
	suite_add_tcase(s, p);

	tcase_add_test(f, test_format_bytes);
	tcase_add_test(f, test_format_1000_is_kib);
	tcase_add_test(f, test_format_kib);
	tcase_add_test(f, test_format_mib);
	tcase_add_test(f, test_format_gib_and_up);
	tcase_add_test(f, test_format_rounds_like_qemu);
	tcase_add_test(f, test_format_int64_max);
	tcase_add_test(f, test_format_short_buffer);
	suite_add_tcase(s, f);

	tcase_add_test(h, test_overflow_helpers);
	tcase_add_test(h, test_div_round_up_and_pow2);
	suite_add_tcase(s, h);
	return s;
}
