/* The command parser and table. */
#include <criterion/criterion.h>
#include <string.h>

#include "cmd/cmd.h"

Test(cmd_args, splits_words_and_keeps_rest)
{
	struct cmd_args a;
	const char *err = NULL;

	cr_assert_eq(cmd_args_parse(&a, "  bob@localhost   hello   world ", 0, &err), 0);
	cr_assert_eq(a.argc, 3);
	cr_assert_str_eq(a.argv[0], "bob@localhost");
	cr_assert_str_eq(a.argv[1], "hello");
	cr_assert_str_eq(a.rest[1], "hello   world ");
	cmd_args_free(&a);
}

Test(cmd_args, quotes_and_backslashes_group)
{
	struct cmd_args a;
	const char *err = NULL;

	cr_assert_eq(cmd_args_parse(&a, "\"my file.txt\" a\\ b", 0, &err), 0);
	cr_assert_eq(a.argc, 2);
	cr_assert_str_eq(a.argv[0], "my file.txt");
	cr_assert_str_eq(a.argv[1], "a b");
	cmd_args_free(&a);
}

Test(cmd_args, unterminated_quote_is_an_error)
{
	struct cmd_args a;
	const char *err = NULL;

	cr_assert_neq(cmd_args_parse(&a, "\"open", 0, &err), 0);
	cr_assert_not_null(err);
	cmd_args_free(&a);
}

Test(cmd_args, raw_tail_keeps_quotes_and_spacing)
{
	struct cmd_args a;
	const char *err = NULL;

	cr_assert_eq(cmd_args_parse(&a, "bob@localhost  he said \"hi  there  ", 1, &err), 0);
	cr_assert_eq(a.argc, 2);
	cr_assert_str_eq(a.argv[0], "bob@localhost");
	cr_assert_str_eq(a.argv[1], "he said \"hi  there");
	cmd_args_free(&a);
}

Test(cmd_table, unique_and_documented)
{
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		const struct cmd_entry *e = cmd_table[i];

		cr_assert_not_null(e->summary, "/%s has no summary", e->name);
		cr_assert_not_null(e->usage, "/%s has no usage", e->name);
		cr_assert_not_null(e->exec, "/%s has no handler", e->name);
		cr_assert(e->max_args < 0 || e->min_args <= e->max_args, "/%s", e->name);
		cr_assert_eq(cmd_find(e->name), e);
	}
	cr_assert_null(cmd_find("nosuchcommand"));
}

Test(cmd_table, secret_commands_recognised)
{
	cr_assert_not(cmd_is_secret("/msg bob hi"));
	cr_assert_not(cmd_is_secret("hello"));
	cr_assert(cmd_is_secret("/raw <presence/>"));
}

/* /raw can carry a password: such a line, or the continuation lines of a
 * multi-line /raw, never reach the history file. */
Test(cmd_history, secrets_are_not_kept)
{
	cr_assert(cmd_history_ok("/msg bob hi", false));
	cr_assert(cmd_history_ok("/raw <presence/>", false));
	cr_assert(
	    cmd_history_ok("/raw <message to='bob@localhost'><body>hi</body></message>", false));
	cr_assert_not(cmd_history_ok("/raw <iq type='set'><query xmlns='jabber:iq:register'>"
	                             "<username>bob</username><password>hunter2</password>"
	                             "</query></iq>",
	                             false));
	/* The first line of a multi-line element, the secret already begun. */
	cr_assert_not(cmd_history_ok("/raw <iq type='set'><query xmlns='jabber:iq:register'>"
	                             "<password>hunter2",
	                             false));
	cr_assert_not(cmd_history_ok("/raw <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
	                             "mechanism='PLAIN'>AGJvYgBodW50ZXIy</auth>",
	                             false));
	cr_assert_not(cmd_history_ok("/raw <x xmlns='jabber:x:data' type='submit'><field var='pwd' "
	                             "type='text-private'><value>hunter2</value></field></x>",
	                             false));
	/* A line continuing a /raw: "hunter2</password></query></iq>" alone
	 * looks like nothing secret. */
	cr_assert_not(cmd_history_ok("hunter2</password></query></iq>", true));
	cr_assert_not(cmd_history_ok("/msg bob hi", true));
}
