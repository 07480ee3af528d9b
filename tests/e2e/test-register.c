/* In-band registration (XEP-0077) against the real Prosody, whose test
 * configuration allows it: a new account is created and can log in; a taken
 * name is reported as such; an account removes itself with /register
 * cancel and can no longer log in; in the curses UI, /register password asks
 * twice with echo off and the new password works. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/harness.h"

#define NEW_PASSWORD "n3w-Account-pw"

static struct prosody srv;
static struct jproc *jp;
static struct tmux term;

static void setup(void)
{
	const char *users[] = {"alice:wonderland", NULL};

	cr_assert(prosody_start(&srv, users), "Prosody did not start");
}

static void teardown(void)
{
	tmux_stop(&term);
	jproc_free(jp);
	jp = NULL;
	prosody_stop(&srv);
}

TestSuite(reg, .init = setup, .fini = teardown, .timeout = 120);

static struct jproc *spawn_register(const char *jid, const char *password)
{
	char port[16], pw[128];
	const char *args[] = {"--batch", "--register", jid,         "--server",  "127.0.0.1",
	                      "--port",  port,         "--ca-file", srv.ca_file, NULL};
	const char *env[] = {pw, NULL};

	snprintf(port, sizeof port, "%d", srv.c2s_port);
	snprintf(pw, sizeof pw, "JABIRU_PASSWORD=%s", password);
	return jproc_spawn("register", args, env);
}

Test(reg, new_account_is_created_and_logs_in)
{
	const char *line;

	jp = spawn_register("newbie@localhost", NEW_PASSWORD);
	cr_assert_not_null(jp);
	line = jproc_expect(jp, "registration", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "result", "created"), "%s", line);
	cr_expect(json_field_is(line, "jid", "newbie@localhost"), "%s", line);
	cr_expect_eq(jproc_wait_exit(jp, HARNESS_TIMEOUT_MS), 0);
	cr_expect(!jproc_leaks(jp, NEW_PASSWORD), "the password leaked");

	jproc_free(jp);
	jp = jproc_start(&srv, "newbie", NEW_PASSWORD, NULL);
	cr_assert_not_null(jp);
	line = jproc_expect(jp, "connected", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "the new account cannot log in");
	cr_expect(strstr(line, "newbie@localhost/") != NULL, "%s", line);
}

Test(reg, taken_name_is_a_conflict)
{
	const char *line;

	jp = spawn_register("alice@localhost", "another-pw");
	cr_assert_not_null(jp);
	line = jproc_expect(jp, "registration", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "result", "failed"), "%s", line);
	cr_expect(json_field_is(line, "condition", "conflict"), "%s", line);
	cr_expect_not_null(jproc_expect(jp, "error", "already taken", HARNESS_TIMEOUT_MS));
	cr_expect_eq(jproc_wait_exit(jp, HARNESS_TIMEOUT_MS), 1);

	/* alice's password is unchanged. */
	jproc_free(jp);
	jp = jproc_start(&srv, "alice", "wonderland", NULL);
	cr_assert_not_null(jp);
	cr_expect_not_null(jproc_expect(jp, "connected", NULL, HARNESS_TIMEOUT_MS));
}

Test(reg, untrusted_certificate_stops_registration)
{
	char port[16];
	const char *args[] = {"--batch",  "--register", "carol@localhost",
	                      "--server", "127.0.0.1",  "--port",
	                      port,       NULL};
	const char *env[] = {"JABIRU_PASSWORD=carol-pw", NULL};

	snprintf(port, sizeof port, "%d", srv.c2s_port);
	jp = jproc_spawn("register", args, env);
	cr_assert_not_null(jp);
	cr_expect_not_null(jproc_expect(jp, "tls-untrusted", NULL, HARNESS_TIMEOUT_MS));
	cr_expect_not_null(
	    jproc_expect_field(jp, "registration", "result", "failed", HARNESS_TIMEOUT_MS));
	cr_expect_eq(jproc_wait_exit(jp, HARNESS_TIMEOUT_MS), 1);
}

Test(reg, cancel_removes_the_account)
{
	const char *line;

	cr_assert(prosody_add_account(&srv, "dave", "dave-pw"));
	jp = jproc_login(&srv, "dave", "dave-pw", NULL);
	cr_assert_not_null(jp);
	/* Without the JID as confirmation nothing happens. */
	cr_assert(jproc_send(jp, "/register cancel"));
	cr_assert_not_null(
	    jproc_expect(jp, "info", "/register cancel dave@localhost", HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(jp, "/register cancel dave@localhost"));
	line = jproc_expect(jp, "registration", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "result", "cancelled"), "%s", line);
	jproc_close_stdin(jp);
	jproc_wait_exit(jp, HARNESS_TIMEOUT_MS);

	jproc_free(jp);
	jp = jproc_start(&srv, "dave", "dave-pw", NULL);
	cr_assert_not_null(jp);
	cr_expect_not_null(jproc_expect(jp, "error", "auth-failed", HARNESS_TIMEOUT_MS));
}

Test(reg, password_change_in_the_ui)
{
	cr_assert(tmux_start_jabiru(&term, &srv, "alice", "wonderland", 100, 30, NULL, NULL),
	          "alice did not log in");
	cr_assert(tmux_type_line(&term, "/register password"));
	cr_assert(tmux_wait_for(&term, "New password:", HARNESS_TIMEOUT_MS));
	cr_assert(tmux_type_line(&term, "Changed-pw-1"));
	cr_assert(tmux_wait_for(&term, "The new password again:", HARNESS_TIMEOUT_MS));
	cr_assert(tmux_type_line(&term, "Changed-pw-1"));
	cr_assert(tmux_wait_for(&term, "The password of alice@localhost is changed.",
	                        HARNESS_TIMEOUT_MS));
	cr_expect(strstr(term.screen, "Changed-pw-1") == NULL, "the password was echoed");

	jp = jproc_start(&srv, "alice", "Changed-pw-1", NULL);
	cr_assert_not_null(jp);
	cr_expect_not_null(jproc_expect(jp, "connected", NULL, HARNESS_TIMEOUT_MS),
	                   "the new password does not log in");
}

Test(reg, direct_tls_registration)
{
	char port[16];
	const char *args[] = {"--batch",   "--register", "erin@localhost", "--server", "127.0.0.1",
	                      "--port",    port,         "--tls",          "direct",   "--ca-file",
	                      srv.ca_file, NULL};
	const char *env[] = {"JABIRU_PASSWORD=erin-pw", NULL};

	snprintf(port, sizeof port, "%d", srv.direct_tls_port);
	jp = jproc_spawn("register", args, env);
	cr_assert_not_null(jp);
	cr_expect_not_null(
	    jproc_expect_field(jp, "registration", "result", "created", HARNESS_TIMEOUT_MS));
	cr_expect_eq(jproc_wait_exit(jp, HARNESS_TIMEOUT_MS), 0);
}
