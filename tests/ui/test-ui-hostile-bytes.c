/* Every remote string checked byte for byte on the terminal: what jabiru
 * writes to the tty is recorded (tmux pipe-pane), and between markers put
 * around each hostile payload there may be nothing but text and the
 * terminal's own rendering sequences (CSI, charset shifts): no C0 or C1
 * control, no bidi control, no line separator from the peer. The screen is
 * checked too: each payload stays on its row, with its controls shown as
 * escapes, and the bars keep their place. The hostile texts come from the
 * scripted fake server: Prosody sends none of them (a bound JID with a
 * newline, a form label with controls, a presence error text with a
 * newline). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../harness/fakeserver.h"
#include "../harness/harness.h"

static struct fakeserver fake;
static struct tmux term;

static void teardown(void)
{
	tmux_stop(&term);
	fakeserver_stop(&fake);
}

TestSuite(ui_hostile_bytes, .fini = teardown, .timeout = 120);

/* The pieces of a hostile payload, as fake-xmpp escapes (its send: and
 * option texts take Python escapes). */
#define C1_CSI  "\\xc2\\x9b"      /* U+009B, CSI in one character */
#define RLO     "\\xe2\\x80\\xae" /* U+202E RIGHT-TO-LEFT OVERRIDE */
#define LSEP    "\\xe2\\x80\\xa8" /* U+2028 LINE SEPARATOR */
#define NS_STZ  "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_STRM "urn:ietf:params:xml:ns:xmpp-streams"

/* The password (the fake server takes any): what must never be logged. */
#define SECRET "hunter2-SECRET"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
		r = fread(buf + n, 1, 4096, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static const char *memfind(const char *hay, size_t hlen, const char *needle)
{
	size_t nl = strlen(needle);

	for (size_t i = 0; i + nl <= hlen; i++)
		if (memcmp(hay + i, needle, nl) == 0)
			return hay + i;
	return NULL;
}

/* Waits until the recorded output holds text (the terminal got it). */
static bool output_has(const char *path, const char *text)
{
	long long deadline = harness_now_ms() + HARNESS_TIMEOUT_MS;

	do {
		size_t len = 0;
		char *out = slurp(path, &len);
		bool ok = out != NULL && memfind(out, len, text) != NULL;

		free(out);
		if (ok)
			return true;
		usleep(20000);
	} while (harness_now_ms() < deadline);
	return false;
}

/* One UTF-8 sequence at p (strict: no overlongs or surrogates); its code
 * point, or -1 when the bytes are not UTF-8. */
static long utf8_at(const unsigned char *p, size_t left, size_t *n)
{
	uint32_t cp;
	size_t k;

	if (p[0] < 0x80) {
		*n = 1;
		return p[0];
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		k = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		k = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		k = 4, cp = p[0] & 0x07;
	else
		return -1;
	if (k > left)
		return -1;
	for (size_t i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*n = k;
	return (long)cp;
}

/* The bytes from open to close, wherever open occurs in the recorded
 * output: text, CSI sequences (ESC [ params final), ESC ( or ) charset
 * designations and SI/SO (how curses renders), nothing else. */
static void assert_clean_between(const char *path, const char *open, const char *close)
{
	size_t len = 0, seen = 0;
	char *out = slurp(path, &len);
	const char *p = out, *end = out + len;

	cr_assert_not_null(out, "no recorded output in %s", path);
	while ((p = memfind(p, (size_t)(end - p), open)) != NULL) {
		const char *stop =
		    memfind(p + strlen(open), (size_t)(end - p - strlen(open)), close);
		const char *later;
		const unsigned char *q;

		if (stop == NULL)
			break; /* drawn cut (a narrow bar or pane) */
		/* A copy cut before its close (the window bar) is followed by
		 * cursor motion: the span checked is the last open before it. */
		while ((later = memfind(p + 1, (size_t)(stop - p - 1), open)) != NULL)
			p = later;
		q = (const unsigned char *)p + strlen(open);
		while (q < (const unsigned char *)stop) {
			size_t n = 1;
			long cp;

			if (q[0] == 0x1b && q + 1 < (const unsigned char *)stop && q[1] == '[') {
				q += 2;
				while (q < (const unsigned char *)stop && *q >= 0x20 && *q <= 0x3f)
					q++;
				cr_assert(q < (const unsigned char *)stop && *q >= 0x40 &&
				              *q <= 0x7e,
				          "a cut CSI sequence between %s and %s", open, close);
				q++;
				continue;
			}
			if (q[0] == 0x1b && q + 2 < (const unsigned char *)stop &&
			    (q[1] == '(' || q[1] == ')')) {
				q += 3;
				continue;
			}
			cp = utf8_at(q, (size_t)((const unsigned char *)stop - q), &n);
			cr_assert_neq(cp, -1, "bytes that are not UTF-8 between %s and %s", open,
			              close);
			cr_assert(cp >= 0x20 || cp == 0x0e || cp == 0x0f,
			          "C0 control 0x%02lx reached the terminal between %s and %s", cp,
			          open, close);
			cr_assert(!(cp >= 0x7f && cp <= 0x9f),
			          "control U+%04lX reached the terminal between %s and %s", cp,
			          open, close);
			cr_assert(
			    !(cp == 0x061c || cp == 0x200e || cp == 0x200f ||
			      (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)),
			    "U+%04lX reached the terminal between %s and %s", cp, open, close);
			q += n;
		}
		seen++;
		p = stop;
	}
	cr_assert_gt(seen, 0, "%s never reached the terminal", open);
	free(out);
}

/* The screen row holding text (from the last capture), or NULL. */
static char *row_of(const char *screen, const char *text)
{
	const char *hit = strstr(screen, text), *b, *e;

	if (hit == NULL)
		return NULL;
	for (b = hit; b > screen && b[-1] != '\n'; b--)
		;
	e = strchr(hit, '\n');
	return strndup(b, e ? (size_t)(e - b) : strlen(b));
}

static void expect_one_row(const char *open, const char *close)
{
	char *row = row_of(term.screen, open);

	cr_assert_not_null(row, "%s is not on the screen:\n%s", open, term.screen);
	cr_expect(strstr(row, close) != NULL, "the text after %s left its row:\n%s", open,
	          term.screen);
	free(row);
}

/* jabiru in tmux against the fake server (logged in as alice@localhost
 * when login is set), its terminal output recorded to record from its
 * first byte: a shell waits for one line typed into the pane, sent once
 * the recording is on, then becomes jabiru. extra: more of jabiru's
 * arguments (NULL-terminated, may be NULL). */
static void start(const char *const *fake_args, bool login, const char *const *extra, char *record,
                  size_t size)
{
	static char config[HARNESS_PATH_MAX], port[16];
	int len;
	const char *argv[32] = {
	    "sh", "-c", "read go; exec \"$@\"", "sh", harness_jabiru_bin(), "--config", config};
	const char *env[] = {"JABIRU_PASSWORD=" SECRET, NULL};
	int n = 7;

	cr_assert(fakeserver_start(&fake, fake_args));
	cr_assert(fakeserver_config(&fake, NULL, config, sizeof config));
	snprintf(port, sizeof port, "%d", fake.port);
	if (login) {
		const char *more[] = {"--jid",     "alice@localhost", "--server",
		                      "127.0.0.1", "--port",          port};

		for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
			argv[n++] = more[i];
	}
	for (size_t i = 0; extra != NULL && extra[i] != NULL; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	len = snprintf(record, size, "%s/tty.out", fake.dir);
	cr_assert(len > 0 && (size_t)len < size);
	cr_assert(tmux_start(&term, 200, 30, argv, env), "tmux did not start");
	cr_assert(tmux_pipe_output(&term, record), "tmux pipe-pane failed");
	cr_assert(tmux_send_keys(&term, "Enter"));
}

/* The title bar shows the bound JID through the sanitiser; a bound "JID"
 * that is not one (a newline in it) is not used at all. */
Test(ui_hostile_bytes, bound_jid_in_the_title)
{
	const char *args[] = {"--bound-jid", "alice@localhost/MKA" RLO "x" LSEP "MKB", NULL};
	char record[HARNESS_PATH_MAX];

	start(args, true, NULL, record, sizeof record);
	cr_assert(tmux_wait_for(&term, "Logged in as", HARNESS_TIMEOUT_MS));
	cr_assert(tmux_wait_for(&term, "alice@localhost/MKA<U+202E>x<U+2028>MKB [online",
	                        HARNESS_TIMEOUT_MS),
	          "the title does not show the bound JID escaped");
	cr_assert(output_has(record, "MKB"));
	assert_clean_between(record, "MKA", "MKB");
}

Test(ui_hostile_bytes, bound_jid_with_a_newline_is_refused)
{
	const char *args[] = {"--bound-jid", "alice@localhost/MKA\\nMKB", NULL};
	char record[HARNESS_PATH_MAX];

	start(args, true, NULL, record, sizeof record);
	cr_assert(tmux_wait_for(&term, "Logged in as alice@localhost", HARNESS_TIMEOUT_MS));
	/* The JID jabiru asked to bind instead. */
	cr_assert(tmux_wait_for(&term, " jabiru  alice@localhost/jabiru.", HARNESS_TIMEOUT_MS),
	          "the title does not fall back to the account's JID");
	cr_expect(strstr(term.screen, "MKA") == NULL && strstr(term.screen, "MKB") == NULL,
	          "the invalid bound JID is shown:\n%s", term.screen);
}

/* A presence error's text with a newline, shown while the XML console and
 * then the transfers window is active: each stays on its one notice row. */
Test(ui_hostile_bytes, presence_error_text_in_console_and_transfers)
{
#define PRESENCE_ERROR(A, B)                                                                       \
	"send:<presence type='error' from='bob@localhost'><error type='cancel'><item-not-found "   \
	"xmlns='" NS_STZ "'/><text xmlns='" NS_STZ "'>" A " one" C1_CSI "2J" RLO "\\nsecond" LSEP  \
	" " B "</text></error></presence>"
	const char *args[] = {"--script", "wait:message", "--script", PRESENCE_ERROR("MKA", "MKB"),
	                      "--script", "wait:message", "--script", PRESENCE_ERROR("MKC", "MKD"),
	                      NULL};
	char record[HARNESS_PATH_MAX];
	char *bar;

	start(args, true, NULL, record, sizeof record);
	cr_assert(tmux_wait_for(&term, "Logged in as", HARNESS_TIMEOUT_MS));
	cr_assert(tmux_type_line(&term, "/xmlconsole"));
	cr_assert(tmux_wait_for(&term, "XML console:", HARNESS_TIMEOUT_MS));
	cr_assert(
	    tmux_type_line(&term, "/raw <message to='bob@localhost'><body>go</body></message>"));
	cr_assert(tmux_wait_for(&term, "MKB", HARNESS_TIMEOUT_MS));
	expect_one_row("Presence error", "MKB");
	cr_expect(strstr(term.screen, "MKA one<U+009B>2J<U+202E> second<U+2028> MKB") != NULL,
	          "the text is not shown escaped:\n%s", term.screen);

	cr_assert(tmux_type_line(&term, "/files"));
	cr_assert(tmux_wait_for(&term, "No file transfers", HARNESS_TIMEOUT_MS));
	cr_assert(
	    tmux_type_line(&term, "/raw <message to='bob@localhost'><body>go</body></message>"));
	cr_assert(tmux_wait_for(&term, "MKD", HARNESS_TIMEOUT_MS));
	expect_one_row("Presence error", "MKD");
	/* The window bar, the row above the prompt, is still the bar. */
	bar = row_of(term.screen, "1:status");
	cr_expect(bar != NULL && strstr(bar, "MK") == NULL, "the window bar was drawn over:\n%s",
	          term.screen);
	free(bar);
	cr_assert(output_has(record, "MKD"));
	assert_clean_between(record, "MKA", "MKB");
	assert_clean_between(record, "MKC", "MKD");
}

/* A roster name, a message body and a stream error text, each hostile. */
Test(ui_hostile_bytes, roster_name_body_and_stream_error)
{
	const char *args[] = {
	    "--script",
	    "wait:message",
	    "--script",
	    "send:<iq type='set' id='push1'><query xmlns='jabber:iq:roster'><item "
	    "jid='bob@localhost' name='MKA" RLO "Bob" C1_CSI "MKB' "
	    "subscription='both'/></query></iq>",
	    "--script",
	    "send:<message from='bob@localhost/r' type='chat'><body>MKC" C1_CSI "2J" RLO "hi" LSEP
	    "MKD</body></message>",
	    "--script",
	    "wait:message",
	    "--script",
	    "send:<stream:error><policy-violation xmlns='" NS_STRM "'/><text xmlns='" NS_STRM
	    "'>MKE" C1_CSI "2J" RLO "MKF</text></stream:error></stream:stream>",
	    NULL};
	char record[HARNESS_PATH_MAX];

	start(args, true, NULL, record, sizeof record);
	cr_assert(tmux_wait_for(&term, "Logged in as", HARNESS_TIMEOUT_MS));
	cr_assert(tmux_type_line(&term, "/msg bob@localhost go"));
	cr_assert(tmux_wait_for(&term, "2:MKA<U+202E>Bob", HARNESS_TIMEOUT_MS),
	          "no window bar entry for bob with his name escaped");
	cr_assert(tmux_type_line(&term, "/win 2"));
	cr_assert(tmux_wait_for(&term, "MKC<U+009B>2J<U+202E>hi<U+2028>MKD", HARNESS_TIMEOUT_MS),
	          "the body is not shown escaped");
	cr_assert(
	    tmux_wait_for(&term, "MKA<U+202E>Bob<U+009B>MKB <bob@localhost>", HARNESS_TIMEOUT_MS),
	    "the roster name is not shown escaped in the title");
	cr_assert(tmux_type_line(&term, "/win 1"));
	cr_assert(tmux_type_line(&term, "/msg bob@localhost again"));
	cr_assert(tmux_wait_for(&term, "MKE<U+009B>2J<U+202E>MKF", HARNESS_TIMEOUT_MS),
	          "the stream error text is not shown escaped");
	cr_assert(output_has(record, "MKF"));
	assert_clean_between(record, "MKA", "MKB");
	assert_clean_between(record, "MKC", "MKD");
	assert_clean_between(record, "MKE", "MKF");
}

/* A registration form's label becomes the prompt: escaped like any remote
 * text. Its private field (var='pwd', so not named like a password) goes
 * back with its declared type, and so is redacted in the --xml-log. */
Test(ui_hostile_bytes, registration_form_labels)
{
	const char *args[] = {
	    "--register-form",
	    "<x xmlns='jabber:x:data' type='form'><field type='hidden' var='FORM_TYPE'><value>"
	    "jabber:iq:register</value></field><field type='text-single' var='username'/>"
	    "<field type='text-single' var='nick' label='MKA" C1_CSI "2J" RLO "&#10;x" LSEP
	    "MKB'/><field type='text-private' var='pwd' label='Passphrase'/></x>",
	    NULL};
	char record[HARNESS_PATH_MAX], xmllog[HARNESS_PATH_MAX], line[128], *log;
	const char *extra[] = {"--xml-log", xmllog, NULL};
	size_t len = 0;

	cr_assert(harness_mkdtemp(xmllog, sizeof xmllog, "jabiru-xmllog"));
	strncat(xmllog, "/xml.log", sizeof xmllog - strlen(xmllog) - 1);
	start(args, false, extra, record, sizeof record);
	cr_assert(tmux_wait_for(&term, "Welcome to jabiru", HARNESS_TIMEOUT_MS));
	snprintf(line, sizeof line, "/register bob@localhost 127.0.0.1 %d", fake.port);
	cr_assert(tmux_type_line(&term, line));
	cr_assert(tmux_wait_for(&term, "MKA<U+009B>2J<U+202E>^Jx<U+2028>MKB (for bob@localhost)",
	                        HARNESS_TIMEOUT_MS),
	          "the label is not shown escaped in the prompt");
	expect_one_row("MKA", "MKB");
	cr_assert(output_has(record, "MKB"));
	assert_clean_between(record, "MKA", "MKB");
	/* The password field takes JABIRU_PASSWORD. */
	cr_assert(tmux_type_line(&term, "bobby"));
	cr_assert(tmux_wait_for(&term, "Account bob@localhost created", HARNESS_TIMEOUT_MS));
	log = slurp(xmllog, &len);
	cr_assert_not_null(log, "no --xml-log written");
	cr_expect(memfind(log, len, "var=\"nick\"") != NULL, "the submission is not logged");
	cr_expect(memfind(log, len, SECRET) == NULL, "the new password is in the --xml-log");
	cr_expect(memfind(log, len, "[redacted]") != NULL, "nothing redacted in the --xml-log");
	free(log);
	*strrchr(xmllog, '/') = '\0';
	harness_rmtree(xmllog);
}
