/* The stanza helpers: a server's stream error turned into one line fit to
 * show, whatever the server put in it. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "xmpp/stanza.h"

static xmpp_ctx_t *ctx;

static void setup(void)
{
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
}

static void teardown(void)
{
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
}

TestSuite(stanza, .init = setup, .fini = teardown);

/* se as libstrophe fills it: the element, and the text of its <text/>. */
static char *line_for(const char *xml, const char *text)
{
	xmpp_stream_error_t se = {.type = XMPP_SE_UNDEFINED_CONDITION, .text = (char *)text};
	char *out;

	se.stanza = xml != NULL ? xmpp_stanza_new_from_string(ctx, xml) : NULL;
	if (xml != NULL)
		cr_assert_not_null(se.stanza, "libstrophe did not parse %s", xml);
	out = stanza_stream_error_text(&se);
	if (se.stanza != NULL)
		xmpp_stanza_release(se.stanza);
	return out;
}

#define NS "urn:ietf:params:xml:ns:xmpp-streams"

Test(stanza, stream_error_gives_condition_and_text)
{
	char *s = line_for("<error><conflict xmlns='" NS "'/><text xmlns='" NS
	                   "'>Replaced</text></error>",
	                   "Replaced");

	cr_expect_str_eq(s, "conflict: Replaced");
	free(s);
}

Test(stanza, condition_found_after_the_text_and_alone)
{
	char *a = line_for("<error><text xmlns='" NS "'>bye</text><system-shutdown xmlns='" NS
	                   "'/></error>",
	                   "bye");
	char *b = line_for("<error><host-gone xmlns='" NS "'/></error>", NULL);

	cr_expect_str_eq(a, "system-shutdown: bye");
	cr_expect_str_eq(b, "host-gone");
	free(a);
	free(b);
}

Test(stanza, empty_or_missing_error_is_undefined_condition)
{
	char *a = line_for("<error/>", NULL);
	char *b = line_for(NULL, NULL);

	cr_expect_str_eq(a, "undefined-condition");
	cr_expect_str_eq(b, "undefined-condition");
	free(a);
	free(b);
}

Test(stanza, hostile_text_is_made_visible)
{
	char *s = line_for("<error><policy-violation xmlns='" NS "'/></error>", "a\x1b[2J\xc2\x9b"
	                                                                        "b\xe2\x80\xae"
	                                                                        "c\r\x07");

	cr_expect(strchr(s, '\x1b') == NULL && strchr(s, '\r') == NULL && strchr(s, '\a') == NULL,
	          "a control character passed: %s", s);
	cr_expect(strstr(s, "\xc2\x9b") == NULL && strstr(s, "\xe2\x80\xae") == NULL,
	          "CSI or a bidi override passed: %s", s);
	cr_expect(strstr(s, "policy-violation: a^[[2J") != NULL, "%s", s);
	free(s);
}

Test(stanza, long_text_is_cut_between_characters)
{
	char text[4000];
	char *s;

	/* 3-byte characters, so that a cut at a fixed byte count would fall
	 * inside one. */
	for (size_t i = 0; i + 3 < sizeof text; i += 3)
		memcpy(text + i, "\xe4\xbd\xa0", 3);
	text[sizeof text - 1 - (sizeof text - 1) % 3] = '\0';
	s = line_for("<error><conflict xmlns='" NS "'/></error>", text);
	cr_expect_leq(strlen(s), 400, "%zu bytes", strlen(s));
	cr_expect(strstr(s, "\xef\xbf\xbd") == NULL, "a character was cut in two: %s", s);
	free(s);
}
