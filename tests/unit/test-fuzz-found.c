/* What the libFuzzer harnesses (tests/fuzz) found, replayed through the
 * same stanza driver as unit tests, each named after the bug. The input is
 * the harness's (reduced), the expectations what a user would see. Leaks
 * fail the test only under ASan (./configure --enable-sanitizers), where
 * the suite's second half runs: LeakSanitizer is asked after each run,
 * since a report at a Criterion worker's exit fails nothing. */
#include <criterion/criterion.h>
#include <string.h>

#include "../fuzz/stanza-driver.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define leaks_now() __lsan_do_recoverable_leak_check()
#else
#define leaks_now() 0
#endif

static void setup(void)
{
	driver_init();
}

static void teardown(void)
{
	driver_fini();
}

TestSuite(fuzz_found, .init = setup, .fini = teardown);

static const char roster[] = "<iq type='result' id='id1'><query xmlns='jabber:iq:roster'>"
                             "<item jid='bob@localhost' subscription='both'/></query></iq>";

/* Logged in, the roster loaded, then xml from the server. */
static void run_online(const char *xml)
{
	struct driver_opts o = {.batch = true, .record = true};
	struct app *app = driver_start(&o);

	cr_assert_not_null(app);
	driver_connect(app);
	driver_feed(app, (const unsigned char *)roster, strlen(roster));
	driver_feed(app, (const unsigned char *)xml, strlen(xml));
	driver_stop(app);
	cr_expect_eq(leaks_now(), 0, "LeakSanitizer found leaks (above)");
}

/* fuzz-im-stanzas: a version request without an id made the answer copy a
 * NULL id (xmpp_stanza_set_id → strlen(NULL)): any contact or server could
 * crash jabiru. A request without an id cannot be answered; it is ignored,
 * and said so. */
Test(fuzz_found, iq_request_without_an_id_is_ignored_not_a_crash)
{
	run_online("<iq type='get' from='bob@localhost/x'><query xmlns='jabber:iq:version'/></iq>"
	           "<iq type='set'><query xmlns='jabber:iq:roster'><item jid='eve@localhost'/>"
	           "</query></iq>"
	           "<message from='bob@localhost/x' type='chat'><body>still here</body></message>");
	cr_expect(strstr(driver_events(), "Ignored an iq request without an id from "
	                                  "bob@localhost/x.") != NULL,
	          "%s", driver_events());
	cr_expect(strstr(driver_events(), "Ignored an iq request without an id from the "
	                                  "server.") != NULL,
	          "%s", driver_events());
	cr_expect(strstr(driver_sent(), "jabber:iq:version") == NULL, "answered: %s",
	          driver_sent());
	cr_expect(strstr(driver_events(), "eve@localhost") == NULL, "%s", driver_events());
	cr_expect(strstr(driver_events(), "\"body\":\"still here\"") != NULL, "%s",
	          driver_events());
}

/* Issue 12 item 14 (src/xmpp/message.c, on_error_message): a message error
 * with two <text> children leaked the first one's text; LeakSanitizer, in
 * the sanitizer build, fails this test if it comes back. */
Test(fuzz_found, message_error_with_two_texts_leaks_nothing)
{
	run_online(
	    "<message from='bob@localhost/x' type='error' id='m2'><error type='cancel'>"
	    "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
	    "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>one</text>"
	    "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>two</text></error></message>");
	cr_expect(strstr(driver_events(), "\"event\":\"message-error\"") != NULL, "%s",
	          driver_events());
}
