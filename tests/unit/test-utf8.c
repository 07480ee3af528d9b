/* UTF-8 decoding, encoding, validation and terminal widths. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "util/utf8.h"

static uint32_t decode1(const char *s, size_t len, size_t *n)
{
	uint32_t cp = 0x12345678;

	*n = utf8_decode(s, len, &cp);
	return cp;
}

#define DECODES(bytes, want_cp, want_n)                                                            \
	do {                                                                                       \
		size_t n_;                                                                         \
		uint32_t cp_ = decode1(bytes, sizeof(bytes) - 1, &n_);                             \
		cr_assert_eq(cp_, (uint32_t)(want_cp), "%s: cp %#x, want %#x", #bytes,             \
		             (unsigned)cp_, (unsigned)(want_cp));                                  \
		cr_assert_eq(n_, (size_t)(want_n), "%s: %zu bytes, want %d", #bytes, n_,           \
		             (int)(want_n));                                                       \
	} while (0)

Test(utf8_decode, valid_sequences)
{
	DECODES("A", 'A', 1);
	DECODES("\x7f", 0x7f, 1);
	DECODES("\xc2\x80", 0x80, 2);
	DECODES("\xc3\xa9", 0xe9, 2);
	DECODES("\xdf\xbf", 0x7ff, 2);
	DECODES("\xe0\xa0\x80", 0x800, 3);
	DECODES("\xe2\x82\xac", 0x20ac, 3);
	DECODES("\xed\x9f\xbf", 0xd7ff, 3);
	DECODES("\xee\x80\x80", 0xe000, 3);
	DECODES("\xef\xbf\xbd", 0xfffd, 3);
	DECODES("\xef\xbf\xbf", 0xffff, 3);
	DECODES("\xf0\x90\x80\x80", 0x10000, 4);
	DECODES("\xf0\x9f\x98\x80", 0x1f600, 4);
	DECODES("\xf4\x8f\xbf\xbf", 0x10ffff, 4);
}

Test(utf8_decode, nul_byte)
{
	size_t n;

	cr_assert_eq(decode1("\0x", 2, &n), 0);
	cr_assert_eq(n, 1);
}

Test(utf8_decode, invalid_consumes_one_byte)
{
	DECODES("\x80", 0xfffd, 1); /* lone continuation */
	DECODES("\xbf", 0xfffd, 1);
	DECODES("\xc0\x80", 0xfffd, 1);     /* overlong NUL */
	DECODES("\xc1\xbf", 0xfffd, 1);     /* overlong */
	DECODES("\xe0\x80\x80", 0xfffd, 1); /* overlong 3-byte */
	DECODES("\xe0\x9f\xbf", 0xfffd, 1);
	DECODES("\xf0\x80\x80\x80", 0xfffd, 1); /* overlong 4-byte */
	DECODES("\xf0\x8f\xbf\xbf", 0xfffd, 1);
	DECODES("\xed\xa0\x80", 0xfffd, 1);     /* high surrogate */
	DECODES("\xed\xbf\xbf", 0xfffd, 1);     /* low surrogate */
	DECODES("\xf4\x90\x80\x80", 0xfffd, 1); /* > U+10FFFF */
	DECODES("\xf5\x80\x80\x80", 0xfffd, 1);
	DECODES("\xf8\x88\x80\x80\x80", 0xfffd, 1);
	DECODES("\xfe", 0xfffd, 1);
	DECODES("\xff", 0xfffd, 1);
	DECODES("\xc3"
	        "A",
	        0xfffd, 1); /* bad continuation */
	DECODES("\xe2\x82"
	        "A",
	        0xfffd, 1);
	DECODES("\xf0\x9f\x98"
	        "A",
	        0xfffd, 1);
}

Test(utf8_decode, truncated_by_len)
{
	size_t n;

	/* The bytes are there, but len says the sequence is cut. */
	cr_assert_eq(decode1("\xe2\x82\xac", 2, &n), 0xfffd);
	cr_assert_eq(n, 1);
	cr_assert_eq(decode1("\xf0\x9f\x98\x80", 3, &n), 0xfffd);
	cr_assert_eq(n, 1);
	cr_assert_eq(decode1("\xc3\xa9", 1, &n), 0xfffd);
	cr_assert_eq(n, 1);
}

Test(utf8_decode, resyncs_after_garbage)
{
	const char s[] = "\xff\xe2\x82\xac\x80"
	                 "a";
	uint32_t want[] = {0xfffd, 0x20ac, 0xfffd, 'a'};
	size_t i = 0, k = 0;
	uint32_t cp;

	while (i < sizeof(s) - 1) {
		cr_assert_lt(k, 4);
		i += utf8_decode(s + i, sizeof(s) - 1 - i, &cp);
		cr_assert_eq(cp, want[k], "item %zu: %#x", k, (unsigned)cp);
		k++;
	}
	cr_assert_eq(k, 4);
}

Test(utf8_encode, round_trip_all_scalar_values)
{
	char out[4];
	uint32_t cp, back;
	size_t n;

	for (cp = 0; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		n = utf8_encode(cp, out);
		cr_assert_eq(n, cp < 0x80 ? 1u : cp < 0x800 ? 2u : cp < 0x10000 ? 3u : 4u);
		cr_assert(utf8_valid(out, n), "U+%04X", (unsigned)cp);
		cr_assert_eq(utf8_decode(out, n, &back), n);
		cr_assert_eq(back, cp, "U+%04X", (unsigned)cp);
	}
}

Test(utf8_encode, non_characters_become_replacement)
{
	char out[4];

	cr_assert_eq(utf8_encode(0xd800, out), 3);
	cr_assert_eq(memcmp(out, "\xef\xbf\xbd", 3), 0);
	cr_assert_eq(utf8_encode(0x110000, out), 3);
	cr_assert_eq(memcmp(out, "\xef\xbf\xbd", 3), 0);
}

Test(utf8_valid, accepts_and_rejects)
{
	cr_assert(utf8_valid("", 0));
	cr_assert(utf8_valid("hello", 5));
	cr_assert(utf8_valid("a\0b", 3));
	cr_assert(utf8_valid("\xe6\x97\xa5\xe6\x9c\xac", 6));
	cr_assert(utf8_valid("\xef\xbf\xbd", 3)); /* a real U+FFFD */
	cr_assert(utf8_valid("\xf4\x8f\xbf\xbf", 4));
	cr_assert_not(utf8_valid("\xff", 1));
	cr_assert_not(utf8_valid("abc\x80", 4));
	cr_assert_not(utf8_valid("\xc0\xaf", 2));
	cr_assert_not(utf8_valid("\xed\xa0\x80", 3));
	cr_assert_not(utf8_valid("\xf4\x90\x80\x80", 4));
	cr_assert_not(utf8_valid("\xe2\x82\xac", 2)); /* cut by len */
}

#define WIDTH(cp, w)                                                                               \
	cr_assert_eq(utf8_cp_width(cp), (w), "U+%04X: %d, want %d", (unsigned)(cp),                \
	             utf8_cp_width(cp), (w))

Test(utf8_cp_width, controls)
{
	uint32_t cp;

	WIDTH(0, 0);
	for (cp = 1; cp < 0x20; cp++)
		WIDTH(cp, -1);
	for (cp = 0x7f; cp < 0xa0; cp++)
		WIDTH(cp, -1);
	WIDTH(0x1b, -1);
	WIDTH(0x9b, -1);
	WIDTH(0xd800, -1);
	WIDTH(0x110000, -1);
}

Test(utf8_cp_width, narrow)
{
	uint32_t cp;

	for (cp = 0x20; cp < 0x7f; cp++)
		WIDTH(cp, 1);
	WIDTH(0xa0, 1);
	WIDTH(0xad, 1); /* soft hyphen is drawn */
	WIDTH(0xe9, 1);
	WIDTH(0x3b1, 1); /* Greek alpha */
	WIDTH(0x416, 1); /* Cyrillic */
	WIDTH(0x5d0, 1); /* Hebrew alef */
	WIDTH(0x627, 1); /* Arabic alef */
	WIDTH(0x600, 1); /* prepended mark, visible */
	WIDTH(0x2014, 1);
	WIDTH(0x20ac, 1);
	WIDTH(0x2603, 1); /* snowman: text presentation */
	WIDTH(0x303f, 1); /* the one narrow hole in U+2E80..U+A4CF */
	WIDTH(0xa4d0, 1); /* Lisu, just past it */
	WIDTH(0xd7a4, 1);
	WIDTH(0xfffd, 1);
	WIDTH(0xff61, 1);  /* halfwidth katakana */
	WIDTH(0x1f1e6, 1); /* regional indicator */
	WIDTH(0x1f321, 1); /* thermometer: no emoji presentation */
	WIDTH(0x10ffff, 1);
}

Test(utf8_cp_width, zero_width)
{
	uint32_t cp;

	for (cp = 0x300; cp <= 0x36f; cp++)
		WIDTH(cp, 0);
	WIDTH(0x483, 0);
	WIDTH(0x591, 0);
	WIDTH(0x64b, 0);
	WIDTH(0x93c, 0);
	WIDTH(0x1ab0, 0);
	WIDTH(0x1dc0, 0);
	WIDTH(0x1dff, 0);
	for (cp = 0x200b; cp <= 0x200f; cp++)
		WIDTH(cp, 0);
	WIDTH(0x202e, 0);
	WIDTH(0x2060, 0);
	WIDTH(0x20d0, 0);
	WIDTH(0x20e3, 0); /* keycap, Me */
	WIDTH(0x302a, 0); /* inside the wide CJK range */
	WIDTH(0x3099, 0);
	for (cp = 0xfe00; cp <= 0xfe0f; cp++)
		WIDTH(cp, 0);
	WIDTH(0xfe20, 0);
	WIDTH(0xfeff, 0);
	WIDTH(0x1160, 0); /* Hangul medial vowel */
	WIDTH(0x11ff, 0);
	WIDTH(0x1f3fb, 2); /* skin tone modifiers are drawn, wide */
	WIDTH(0xe0001, 0);
	WIDTH(0xe007f, 0);
	WIDTH(0xe0100, 0);
	WIDTH(0xe01ef, 0);
}

Test(utf8_cp_width, wide)
{
	WIDTH(0x1100, 2);
	WIDTH(0x115f, 2);
	WIDTH(0x231a, 2); /* watch emoji */
	WIDTH(0x2614, 2);
	WIDTH(0x2e80, 2);
	WIDTH(0x3000, 2); /* ideographic space */
	WIDTH(0x3042, 2); /* hiragana */
	WIDTH(0x30a2, 2); /* katakana */
	WIDTH(0x3400, 2);
	WIDTH(0x4dc0, 2);
	WIDTH(0x4e00, 2);
	WIDTH(0x65e5, 2); /* 日 */
	WIDTH(0x9fff, 2);
	WIDTH(0xa000, 2); /* Yi */
	WIDTH(0xa4cf, 2);
	WIDTH(0xac00, 2); /* Hangul syllables */
	WIDTH(0xd7a3, 2);
	WIDTH(0xf900, 2);
	WIDTH(0xfaff, 2);
	WIDTH(0xfe30, 2);
	WIDTH(0xfe4f, 2);
	WIDTH(0xff01, 2); /* fullwidth ! */
	WIDTH(0xff60, 2);
	WIDTH(0xffe0, 2);
	WIDTH(0xffe6, 2);
	WIDTH(0x1f004, 2);
	WIDTH(0x1f300, 2);
	WIDTH(0x1f389, 2);
	WIDTH(0x1f600, 2); /* 😀 */
	WIDTH(0x1f64f, 2);
	WIDTH(0x1f680, 2);
	WIDTH(0x1f90c, 2);
	WIDTH(0x1f9ff, 2);
	WIDTH(0x1fa70, 2);
	WIDTH(0x20000, 2);
	WIDTH(0x2a6df, 2);
	WIDTH(0x2fffd, 2);
	WIDTH(0x30000, 2);
	WIDTH(0x3fffd, 2);
}

Test(utf8_cp_width, never_out_of_range)
{
	uint32_t cp;
	int w;

	for (cp = 0; cp <= 0x110010; cp++) {
		w = utf8_cp_width(cp);
		cr_assert(w >= -1 && w <= 2, "U+%04X: %d", (unsigned)cp, w);
	}
	cr_assert_eq(utf8_cp_width(UINT32_MAX), -1);
}

#define SWIDTH(s, w)                                                                               \
	cr_assert_eq(utf8_width(s, sizeof(s) - 1), (size_t)(w), "%s: %zu", #s,                     \
	             utf8_width(s, sizeof(s) - 1))

Test(utf8_width, strings)
{
	SWIDTH("", 0);
	SWIDTH("hello", 5);
	SWIDTH("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 6); /* 日本語 */
	SWIDTH("e\xcc\x81", 1);                            /* e + U+0301 */
	SWIDTH("a\xe2\x80\x8b"
	       "b",
	       2);                             /* ZWSP */
	SWIDTH("\xf0\x9f\x98\x80!", 3);        /* 😀! */
	SWIDTH("\xe2\x9d\xa4\xef\xb8\x8f", 1); /* ❤ + VS16 */
	SWIDTH("\xed\x95\x9c\xea\xb8\x80", 4); /* 한글 */
	SWIDTH("\xef\xbc\xa1\xef\xbc\xa2", 4); /* ＡＢ */
	SWIDTH("\xff\xfe", 2);                 /* 2 x U+FFFD */
	SWIDTH("\xe2\x82", 2);
}

Test(utf8, prefix_never_cuts_a_character)
{
	cr_assert_eq(utf8_prefix("abc", 2), 2);
	cr_assert_eq(utf8_prefix("abc", 10), 3);
	/* 你 is 3 bytes: 4 bytes hold one, not one and a third */
	cr_assert_eq(utf8_prefix("你好", 4), 3);
	cr_assert_eq(utf8_prefix("你好", 6), 6);
	cr_assert_eq(utf8_prefix("你好", 2), 0);
}
