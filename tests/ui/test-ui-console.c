/* The XML console in a real terminal (tmux): /xmlconsole shows the stream
 * negotiation pretty-printed, SASL redacted; a /raw ping is answered in the
 * status window; a presence filter shows only presence. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/harness.h"

static struct prosody srv;
static struct tmux term;
static struct jproc *bob;

/* base64("\0alice\0password"), and of SCRAM's client-first and client-final
 * message starts */
static const char *const secrets[] = {"AGFsaWNlAHBhc3N3b3Jk", "biwsbj1hbGljZSxy", "Yz1iaXdz",
                                      "password", NULL};

static void setup(void)
{
	const char *users[] = {"alice:password", "bob:builder", NULL};

	cr_assert(prosody_befriend(&srv, "alice", "bob"));
	cr_assert(prosody_start(&srv, users), "Prosody did not start");
}

static void teardown(void)
{
	tmux_stop(&term);
	jproc_free(bob);
	bob = NULL;
	prosody_stop(&srv);
}

TestSuite(ui_console, .init = setup, .fini = teardown, .timeout = 120);

static void expect_screen(const char *text)
{
	cr_expect(tmux_wait_for(&term, text, HARNESS_TIMEOUT_MS), "'%s' not on the screen", text);
}

static void expect_no_secret_on_screen(void)
{
	char *s = tmux_capture(&term);

	cr_assert_not_null(s);
	for (size_t i = 0; secrets[i] != NULL; i++)
		cr_expect(strstr(s, secrets[i]) == NULL, "'%s' on the screen:\n%s", secrets[i], s);
	free(s);
}

static void start_alice(void)
{
	cr_assert(tmux_start_jabiru(&term, &srv, "alice", "password", 110, 32, NULL, NULL),
	          "alice did not log in");
	/* The console gets the whole width: the assertions below read lines
	 * as wide as the terminal. */
	cr_assert(tmux_type_line(&term, "/roster pane"));
}

Test(ui_console, shows_the_negotiation_pretty_and_redacted)
{
	start_alice();
	cr_assert(tmux_type_line(&term, "/xmlconsole filter ns:urn:ietf:params:xml:ns:xmpp-tls"));
	expect_screen("filter: ns:urn:ietf:params:xml:ns:xmpp-tls");
	/* The features, indented one level per element. */
	expect_screen("<stream:features>");
	expect_screen("\n  <starttls xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\">");
	expect_screen("\n    <required/>");
	expect_screen("<proceed xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"/>");
	expect_screen("↑ sent");
	expect_screen("↓ received");

	cr_assert(tmux_type_line(&term, "/xmlconsole filter ns:urn:ietf:params:xml:ns:xmpp-sasl"));
	expect_screen("<mechanism>PLAIN</mechanism>");
	expect_screen("\">[redacted]</auth>");
	expect_screen(">[redacted]</success>");
	expect_no_secret_on_screen();

	cr_assert(tmux_type_line(&term, "/xmlconsole compact"));
	expect_screen(" — compact");
	expect_screen("<stream:features><");
	{
		/* No element starts an indented line of its own any more. */
		char *s = tmux_capture(&term);

		cr_assert_not_null(s);
		cr_expect(strstr(s, "\n  <") == NULL, "not compact:\n%s", s);
		free(s);
	}
	expect_no_secret_on_screen();
}

Test(ui_console, raw_ping_is_answered_and_a_filter_shows_only_presence)
{
	char *s;

	start_alice();
	cr_assert(tmux_type_line(&term, "/xmlconsole"));
	expect_screen("XML console:");
	/* Only this exchange: the server's own disco queries must not push it
	 * off the screen. */
	cr_assert(tmux_type_line(&term, "/xmlconsole filter text:uiping1"));
	expect_screen("filter: text:uiping1");
	cr_assert(tmux_type_line(
	    &term,
	    "/raw <iq type='get' to='localhost' id='uiping1'><ping xmlns='urn:xmpp:ping'/></iq>"));
	expect_screen("id=\"uiping1\"");
	/* The answer is announced where the /raw was typed. Waited for here,
	 * so that it cannot arrive later and become the console's last notice
	 * (an "<iq" outside the entries) while the presence filter is checked. */
	expect_screen("Answer to /raw iq uiping1 from localhost (result)");
	/* A malformed one is refused where the user is looking. */
	cr_assert(tmux_type_line(&term, "/raw <iq id='uibad'><oops></iq>"));
	expect_screen("mismatched tag");
	cr_assert(tmux_type_line(&term, "/win 1"));
	expect_screen("Answer to /raw iq uiping1 from localhost (result)");

	bob = jproc_login(&srv, "bob", "builder", NULL);
	cr_assert_not_null(bob);
	cr_assert(tmux_type_line(&term, "/xmlconsole filter presence"));
	expect_screen("filter: presence");
	expect_screen("<presence");
	expect_screen("from=\"bob@localhost/");
	s = tmux_capture(&term);
	cr_assert_not_null(s);
	cr_expect(strstr(s, "<iq") == NULL && strstr(s, "<message") == NULL &&
	              strstr(s, "<features") == NULL && strstr(s, "uibad") == NULL,
	          "not only presence:\n%s", s);
	free(s);

	/* Cleared: everything again, the iq among it. */
	cr_assert(tmux_type_line(&term, "/xmlconsole filter text:uiping1"));
	expect_screen("<ping xmlns=\"urn:xmpp:ping\"/>");
	cr_assert(tmux_type_line(&term, "/quit"));
	cr_expect_eq(tmux_wait_exit(&term, HARNESS_TIMEOUT_MS), 0);
}

Test(ui_console, pause_freezes_the_view_and_page_keys_scroll)
{
	char *s;

	start_alice();
	bob = jproc_login(&srv, "bob", "builder", NULL);
	cr_assert_not_null(bob);
	cr_assert(tmux_type_line(&term, "/xmlconsole filter message"));
	expect_screen("filter: message");
	cr_assert(tmux_type_line(&term, "/xmlconsole pause"));
	expect_screen(" — paused");

	cr_assert(jproc_send(bob, "/msg alice@localhost said while paused"));
	/* It arrived: its chat window shows in the window bar with an unread
	 * mark. */
	expect_screen("bob(1)");
	s = tmux_capture(&term);
	cr_assert_not_null(s);
	cr_expect(strstr(s, "said while paused") == NULL, "the paused view moved:\n%s", s);
	free(s);
	cr_assert(tmux_type_line(&term, "/xmlconsole resume"));
	expect_screen("<body>said while paused</body>");

	cr_assert(tmux_type_line(&term, "/xmlconsole filter"));
	expect_screen("XML console: ");
	cr_assert(tmux_send_keys(&term, "PageUp"));
	expect_screen(" — scrolled up");
	cr_assert(tmux_send_keys(&term, "PageDown"));
	cr_expect(tmux_wait_for(&term, "<body>said while paused</body>", HARNESS_TIMEOUT_MS));
	s = tmux_capture(&term);
	cr_assert_not_null(s);
	cr_expect(strstr(s, "scrolled up") == NULL, "still scrolled:\n%s", s);
	free(s);
}

/* Rows 2..27 of the screen: the console's entries, without the title,
 * the console's own header (its count changes) and the bars. */
static char *entry_rows(void)
{
	char *s = tmux_capture(&term), *p, *out;
	int row = 0;

	cr_assert_not_null(s);
	for (p = s; *p != '\0' && row < 2; p++)
		row += *p == '\n';
	out = strdup(p);
	for (p = out, row = 2; *p != '\0'; p++)
		if (*p == '\n' && ++row == 28) {
			p[1] = '\0';
			break;
		}
	free(s);
	return out;
}

Test(ui_console, new_entries_do_not_move_a_view_scrolled_up)
{
	char *before, *after;

	start_alice();
	bob = jproc_login(&srv, "bob", "builder", NULL);
	cr_assert_not_null(bob);
	cr_assert(tmux_type_line(&term, "/xmlconsole filter message"));
	expect_screen("filter: message");
	for (int i = 1; i <= 8; i++)
		cr_assert(jproc_sendf(bob, "/msg alice@localhost history %d", i));
	expect_screen("<body>history 8</body>");
	cr_assert(tmux_send_keys(&term, "PageUp"));
	expect_screen(" — scrolled up");
	before = entry_rows();

	cr_assert(jproc_send(bob, "/msg alice@localhost arrives below"));
	/* It arrived: bob's window counts nine unread messages. */
	expect_screen("bob(9)");
	after = entry_rows();
	cr_expect_str_eq(after, before, "the view moved");
	cr_expect(strstr(after, "arrives below") == NULL, "%s", after);
	free(before);
	free(after);
	cr_assert(tmux_send_keys(&term, "PageDown", "PageDown", "PageDown", "PageDown"));
	expect_screen("<body>arrives below</body>");
	cr_assert(tmux_type_line(&term, "/quit"));
	cr_expect_eq(tmux_wait_exit(&term, HARNESS_TIMEOUT_MS), 0);
}

/* A flood after the login (here 300 messages into a 50-element ring; with
 * a big roster, the server's PEP queries) does not push the negotiation
 * out of the console: STARTTLS and the resource binding are still there. */
Test(ui_console, the_negotiation_survives_a_flood)
{
	start_alice();
	bob = jproc_login(&srv, "bob", "builder", NULL);
	cr_assert_not_null(bob);
	cr_assert(tmux_type_line(&term, "/set console.size 50"));
	for (int i = 0; i < 300; i++)
		cr_assert(jproc_sendf(bob, "/msg alice@localhost flood %d", i));
	cr_assert(tmux_type_line(&term, "/xmlconsole"));
	cr_assert(tmux_type_line(&term, "/xmlconsole filter text:flood"));
	expect_screen("<body>flood 299</body>");
	/* Only 50 kept: the older floods are gone ... */
	expect_screen("XML console: 50 elements — filter: text:flood");
	/* ... but not the negotiation. */
	cr_assert(tmux_type_line(&term, "/xmlconsole filter ns:urn:ietf:params:xml:ns:xmpp-tls"));
	expect_screen("<proceed xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"/>");
	cr_assert(tmux_type_line(&term, "/xmlconsole filter ns:urn:ietf:params:xml:ns:xmpp-bind"));
	expect_screen("<jid>alice@localhost/");
}

/* /raw can carry a password: neither a line holding one nor the lines that
 * continue a multi-line element reach the history file; a /raw without a
 * secret does, as other lines. */
Test(ui_console, raw_secrets_stay_out_of_the_history)
{
	char path[HARNESS_PATH_MAX + 32], buf[8192];
	FILE *f;
	size_t n;

	start_alice();
	cr_assert(tmux_type_line(&term, "/raw <iq type='set' to='nobody.localhost'><query "
	                                "xmlns='jabber:iq:register'><password>OneLineS3cret"
	                                "</password></query></iq>"));
	expect_screen("Answer to /raw iq");
	cr_assert(tmux_type_line(&term, "/raw <iq type='set' to='nobody.localhost'><query "
	                                "xmlns='jabber:iq:register'><password>"));
	expect_screen("The element is not complete yet");
	cr_assert(tmux_type_line(&term, "ContinuedS3cret</password></query></iq>"));
	cr_assert(tmux_type_line(&term, "/raw <presence><status>kept</status></presence>"));
	cr_assert(tmux_type_line(&term, "/quit"));
	cr_assert_eq(tmux_wait_exit(&term, HARNESS_TIMEOUT_MS), 0);
	snprintf(path, sizeof path, "%s/data/jabiru/history", term.dir);
	f = fopen(path, "r");
	cr_assert_not_null(f, "no history file at %s", path);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	cr_expect(strstr(buf, "S3cret") == NULL, "a secret is in the history:\n%s", buf);
	cr_expect(strstr(buf, "<status>kept</status>") != NULL,
	          "/raw without a secret is not "
	          "kept:\n%s",
	          buf);
}
