/* The configuration file and accounts against a real Prosody: mistakes are
 * reported with file and line and jabiru still logs in; /set and /save
 * round-trip keeping the user's comments; an account logs in with its
 * password_cmd; a password in a file others can read is refused. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../harness/harness.h"

#define PASSWORD "c0nfig-Secret-pw"

static struct prosody srv;
static struct jproc *jp;
static char dir[HARNESS_PATH_MAX];
static char rc[HARNESS_PATH_MAX + 16];

static void setup(void)
{
	const char *users[] = {"alice:" PASSWORD, NULL};

	cr_assert(prosody_start(&srv, users), "Prosody did not start");
	cr_assert(harness_mkdtemp(dir, sizeof dir, "jabiru-config"));
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

TestSuite(config, .init = setup, .fini = teardown, .timeout = 120);

static void write_file(const char *path, int mode, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
	cr_assert(chmod(path, (mode_t)mode) == 0);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = calloc(1, 65536);

	cr_assert_not_null(f, "cannot read %s", path);
	cr_assert_not_null(text);
	fread(text, 1, 65535, f);
	fclose(f);
	return text;
}

Test(config, mistakes_reported_with_file_and_line_and_login_works)
{
	const char *args[] = {"--config", rc, NULL};
	char want[sizeof rc + 64]; /* rc and a message */
	const char *line;

	write_file(rc, 0600,
	           "; a comment\n"
	           "resource = fine\n"
	           "no_such_setting = 1\n"
	           "password_cmd_timeout = forever\n"
	           "[account broken]\n"
	           "jid = alice@localhost\n"
	           "colour = red\n"
	           "port = 99999\n");
	jp = jproc_start(&srv, "alice", PASSWORD, args);
	cr_assert_not_null(jp);
	snprintf(want, sizeof want, "%s:3: unknown setting 'no_such_setting'", rc);
	cr_expect_not_null(jproc_expect(jp, "error", want, HARNESS_TIMEOUT_MS));
	snprintf(want, sizeof want, "%s:4: 'forever' is not a number", rc);
	cr_expect_not_null(jproc_expect(jp, "error", want, HARNESS_TIMEOUT_MS));
	snprintf(want, sizeof want, "%s:7: unknown account key 'colour'", rc);
	cr_expect_not_null(jproc_expect(jp, "error", want, HARNESS_TIMEOUT_MS));
	snprintf(want, sizeof want, "%s:8: port: '99999'", rc);
	cr_expect_not_null(jproc_expect(jp, "error", want, HARNESS_TIMEOUT_MS));
	/* jabiru started anyway, with the good line in force. */
	line = jproc_expect(jp, "connected", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(strstr(line, "alice@localhost/fine") != NULL, "resource setting unused: %s",
	          line);
	/* The bad value left the default in force. */
	cr_assert(jproc_send(jp, "/set password_cmd_timeout"));
	line = jproc_expect(jp, "setting", "password_cmd_timeout", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "value", "10"), "%s", line);
	jproc_close_stdin(jp);
	cr_expect_eq(jproc_wait_exit(jp, HARNESS_TIMEOUT_MS), 0);
}

Test(config, set_and_save_round_trip_keeping_comments)
{
	const char *args[] = {"--batch", "--config", rc, NULL};
	const char *args2[] = {"--config", rc, NULL};
	struct stat st;
	char *text;
	const char *line;

	write_file(rc, 0644,
	           "# my jabiru\n"
	           "resource = old   ; the laptop\n"
	           "\n"
	           "; accounts below\n"
	           "[account me]\n"
	           "jid = alice@localhost\n");
	jp = jproc_spawn("alice", args, NULL);
	cr_assert_not_null(jp);
	cr_assert(jproc_send(jp, "/set resource desk"));
	cr_assert_not_null(jproc_expect_field(jp, "setting", "value", "desk", HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(jp, "/set password_cmd_timeout 30"));
	cr_assert_not_null(jproc_expect_field(jp, "setting", "value", "30", HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(jp, "/set password_cmd_timeout nonsense"));
	cr_assert_not_null(jproc_expect(jp, "error", "bad-value", HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(jp, "/set no_such 1"));
	cr_assert_not_null(jproc_expect(jp, "error", "unknown-setting", HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(jp, "/save"));
	cr_assert_not_null(jproc_expect_field(jp, "saved", "path", rc, HARNESS_TIMEOUT_MS));
	jproc_close_stdin(jp);
	cr_expect_eq(jproc_wait_exit(jp, HARNESS_TIMEOUT_MS), 0);

	text = read_file(rc);
	cr_expect_str_eq(text, "# my jabiru\n"
	                       "resource = desk   ; the laptop\n"
	                       "password_cmd_timeout = 30\n"
	                       "\n"
	                       "; accounts below\n"
	                       "[account me]\n"
	                       "jid = alice@localhost\n");
	free(text);
	cr_assert(stat(rc, &st) == 0);
	cr_expect_eq(st.st_mode & 0777, 0600, "mode %o", (unsigned)(st.st_mode & 0777));

	/* A new run reads what was saved, and the login uses it. */
	jproc_free(jp);
	jp = jproc_start(&srv, "alice", PASSWORD, args2);
	cr_assert_not_null(jp);
	line = jproc_expect(jp, "connected", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(strstr(line, "alice@localhost/desk") != NULL, "%s", line);
}

/* An account section: the server, port and CA from the file, the password
 * from a script, no JABIRU_PASSWORD anywhere. */
static void write_account(int mode, const char *password_line)
{
	char text[4096];

	snprintf(text, sizeof text,
	         "ca_file = %s\n"
	         "[account home]\n"
	         "jid = alice@localhost\n"
	         "server = 127.0.0.1\n"
	         "port = %d\n"
	         "%s\n",
	         srv.ca_file, srv.c2s_port, password_line);
	write_file(rc, mode, text);
}

Test(config, account_logs_in_with_password_cmd)
{
	char script[HARNESS_PATH_MAX + 16], pwline[HARNESS_PATH_MAX + 64];
	const char *args[] = {"--batch", "--config", rc, "-a", "home", NULL};
	const char *line;

	snprintf(script, sizeof script, "%s/get-pw", dir);
	/* Only the first line counts; the password is not on any command line. */
	write_file(script, 0700, "#!/bin/sh\necho '" PASSWORD "'\necho second line\n");
	snprintf(pwline, sizeof pwline, "password_cmd = %s --quiet", script);
	write_account(0644, pwline);
	jp = jproc_spawn("alice", args, NULL);
	cr_assert_not_null(jp);
	line = jproc_expect(jp, "connected", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(strstr(line, "alice@localhost/") != NULL, "%s", line);
	cr_assert(jproc_send(jp, "/account list"));
	cr_assert_not_null(jproc_expect_field(jp, "account", "name", "home", HARNESS_TIMEOUT_MS));
	jproc_close_stdin(jp);
	cr_expect_eq(jproc_wait_exit(jp, HARNESS_TIMEOUT_MS), 0);
}

Test(config, failing_password_cmd_is_reported)
{
	const char *args[] = {"--batch", "--config", rc, "-a", "home", NULL};

	write_account(0600, "password_cmd = false");
	jp = jproc_spawn("alice", args, NULL);
	cr_assert_not_null(jp);
	cr_assert_not_null(jproc_expect(jp, "error", "password-cmd", HARNESS_TIMEOUT_MS));
	cr_expect_eq(jproc_wait_exit(jp, HARNESS_TIMEOUT_MS), 3);
}

Test(config, password_in_readable_file_refused)
{
	const char *args[] = {"--batch", "--config", rc, "-a", "home", NULL};
	char want[sizeof rc + 64]; /* rc and a message */

	write_account(0644, "password = " PASSWORD);
	jp = jproc_spawn("alice", args, NULL);
	cr_assert_not_null(jp);
	snprintf(want, sizeof want, "%s:6: password refused: the file can be read by group", rc);
	cr_assert_not_null(jproc_expect(jp, "error", want, HARNESS_TIMEOUT_MS));
	cr_assert_not_null(jproc_expect(jp, "error", "no-password", HARNESS_TIMEOUT_MS));
	cr_expect_eq(jproc_wait_exit(jp, HARNESS_TIMEOUT_MS), 3);
	cr_expect(!jproc_leaks(jp, PASSWORD), "the password leaked");
}

Test(config, password_in_private_file_accepted)
{
	const char *args[] = {"--batch", "--config", rc, "-a", "home", NULL};

	write_account(0600, "password = " PASSWORD);
	jp = jproc_spawn("alice", args, NULL);
	cr_assert_not_null(jp);
	cr_assert_not_null(jproc_expect(jp, "connected", NULL, HARNESS_TIMEOUT_MS));
	cr_expect(!jproc_leaks(jp, PASSWORD), "the password leaked");
}

/* --resource holds for an account's login too, over jabirurc's. */
Test(config, resource_option_holds_for_an_account)
{
	const char *args[] = {"--batch", "--config", rc, "-a", "home", "--resource", "cli", NULL};
	const char *line;

	write_account(0600, "resource = acct\npassword = " PASSWORD);
	jp = jproc_spawn("alice", args, NULL);
	cr_assert_not_null(jp);
	line = jproc_expect(jp, "connected", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(strstr(line, "alice@localhost/cli\"") != NULL, "--resource unused: %s", line);
}

Test(config, unknown_account_exits_with_login_status)
{
	const char *args[] = {"--batch", "--config", rc, "-a", "nobody", NULL};

	write_account(0600, "");
	jp = jproc_spawn("alice", args, NULL);
	cr_assert_not_null(jp);
	cr_assert_not_null(jproc_expect(jp, "error", "unknown-account", HARNESS_TIMEOUT_MS));
	cr_expect_eq(jproc_wait_exit(jp, HARNESS_TIMEOUT_MS), 3);
}
