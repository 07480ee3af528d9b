/* The command-line parser. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "opts.h"

static int parse(struct opts *o, char **err, int argc, char **argv)
{
	return opts_parse(o, argc, argv, err);
}

Test(opts, login_options)
{
	char *argv[] = {"jabiru", "--batch", "--jid",     "a@b",    "--server=127.0.0.1",
	                "--port", "5222",    "--ca-file", "/x.pem", "--tls",
	                "direct"};
	struct opts o;
	char *err;

	cr_assert_eq(parse(&o, &err, 11, argv), 0);
	cr_assert(o.batch);
	cr_assert_str_eq(o.jid, "a@b");
	cr_assert_str_eq(o.server, "127.0.0.1");
	cr_assert_eq(o.port, 5222);
	cr_assert_str_eq(o.ca_file, "/x.pem");
	cr_assert_eq(o.tls, TLS_DIRECT);
	opts_free(&o);
}

Test(opts, refuses_a_password_on_the_command_line)
{
	char *argv1[] = {"jabiru", "--password", "secret"};
	char *argv2[] = {"jabiru", "--password=secret"};
	struct opts o;
	char *err;

	cr_assert_neq(parse(&o, &err, 3, argv1), 0);
	cr_assert_not_null(err);
	free(err);
	opts_free(&o);
	cr_assert_neq(parse(&o, &err, 2, argv2), 0);
	free(err);
	opts_free(&o);
}

Test(opts, bad_values)
{
	char *p0[] = {"jabiru", "--port", "0"};
	char *p1[] = {"jabiru", "--port", "70000"};
	char *p2[] = {"jabiru", "--port", "12x"};
	char *t[] = {"jabiru", "--tls", "none"};
	char *u[] = {"jabiru", "--frobnicate"};
	char *m[] = {"jabiru", "--jid"};
	char *x[] = {"jabiru", "stray"};
	char **cases[] = {p0, p1, p2, t, u, m, x};
	int argcs[] = {3, 3, 3, 3, 2, 2, 2};

	for (size_t i = 0; i < sizeof(argcs) / sizeof(argcs[0]); i++) {
		struct opts o;
		char *err = NULL;

		cr_assert_neq(parse(&o, &err, argcs[i], cases[i]), 0, "case %zu", i);
		cr_assert_not_null(err);
		free(err);
		opts_free(&o);
	}
}

Test(opts, help_and_version)
{
	char *h[] = {"jabiru", "-h"};
	char *v[] = {"jabiru", "--version"};
	struct opts o;
	char *err;

	cr_assert_eq(parse(&o, &err, 2, h), 0);
	cr_assert(o.help);
	opts_free(&o);
	cr_assert_eq(parse(&o, &err, 2, v), 0);
	cr_assert(o.version);
	opts_free(&o);
}

Test(opts, account_config_and_register)
{
	struct opts o;
	char *err;
	char *argv[] = {"jabiru",           "-a",         "work",
	                "--config=/tmp/rc", "--register", "new@example.org"};
	char *argv2[] = {"jabiru", "-a"};

	cr_assert_eq(parse(&o, &err, 6, argv), 0, "%s", err ? err : "");
	cr_expect_str_eq(o.account, "work");
	cr_expect_str_eq(o.config, "/tmp/rc");
	cr_expect_str_eq(o.register_jid, "new@example.org");
	opts_free(&o);
	cr_assert_neq(parse(&o, &err, 2, argv2), 0);
	cr_expect(strstr(err, "--account") != NULL, "%s", err);
	free(err);
	opts_free(&o);
}

/* Every option that takes text, given twice: the last wins, and opts_free
 * releases all of them (the sanitiser build fails on a leak). */
Test(opts, every_text_option_is_kept_and_freed)
{
	char *argv[] = {"jabiru",
	                "--jid",
	                "a@b",
	                "--jid",
	                "c@d",
	                "--server",
	                "s1",
	                "--server",
	                "s2",
	                "--ca-file",
	                "/a.pem",
	                "--resource",
	                "r",
	                "--xml-log",
	                "/tmp/x.log",
	                "--account",
	                "me",
	                "--config",
	                "/tmp/rc",
	                "--batch",
	                "--accept-files",
	                "/tmp/in",
	                "--accept-files",
	                "/tmp/in2"};
	struct opts o;
	char *err;

	cr_assert_eq(parse(&o, &err, (int)(sizeof(argv) / sizeof(argv[0])), argv), 0, "%s", err);
	cr_assert_str_eq(o.jid, "c@d");
	cr_assert_str_eq(o.server, "s2");
	cr_assert_str_eq(o.resource, "r");
	cr_assert_str_eq(o.xml_log, "/tmp/x.log");
	cr_assert_str_eq(o.account, "me");
	cr_assert_str_eq(o.config, "/tmp/rc");
	cr_assert_str_eq(o.accept_files, "/tmp/in2");
	opts_free(&o);
	cr_assert_null(o.accept_files);
}
