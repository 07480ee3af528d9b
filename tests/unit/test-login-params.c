/* One builder for a connection's parameters: which of a command's
 * arguments, the account, the command line and jabirurc wins. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "login-params.h"
#include "opts.h"

static struct opts o;
static struct config cfg;
static struct account acct;

static void setup(void)
{
	char *err;

	memset(&o, 0, sizeof(o));
	memset(&acct, 0, sizeof(acct));
	cfg_load(&cfg, "/nonexistent/jabirurc");
	err = cfg_set(&cfg, "resource", "fromrc");
	cr_assert_null(err);
	err = cfg_set(&cfg, "ca_file", "/rc/ca.pem");
	cr_assert_null(err);
	acct.name = "home";
	acct.jid = "alice@example.org";
	acct.server = "acct.example.org";
	acct.port = 5223;
	acct.tls = TLS_DIRECT;
	acct.legacy_auth = true;
}

static void teardown(void)
{
	cfg_free(&cfg);
}

TestSuite(login_params, .init = setup, .fini = teardown);

Test(login_params, command_line_login)
{
	struct login_request rq = {.jid = "bob@example.org", .password = "pw"};
	struct session_params p;

	o.server = "127.0.0.1";
	o.port = 15222;
	cr_assert_eq(login_params_build(&p, &o, &cfg, &rq, NULL), 0);
	cr_expect_str_eq(p.jid, "bob@example.org");
	cr_expect_str_eq(p.server, "127.0.0.1");
	cr_expect_eq(p.port, 15222);
	cr_expect_eq(p.tls, TLS_STARTTLS);
	cr_expect_str_eq(p.password, "pw");
	cr_expect_str_eq(p.resource, "fromrc");
	cr_expect_str_eq(p.ca_file, "/rc/ca.pem");
	cr_expect(!p.legacy_auth);
	session_params_free(&p);
	cr_expect_null(p.jid);
}

Test(login_params, options_win_over_jabirurc)
{
	struct login_request rq = {.jid = "bob@example.org"};
	struct session_params p;

	o.resource = "cli";
	o.ca_file = "/cli/ca.pem";
	cr_assert_eq(login_params_build(&p, &o, &cfg, &rq, NULL), 0);
	cr_expect_str_eq(p.resource, "cli");
	cr_expect_str_eq(p.ca_file, "/cli/ca.pem");
	cr_expect_null(p.password);
	session_params_free(&p);
}

/* A HOST argument replaces --server and --port as a pair. */
Test(login_params, host_argument_replaces_server_and_port)
{
	struct login_request rq = {.jid = "bob@example.org", .host = "10.0.0.1"};
	struct session_params p;

	o.server = "127.0.0.1";
	o.port = 15222;
	cr_assert_eq(login_params_build(&p, &o, &cfg, &rq, NULL), 0);
	cr_expect_str_eq(p.server, "10.0.0.1");
	cr_expect_eq(p.port, 0);
	session_params_free(&p);
	rq.port = "5999";
	cr_assert_eq(login_params_build(&p, &o, &cfg, &rq, NULL), 0);
	cr_expect_eq(p.port, 5999);
	session_params_free(&p);
}

Test(login_params, bad_port_refused)
{
	const char *bad[] = {"0", "65536", "12x", "", "-5"};
	struct session_params p;
	char *err = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct login_request rq = {.jid = "bob@example.org", .host = "h", .port = bad[i]};

		cr_expect_eq(login_params_build(&p, &o, &cfg, &rq, &err), -1, "%s", bad[i]);
		cr_assert_not_null(err);
		cr_expect(strstr(err, "is not a port number") != NULL, "%s", err);
		free(err);
		err = NULL;
	}
}

Test(login_params, account_over_command_line)
{
	struct login_request rq = {.account = &acct};
	struct session_params p;

	o.server = "127.0.0.1";
	o.port = 15222;
	acct.resource = "acctres";
	cr_assert_eq(login_params_build(&p, &o, &cfg, &rq, NULL), 0);
	cr_expect_str_eq(p.jid, "alice@example.org");
	cr_expect_str_eq(p.server, "acct.example.org");
	cr_expect_eq(p.port, 5223);
	cr_expect_eq(p.tls, TLS_DIRECT);
	cr_expect(p.legacy_auth);
	cr_expect_str_eq(p.resource, "acctres");
	session_params_free(&p);
	/* An account without them takes --server and --port. */
	acct.server = NULL;
	acct.port = 0;
	acct.resource = NULL;
	cr_assert_eq(login_params_build(&p, &o, &cfg, &rq, NULL), 0);
	cr_expect_str_eq(p.server, "127.0.0.1");
	cr_expect_eq(p.port, 15222);
	cr_expect_str_eq(p.resource, "fromrc");
	session_params_free(&p);
}

/* The account used to drop --resource for its own or jabirurc's. */
Test(login_params, resource_option_wins_for_an_account)
{
	struct login_request rq = {.account = &acct};
	struct session_params p;

	o.resource = "cli";
	acct.resource = "acctres";
	cr_assert_eq(login_params_build(&p, &o, &cfg, &rq, NULL), 0);
	cr_expect_str_eq(p.resource, "cli");
	session_params_free(&p);
}
