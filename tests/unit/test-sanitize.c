/* The terminal gate: nothing a peer sends may reach the screen as a
 * control, an escape sequence or a bidi override. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/sanitize.h"
#include "util/utf8.h"
#include "xorshift.h"

static void expect(const char *in, size_t len, int keep_nl, const char *want)
{
	char *out = sanitize(in, len, keep_nl);

	cr_assert_not_null(out);
	cr_assert_str_eq(out, want);
	free(out);
}

#define SAN(in, want)    expect(in, sizeof(in) - 1, 0, want)
#define SAN_NL(in, want) expect(in, sizeof(in) - 1, 1, want)

static bool is_bidi(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* The property every output must have, whatever went in. */
static void assert_printable(const char *out, int keep_nl, const char *what)
{
	size_t len = strlen(out), i = 0, n;
	uint32_t cp;

	cr_assert(utf8_valid(out, len), "%s: output is not UTF-8", what);
	while (i < len) {
		n = utf8_decode(out + i, len - i, &cp);
		if (cp == '\n')
			cr_assert(keep_nl, "%s: newline in output", what);
		else
			cr_assert(cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f),
			          "%s: control U+%04X in output", what, (unsigned)cp);
		cr_assert_not(is_bidi(cp), "%s: bidi U+%04X in output", what, (unsigned)cp);
		cr_assert(cp != 0x2028 && cp != 0x2029, "%s: separator in output", what);
		i += n;
	}
}

Test(sanitize, plain_text_unchanged)
{
	SAN("", "");
	SAN("hello, world", "hello, world");
	SAN("caf\xc3\xa9", "caf\xc3\xa9");
	SAN("\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac");
	SAN("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
	/* A ZWJ emoji sequence and a real U+FFFD pass as they are. */
	SAN("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",
	    "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb");
	SAN("\xef\xbf\xbd", "\xef\xbf\xbd");
	SAN("e\xcc\x81", "e\xcc\x81");
}

Test(sanitize, escape_becomes_caret_bracket)
{
	char *out;

	SAN("\x1b", "^[");
	SAN("\x1b[2J", "^[[2J");
	SAN("\x1b[31mred\x1b[0m", "^[[31mred^[[0m");
	SAN("\x1b"
	    "c",
	    "^[c"); /* full reset */
	out = sanitize_str("x\x1b[2J\x1b[H");
	cr_assert_null(strchr(out, 0x1b));
	free(out);
}

Test(sanitize, osc_sequences_neutralised)
{
	/* OSC 52 would write the clipboard; OSC 0 retitles the window. */
	SAN("\x1b]52;c;ZXZpbA==\x07", "^[]52;c;ZXZpbA==^G");
	SAN("\x1b]52;c;ZXZpbA==\x1b\\", "^[]52;c;ZXZpbA==^[\\");
	SAN("\x1b]0;pwned\x07", "^[]0;pwned^G");
	/* The same with C1 introducers, encoded as UTF-8. */
	SAN("\xc2\x9d"
	    "52;c;ZXZpbA==\xc2\x9c",
	    "<U+009D>52;c;ZXZpbA==<U+009C>");
}

Test(sanitize, c1_controls)
{
	SAN("\xc2\x9b"
	    "2J",
	    "<U+009B>2J"); /* CSI */
	SAN("\xc2\x80", "<U+0080>");
	SAN("\xc2\x85", "<U+0085>"); /* NEL */
	SAN("\xc2\x9f", "<U+009F>");
	SAN("\xc2\xa0", "\xc2\xa0"); /* NBSP is not C1 */
	/* A raw 8-bit CSI byte is not UTF-8: it must not pass either. */
	SAN("\x9b"
	    "2J",
	    "\xef\xbf\xbd"
	    "2J");
}

Test(sanitize, c0_caret_notation)
{
	SAN("a\rb", "a^Mb");
	SAN("\x01\x02\x07\x08", "^A^B^G^H");
	SAN("\x0b\x0c", "^K^L");
	SAN("\x1c\x1d\x1e\x1f", "^\\^]^^^_");
	SAN("\x7f", "^?");
	expect("a\0b", 3, 0, "a^@b");
	expect("\0", 1, 1, "^@");
}

Test(sanitize, tab_and_newline)
{
	SAN("a\tb", "a b");
	SAN("a\nb", "a^Jb");
	SAN_NL("a\nb", "a\nb");
	SAN_NL("a\r\nb", "a^M\nb");
	SAN_NL("a\tb\n", "a b\n");
}

Test(sanitize, bidi_controls)
{
	SAN("\xe2\x80\xae", "<U+202E>");
	SAN("invoice\xe2\x80\xaegpj.exe", "invoice<U+202E>gpj.exe");
	SAN("\xd8\x9c", "<U+061C>");
	SAN("\xe2\x80\x8e\xe2\x80\x8f", "<U+200E><U+200F>");
	SAN("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "<U+202A><U+202B><U+202C><U+202D>");
	SAN("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", "<U+2066><U+2067><U+2068><U+2069>");
	/* Line and paragraph separators. */
	SAN("a\xe2\x80\xa8"
	    "b\xe2\x80\xa9",
	    "a<U+2028>b<U+2029>");
	SAN_NL("a\xe2\x80\xa8"
	       "b",
	       "a<U+2028>b");
}

Test(sanitize, invalid_utf8_replaced)
{
	SAN("\xff", "\xef\xbf\xbd");
	SAN("a\x80z", "a\xef\xbf\xbdz");
	SAN("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"); /* overlong '/' */
	SAN("\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd"); /* truncated */
	SAN("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	SAN("\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* An overlong ESC (C0 9B) cannot smuggle a control through. */
	SAN("\xc0\x9b", "\xef\xbf\xbd\xef\xbf\xbd");
	/* The length is respected: the cut sequence is invalid. */
	expect("\xe2\x82\xac", 2, 0, "\xef\xbf\xbd\xef\xbf\xbd");
}

Test(sanitize, null_and_empty)
{
	char *out = sanitize_str(NULL);

	cr_assert_str_eq(out, "");
	free(out);
	out = sanitize("", 0, 1);
	cr_assert_str_eq(out, "");
	free(out);
	out = sanitize_str("plain\n");
	cr_assert_str_eq(out, "plain^J");
	free(out);
}

Test(sanitize, every_code_point_is_safe)
{
	char in[4], what[16];
	uint32_t cp;
	size_t n;
	char *out;

	for (cp = 0; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		n = utf8_encode(cp, in);
		out = sanitize(in, n, 0);
		if ((cp >= 0x20 && cp < 0x7f) || cp >= 0xa0) {
			/* Anything else printable goes through untouched. */
			if (!is_bidi(cp) && cp != 0x2028 && cp != 0x2029) {
				cr_assert_eq(strlen(out), n, "U+%04X", (unsigned)cp);
				cr_assert_eq(memcmp(out, in, n), 0, "U+%04X", (unsigned)cp);
			}
		}
		snprintf(what, sizeof(what), "U+%04X", (unsigned)cp);
		assert_printable(out, 0, what);
		free(out);
	}
}

Test(sanitize, every_byte_is_safe)
{
	char in[3], what[16];
	unsigned c;
	char *out;

	for (c = 0; c < 256; c++) {
		in[0] = 'x';
		in[1] = (char)c;
		in[2] = 'y';
		snprintf(what, sizeof(what), "byte %#x", c);
		out = sanitize(in, 3, 0);
		assert_printable(out, 0, what);
		free(out);
		out = sanitize(in, 3, 1);
		assert_printable(out, 1, what);
		free(out);
	}
}

Test(sanitize, random_bytes_are_safe)
{
	/* Bias towards the interesting bytes: ESC, C1 lead bytes, '\r'. */
	static const unsigned char hot[] = {0x1b, 0x9b, 0xc2, 0xe2, 0x80, 0xae,
	                                    0x0d, 0x07, 0x00, 0xff, 0xed, 0xf4};
	uint32_t state = 0x2545f491;
	char in[64], what[32];
	int iter, keep;
	size_t len, i;
	char *out;

	for (iter = 0; iter < 20000; iter++) {
		len = xorshift32(&state) % sizeof(in);
		for (i = 0; i < len; i++) {
			uint32_t r = xorshift32(&state);

			in[i] = (char)((r & 0x100) ? hot[(r >> 9) % sizeof(hot)] : r & 0xff);
		}
		keep = (int)(xorshift32(&state) & 1);
		snprintf(what, sizeof(what), "iteration %d", iter);
		out = sanitize(in, len, keep);
		assert_printable(out, keep, what);
		free(out);
	}
}

/* sanitize_char() is what the prompt draws with: character by character it
 * must give what sanitize() gives for the whole string, so that there is
 * one rule whichever way text is drawn. */
Test(sanitize, char_by_char_is_the_same_rule)
{
	static const char *const inputs[] = {"plain",
	                                     "esc\x1b[2Jx",
	                                     "c1\xc2\x9b",
	                                     "bidi\xe2\x80\xaegnp.exe",
	                                     "sep\xe2\x80\xa8x",
	                                     "bad\xff\xc3",
	                                     "tab\there",
	                                     "nl\nx",
	                                     "\xe6\x97\xa5\xf0\x9f\x98\x80"};

	for (size_t k = 0; k < sizeof(inputs) / sizeof(inputs[0]); k++) {
		const char *in = inputs[k];
		size_t len = strlen(in), used;
		char *whole = sanitize(in, len, 0), one[SANITIZE_CHAR_MAX];
		char joined[256] = "";
		size_t jl = 0;

		for (size_t i = 0; i < len; i += used) {
			size_t n = sanitize_char(in + i, len - i, 0, one, &used);

			cr_assert_gt(used, 0);
			cr_assert_leq(n, SANITIZE_CHAR_MAX);
			memcpy(joined + jl, one, n);
			jl += n;
		}
		joined[jl] = '\0';
		cr_assert_str_eq(joined, whole, "input %zu", k);
		free(whole);
	}
}

Test(sanitize, char_form_of_the_largest_escape_fits)
{
	char out[SANITIZE_CHAR_MAX];
	size_t used, n = sanitize_char("\xe2\x81\xa9", 3, 0, out, &used);

	cr_assert_eq(used, 3);
	cr_assert_eq(n, 8);
	cr_assert(memcmp(out, "<U+2069>", 8) == 0);
}

/* The predicate other writers (the JSON one) escape by. */
Test(sanitize, unsafe_code_points)
{
	static const uint32_t unsafe[] = {0x00,   0x0a,   0x1b,   0x7f,   0x80,   0x9b,
	                                  0x9f,   0x061c, 0x200e, 0x200f, 0x2028, 0x2029,
	                                  0x202a, 0x202e, 0x2066, 0x2069};
	static const uint32_t safe[] = {0x20,   0x41,   0x7e,   0xa0,   0xe9,   0x200d,
	                                0x2030, 0x2065, 0x206a, 0xfffd, 0x1f600};

	for (size_t i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++)
		cr_assert(sanitize_is_unsafe(unsafe[i]), "U+%04X", (unsigned)unsafe[i]);
	for (size_t i = 0; i < sizeof(safe) / sizeof(safe[0]); i++)
		cr_assert_not(sanitize_is_unsafe(safe[i]), "U+%04X", (unsigned)safe[i]);
}
