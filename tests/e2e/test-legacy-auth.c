/* The old jabber:iq:auth login (XEP-0078) against a Prosody that offers
 * only it (mod_legacyauth instead of SASL): it works when the account
 * allows it (legacy_auth = true), over TLS; without that setting the login
 * stops with a message that says how to allow it; a wrong password is a
 * failed login. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../harness/harness.h"

#define PASSWORD "legacy-Pw-42"

static struct prosody srv;
static struct jproc *jp;
static char dir[HARNESS_PATH_MAX];
static char rc[HARNESS_PATH_MAX + 16];

static void setup(void)
{
	const char *users[] = {"alice:" PASSWORD, NULL};

	setenv("PROSODY_UP_LEGACY_AUTH", "1", 1);
	cr_assert(prosody_start(&srv, users), "Prosody did not start");
	unsetenv("PROSODY_UP_LEGACY_AUTH");
	cr_assert(harness_mkdtemp(dir, sizeof dir, "jabiru-legacy"));
	snprintf(rc, sizeof rc, "%s/jabirurc", dir);
}

static void teardown(void)
{
	char cmd[HARNESS_PATH_MAX + 16];

	jproc_free(jp);
	jp = NULL;
	prosody_stop(&srv);
	if (dir[0] != '\0') {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		cr_expect(system(cmd) == 0);
	}
}

TestSuite(legacy, .init = setup, .fini = teardown, .timeout = 120);

static struct jproc *start_account(const char *legacy, const char *password)
{
	FILE *f = fopen(rc, "w");
	char pw[128];
	const char *args[] = {"--batch", "--config", rc, "-a", "old", NULL};
	const char *env[] = {pw, NULL};

	cr_assert_not_null(f);
	fprintf(f,
	        "ca_file = %s\n[account old]\njid = alice@localhost\nserver = 127.0.0.1\n"
	        "port = %d\n%s\n",
	        srv.ca_file, srv.c2s_port, legacy);
	fclose(f);
	snprintf(pw, sizeof pw, "JABIRU_PASSWORD=%s", password);
	return jproc_spawn("alice", args, env);
}

Test(legacy, allowed_legacy_login_works_over_tls)
{
	const char *line;

	jp = start_account("legacy_auth = true", PASSWORD);
	cr_assert_not_null(jp);
	line = jproc_expect(jp, "connected", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(strstr(line, "\"jid\":\"alice@localhost/") != NULL, "%s", line);
	cr_expect(json_field_is(line, "secure", "true"), "%s", line);
	jproc_close_stdin(jp);
	cr_expect_eq(jproc_wait_exit(jp, HARNESS_TIMEOUT_MS), 0);
}

Test(legacy, off_by_default_with_a_hint)
{
	jp = start_account("", PASSWORD);
	cr_assert_not_null(jp);
	cr_expect_not_null(jproc_expect(jp, "error", "legacy_auth = true", HARNESS_TIMEOUT_MS));
	cr_expect_eq(jproc_wait_exit(jp, HARNESS_TIMEOUT_MS), 3);
}

Test(legacy, wrong_password_fails)
{
	jp = start_account("legacy_auth = true", "not-the-password");
	cr_assert_not_null(jp);
	cr_expect_not_null(jproc_expect(jp, "error", "auth-failed", HARNESS_TIMEOUT_MS));
	cr_expect_eq(jproc_wait_exit(jp, HARNESS_TIMEOUT_MS), 3);
}
