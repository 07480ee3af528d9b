/* Settings reach the modules that use them: a jabirurc read with --config
 * chooses the file-transfer method (files.methods = ibb) and keeps alice's
 * own address out of SOCKS5 offers (s5b.direct = false: the bytes go through
 * Prosody's proxy), and /set changes the method of the next transfer while
 * jabiru runs; version.show_os likewise for software version answers. The
 * JABIRU_* overrides are unset so only the file counts. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ft-common.h"

static struct ft_pair P;
static char rc_dir[HARNESS_PATH_MAX];
static char rc[HARNESS_PATH_MAX + 16];
static const char *alice_args[] = {"--config", rc, NULL};

static void stop(void)
{
	ft_pair_stop(&P);
	if (rc_dir[0] != '\0') {
		remove(rc);
		rmdir(rc_dir);
		rc_dir[0] = '\0';
	}
}

TestSuite(settings, .fini = stop, .timeout = 120);

/* alice reads rc_text from her jabirurc; bob accepts files. */
static void start(const char *rc_text)
{
	const char *const bob_args[] = {"--accept-files", "%DOWN%", NULL};
	FILE *f;

	unsetenv("JABIRU_FILE_METHODS");
	unsetenv("JABIRU_S5B_DIRECT");
	unsetenv("JABIRU_S5B_PROXY");
	cr_assert(harness_mkdtemp(rc_dir, sizeof(rc_dir), "settings-rc"));
	snprintf(rc, sizeof(rc), "%s/jabirurc", rc_dir);
	f = fopen(rc, "w");
	cr_assert_not_null(f);
	fputs(rc_text, f);
	fclose(f);
	P.alice_args = alice_args;
	ft_pair_start(&P, bob_args);
}

/* alice sends a file to bob; both sides report method. */
static void send_with(const char *name, const char *method)
{
	const char *src = ft_make_file(&P, name, 100000), *line;
	char *src_copy = strdup(src);

	cr_assert(jproc_sendf(P.alice, "/sendfile %s \"%s\"", P.bob_jid, src_copy));
	line = jproc_expect(P.bob, "file-done", name, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "bob did not receive %s", name);
	cr_expect(json_field_is(line, "method", method), "%s", line);
	line = jproc_expect(P.alice, "file-done", name, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "alice did not finish sending %s", name);
	cr_expect(json_field_is(line, "method", method), "%s", line);
	free(src_copy);
}

Test(settings, files_methods_from_the_file)
{
	start("files.methods = ibb\n");
	send_with("ibb.bin", "ibb");
}

Test(settings, no_direct_address_goes_through_the_proxy)
{
	start("[settings]\nfiles.methods = bytestreams\ns5b.direct = false\n");
	cr_assert_not_null(jproc_expect(P.alice, "info", P.srv.proxy_jid, HARNESS_TIMEOUT_MS),
	                   "alice did not find the proxy");
	send_with("proxied.bin", "socks5-proxy");
}

Test(settings, set_changes_the_next_transfer)
{
	const char *line;

	start("files.methods = bytestreams\n");
	send_with("first.bin", "socks5-direct");
	cr_assert(jproc_send(P.alice, "/set files.methods ibb"));
	line = jproc_expect(P.alice, "setting", "files.methods", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "value", "ibb"), "%s", line);
	send_with("second.bin", "ibb");
	/* A value the module could not use is refused and changes nothing. */
	cr_assert(jproc_send(P.alice, "/set files.methods carrier-pigeon"));
	line = jproc_expect(P.alice, "error", "carrier-pigeon", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	send_with("third.bin", "ibb");
}

/* version.show_os from the file reaches the version answers bob sees, and
 * /set turns it off for the next answer. */
Test(settings, version_show_os_from_the_file_then_set)
{
	struct utsname u;
	char want[512];
	const char *line;

	cr_assert(uname(&u) == 0);
	start("version.show_os = true\n");
	/* /info asks the resources bob knows of */
	cr_assert_not_null(
	    jproc_expect_field(P.bob, "presence", "from", P.alice_jid, HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(P.bob, "/info alice@localhost version"));
	snprintf(want, sizeof(want), "%s runs jabiru %s on %s %s", P.alice_jid, PACKAGE_VERSION,
	         u.sysname, u.release);
	cr_expect_not_null(jproc_expect(P.bob, "info", want, HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(P.alice, "/set version.show_os false"));
	cr_assert_not_null(jproc_expect(P.alice, "setting", "version.show_os", HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(P.bob, "/info alice@localhost version"));
	snprintf(want, sizeof(want), "%s runs jabiru %s", P.alice_jid, PACKAGE_VERSION);
	line = jproc_expect_field(P.bob, "info", "text", want, HARNESS_TIMEOUT_MS);
	cr_expect_not_null(line, "the OS is still told");
}
