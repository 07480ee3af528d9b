/* Splitting received bytes into the elements libstrophe logs: the same
 * elements whatever the reads look like, and nothing when the two get out
 * of step. */
#include <criterion/criterion.h>
#include <string.h>

#include "xmpp/wiretap.h"

#define FD 7

static const char stream[] =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' xml:lang='en' version='1.0'>"
    "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"
    "</starttls></stream:features> \n"
    "<message xml:lang='de' a='x>y' b=\"</message>\"><body><![CDATA[<not/>]]>"
    "hi</body><!-- > --></message>"
    "<r xmlns='urn:xmpp:sm:3'/></stream:stream>";

/* What libstrophe logs for each, in order (re-serialised: names only
 * matter). */
static const char *const logged[] = {
    "<stream:stream lang=\"en\" version=\"1.0\">",
    "<features xmlns=\"http://etherx.jabber.org/streams\"><starttls/></features>",
    "<message lang=\"de\"><body>hi</body></message>",
    "<r xmlns=\"urn:xmpp:sm:3\"/>",
    "</stream:stream>",
};

static const char *const wire[] = {
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
    "xml:lang='en' version='1.0'>",
    "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"
    "</starttls></stream:features>",
    "<message xml:lang='de' a='x>y' b=\"</message>\"><body><![CDATA[<not/>]]>hi</body>"
    "<!-- > --></message>",
    "<r xmlns='urn:xmpp:sm:3'/>",
    "</stream:stream>",
};

Test(wiretap, the_same_elements_for_every_read_size)
{
	size_t n = strlen(stream);

	for (size_t chunk = 1; chunk <= n; chunk++) {
		size_t next = 0;

		wiretap_watch(FD);
		for (size_t off = 0; off < n; off += chunk) {
			wiretap_feed(FD, stream + off, off + chunk <= n ? chunk : n - off);
			/* libstrophe logs an element once it has all of it. */
			while (next < 5) {
				size_t have = off + chunk <= n ? off + chunk : n;
				const char *at = strstr(stream, wire[next]);
				char *w;

				if (next > 0 && at + strlen(wire[next]) > stream + have)
					break;
				if (next == 0 && at + strlen(wire[0]) > stream + have)
					break;
				w = wiretap_take(logged[next]);
				cr_assert_not_null(w, "chunk %zu: nothing for %s", chunk,
				                   logged[next]);
				cr_assert_str_eq(w, wire[next], "chunk %zu", chunk);
				wiretap_free(w);
				next++;
			}
		}
		cr_assert_eq(next, 5, "chunk %zu: %zu elements", chunk, next);
	}
	wiretap_watch(-1);
}

Test(wiretap, other_sockets_are_not_captured)
{
	wiretap_watch(FD);
	wiretap_feed(FD + 1, "<a/>", 4);
	cr_expect_null(wiretap_take("<a/>"));
	wiretap_watch(-1);
}

Test(wiretap, out_of_step_gives_nothing_rather_than_a_wrong_element)
{
	char *w;

	wiretap_watch(FD);
	wiretap_feed(FD, "<stream:stream><a/><b/><c/>", 27);
	w = wiretap_take("<stream:stream>");
	cr_expect_not_null(w);
	wiretap_free(w);
	cr_expect_null(wiretap_take("<b/>"), "an <a/> shown for a <b/>");
	cr_expect_null(wiretap_take("<c/>"), "the queue was not dropped");
	wiretap_feed(FD, "<d/>", 4);
	w = wiretap_take("<d/>");
	cr_expect_str_eq(w, "<d/>");
	wiretap_free(w);
	wiretap_watch(-1);
}

Test(wiretap, a_stream_restart_is_a_header)
{
	char *w;

	wiretap_watch(FD);
	wiretap_feed(FD, "<stream:stream><proceed/><?xml version='1.0'?><stream:stream id='2'>",
	             68);
	wiretap_free(wiretap_take("<stream:stream>"));
	wiretap_free(wiretap_take("<proceed/>"));
	w = wiretap_take("<stream:stream id=\"2\">");
	cr_expect_str_eq(w, "<stream:stream id='2'>");
	wiretap_free(w);
	wiretap_watch(-1);
}
