/* The settings table, reading jabirurc and writing it back. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "loop.h"
#include "util/str.h"

static char dir[] = "/tmp/test-cfg.XXXXXX";
static char path[64];

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/jabirurc", dir);
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
}

TestSuite(cfg, .init = setup, .fini = teardown);

static void put(const char *text, int mode)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, (mode_t)mode);
}

static char *get(void)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

Test(cfg, every_default_is_valid)
{
	for (size_t i = 0; i < cfg_nsettings(); i++) {
		char *why = cfg_check(&cfg_settings[i], cfg_settings[i].dflt);

		cr_expect_null(why, "default of %s: %s", cfg_settings[i].name, why);
		free(why);
		cr_expect_not_null(cfg_settings[i].doc);
	}
}

Test(cfg, missing_file_gives_defaults)
{
	struct config c;

	cfg_load(&c, path);
	cr_expect_eq(c.nproblems, 0);
	cr_expect_eq(cfg_int(&c, "password_cmd_timeout"), 10);
	cr_expect_str_eq(cfg_str(&c, "resource"), "");
	cfg_free(&c);
}

Test(cfg, problems_carry_file_and_line)
{
	struct config c;
	char want[128];

	put("resource = r1\n\n[settings]\nnope = 1\n[weird]\nx = 1\n[account a]\ntls = maybe\n"
	    "autoconnect = perhaps\n",
	    0600);
	cfg_load(&c, path);
	cr_assert_eq(c.nproblems, 5, "%zu problems", c.nproblems);
	snprintf(want, sizeof want, "%s:4: unknown setting 'nope'", path);
	cr_expect(strstr(c.problems[0], want) != NULL, "%s", c.problems[0]);
	snprintf(want, sizeof want, "%s:6: unknown section [weird]", path);
	cr_expect(strstr(c.problems[1], want) != NULL, "%s", c.problems[1]);
	snprintf(want, sizeof want, "%s:8: tls:", path);
	cr_expect(strstr(c.problems[2], want) != NULL, "%s", c.problems[2]);
	snprintf(want, sizeof want, "%s:9: autoconnect:", path);
	cr_expect(strstr(c.problems[3], want) != NULL, "%s", c.problems[3]);
	cr_expect(strstr(c.problems[4], "account a has no jid") != NULL, "%s", c.problems[4]);
	cr_expect_str_eq(cfg_str(&c, "resource"), "r1");
	cfg_free(&c);
}

Test(cfg, account_fields)
{
	struct config c;
	const struct account *a;

	put("[account w]\njid = me@example.org\nport = 5223\ntls = direct\nautoconnect = yes\n"
	    "password = pw\n[account f]\njid = you@example.org\ntls = "
	    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:"
	    "23:45:67:89\n",
	    0600);
	cfg_load(&c, path);
	cr_expect_eq(c.nproblems, 0, "%s", c.nproblems ? c.problems[0] : "");
	a = cfg_account(&c, "w");
	cr_assert_not_null(a);
	cr_expect_eq(a->port, 5223);
	cr_expect_eq(a->tls, TLS_DIRECT);
	cr_expect(a->autoconnect);
	cr_expect_str_eq(a->password, "pw");
	a = cfg_account(&c, "f");
	cr_assert_not_null(a);
	cr_expect_not_null(a->fingerprint);
	cr_expect_null(cfg_account(&c, "none"));
	cfg_free(&c);
}

Test(cfg, save_into_settings_section_and_new_file)
{
	struct config c;

	put("[settings]\n; keep me\nresource = a\n[account x]\njid = x@example.org\n", 0600);
	cfg_load(&c, path);
	cr_assert_null(cfg_set(&c, "resource", "b"));
	cr_assert_null(cfg_set(&c, "password_cmd_timeout", "5"));
	cr_assert_null(cfg_save(&c));
	cr_expect_str_eq(get(), "[settings]\n; keep me\nresource = b\npassword_cmd_timeout = 5\n"
	                        "[account x]\njid = x@example.org\n");
	cfg_free(&c);

	unlink(path);
	cfg_load(&c, path);
	cr_assert_null(cfg_set(&c, "resource", "c"));
	cr_assert_null(cfg_save(&c));
	cr_expect_str_eq(get(), "resource = c\n");
	cfg_free(&c);
}

Test(cfg, bad_values_refused_by_set)
{
	struct config c;
	char *why;

	cfg_load(&c, path);
	why = cfg_set(&c, "password_cmd_timeout", "0");
	cr_expect_not_null(why);
	free(why);
	why = cfg_set(&c, "nothing", "0");
	cr_expect_not_null(why);
	free(why);
	cr_expect_eq(cfg_int(&c, "password_cmd_timeout"), 10);
	cfg_free(&c);
}

/* The checks beyond the type: values a module could not use are refused
 * before it sees them. */
Test(cfg, module_values_checked)
{
	static const char *const bad[][2] = {
	    {"files.methods", "carrier-pigeon"},
	    {"files.methods", " , "},
	    {"s5b.listen", "localhost"},
	    {"s5b.ports", "9000-8000"},
	    {"s5b.ports", "0"},
	    {"s5b.ports", "70000"},
	    {"s5b.proxy", "a b@c"},
	    {"roster.width", "3"},
	    {"s5b.direct", "maybe"},
	};
	static const char *const good[][2] = {
	    {"files.methods", "ibb, bytestreams"},
	    {"s5b.listen", "::1"},
	    {"s5b.ports", "9000-9010"},
	    {"s5b.ports", "7777"},
	    {"s5b.proxy", "none"},
	    {"s5b.proxy", "proxy.example.org"},
	};
	int lo, hi;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *why = cfg_check(cfg_find(bad[i][0]), bad[i][1]);

		cr_expect_not_null(why, "%s = %s accepted", bad[i][0], bad[i][1]);
		free(why);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char *why = cfg_check(cfg_find(good[i][0]), good[i][1]);

		cr_expect_null(why, "%s = %s: %s", good[i][0], good[i][1], why);
		free(why);
	}
	cr_expect(cfg_parse_ports("9000-9010", &lo, &hi) && lo == 9000 && hi == 9010);
}

static void count_change(void *ud, const struct config *cfg, const char *name)
{
	(void)cfg;
	if (strcmp(name, "ui.bell") == 0)
		(*(int *)ud)++;
}

/* Watchers hear about changes made with cfg_set, not refused ones. */
Test(cfg, watchers_told_of_changes)
{
	struct config c;
	int n = 0;
	char *why;

	cfg_load(&c, path);
	cfg_watch(&c, count_change, &n);
	cr_assert_null(cfg_set(&c, "ui.bell", "true"));
	why = cfg_set(&c, "ui.bell", "loud");
	free(why);
	cr_expect_eq(n, 1);
	cr_expect(cfg_bool(&c, "ui.bell"));
	cfg_unwatch(&c, count_change, &n);
	cr_assert_null(cfg_set(&c, "ui.bell", "false"));
	cr_expect_eq(n, 1);
	cfg_free(&c);
}

/* The environment overrides the file; a bad value there is reported. */
Test(cfg, environment_overrides)
{
	struct config c;

	put("files.methods = bytestreams\n", 0600);
	setenv("JABIRU_FILE_METHODS", "ibb", 1);
	setenv("JABIRU_S5B_PROXY", "0", 1);
	setenv("JABIRU_S5B_PORTS", "nope", 1);
	cfg_load(&c, path);
	unsetenv("JABIRU_FILE_METHODS");
	unsetenv("JABIRU_S5B_PROXY");
	unsetenv("JABIRU_S5B_PORTS");
	cr_expect_str_eq(cfg_str(&c, "files.methods"), "ibb");
	cr_expect_str_eq(cfg_str(&c, "s5b.proxy"), "none");
	cr_expect_str_eq(cfg_str(&c, "s5b.ports"), "");
	cr_assert_eq(c.nproblems, 1);
	cr_expect(strstr(c.problems[0], "JABIRU_S5B_PORTS") != NULL, "%s", c.problems[0]);
	/* /save keeps the file's values, not the overrides of this run... */
	cr_assert_null(cfg_save(&c));
	cr_expect(strstr(get(), "files.methods = bytestreams\n") != NULL, "%s", get());
	cr_expect(strstr(get(), "s5b.proxy") == NULL, "%s", get());
	/* ...unless changed by hand since. */
	cr_assert_null(cfg_set(&c, "s5b.proxy", "none"));
	cr_assert_null(cfg_save(&c));
	cr_expect(strstr(get(), "s5b.proxy = none") != NULL, "%s", get());
	cfg_free(&c);
}

Test(cfg, password_cmd_first_line_and_failures)
{
	char *err, *pw;

	pw = cfg_run_password_cmd("sh -c \"echo 'one two'; echo three\"", 5, &err);
	cr_assert_not_null(pw, "%s", err);
	cr_expect_str_eq(pw, "one two");
	free(pw);
	pw = cfg_run_password_cmd("false", 5, &err);
	cr_expect_null(pw);
	cr_expect(strstr(err, "exit status 1") != NULL, "%s", err);
	free(err);
	pw = cfg_run_password_cmd("/nonexistent/cmd", 5, &err);
	cr_expect_null(pw);
	free(err);
	pw = cfg_run_password_cmd("sleep 30", 1, &err);
	cr_expect_null(pw);
	cr_expect(strstr(err, "within 1 seconds") != NULL, "%s", err);
	free(err);
}

struct result {
	struct loop *loop;
	char *pw;
	char *err;
	int calls;
};

static void got(void *ud, char *pw, const char *err)
{
	struct result *r = ud;

	r->calls++;
	r->pw = pw;
	r->err = err != NULL ? strdup(err) : NULL;
	loop_quit(r->loop);
}

static void run_in_loop(struct result *r, const char *cmd, int timeout_s)
{
	char *err = NULL;

	memset(r, 0, sizeof(*r));
	r->loop = loop_new();
	cr_assert_eq(cfg_password_cmd_start(r->loop, cmd, timeout_s, got, r, &err), 0, "%s", err);
	loop_run(r->loop);
	loop_free(r->loop);
	cr_expect_eq(r->calls, 1);
}

Test(cfg, password_cmd_in_the_loop)
{
	struct result r;
	char *err = NULL;

	run_in_loop(&r, "sh -c \"echo 'in loop'; echo more\"", 5);
	cr_assert_not_null(r.pw, "%s", r.err);
	cr_expect_str_eq(r.pw, "in loop");
	str_free_secret(r.pw);

	run_in_loop(&r, "sleep 30", 1);
	cr_expect_null(r.pw);
	cr_expect(r.err != NULL && strstr(r.err, "within 1 seconds") != NULL, "%s", r.err);
	free(r.err);

	run_in_loop(&r, "sh -c \"exit 4\"", 5);
	cr_expect_null(r.pw);
	cr_expect(r.err != NULL && strstr(r.err, "exit status 4") != NULL, "%s", r.err);
	free(r.err);

	memset(&r, 0, sizeof(r));
	r.loop = loop_new();
	cr_expect_neq(cfg_password_cmd_start(r.loop, "\"unterminated", 5, got, &r, &err), 0);
	cr_expect_not_null(err);
	free(err);
	loop_free(r.loop);
}
