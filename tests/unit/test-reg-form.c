/* The in-band registration form: the server's fields parsed, answered,
 * the submission's exact XML, parsed back as a server would read it. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "xmpp/reg-form.h"

static xmpp_ctx_t *ctx;

static void setup(void)
{
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
}

static void teardown(void)
{
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
}

TestSuite(reg_form, .init = setup, .fini = teardown);

static xmpp_stanza_t *parse(const char *xml)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);

	cr_assert_not_null(st, "%s", xml);
	return st;
}

static char *xml_of(xmpp_stanza_t *st)
{
	char *xml, *out;
	size_t len;

	cr_assert_eq(xmpp_stanza_to_text(st, &xml, &len), 0);
	out = xstrdup(xml);
	xmpp_free(ctx, xml);
	return out;
}

#define REG   "jabber:iq:register"
#define XDATA "jabber:x:data"

Test(reg_form, legacy_fields_answered_and_submitted)
{
	xmpp_stanza_t *q = parse("<query xmlns='" REG "'><instructions>Choose</instructions>"
	                         "<username/><password/><email/></query>");
	struct reg_form f, back;
	xmpp_stanza_t *sub, *again;
	char *xml;

	reg_form_parse(q, "alice", &f);
	cr_assert_not(f.xdata);
	cr_assert_not(f.registered);
	cr_assert_eq(f.nfields, 3);
	cr_expect_str_eq(f.fields[0].var, "username");
	cr_expect_str_eq(f.fields[0].value, "alice");
	cr_expect(f.fields[1].secret);
	cr_expect_null(f.fields[1].value);
	cr_expect_not(f.fields[2].secret);
	f.fields[1].value = xstrdup("s3cret");
	sub = reg_form_submit(ctx, &f);
	xml = xml_of(sub);
	/* The unanswered email is left out. */
	cr_expect_str_eq(xml, "<query xmlns=\"" REG "\"><username>alice</username>"
	                      "<password>s3cret</password></query>");
	again = parse(xml);
	reg_form_parse(again, "alice", &back);
	cr_assert_eq(back.nfields, 2);
	cr_expect_str_eq(back.fields[1].var, "password");
	free(xml);
	reg_form_free(&back);
	reg_form_free(&f);
	xmpp_stanza_release(again);
	xmpp_stanza_release(sub);
	xmpp_stanza_release(q);
}

Test(reg_form, data_form_keeps_hidden_values_and_secret_types)
{
	xmpp_stanza_t *q =
	    parse("<query xmlns='" REG "'><x xmlns='" XDATA "' type='form'>"
	          "<field type='hidden' var='FORM_TYPE'><value>" REG "</value></field>"
	          "<field type='fixed'><value>Welcome</value></field>"
	          "<field type='text-single' var='username' label='User'/>"
	          "<field type='text-private' var='pwd' label='Password'/>"
	          "<field type='text-single' var='city' label='City'/></x></query>");
	struct reg_form f;
	xmpp_stanza_t *sub;
	char *xml;

	reg_form_parse(q, "bob", &f);
	cr_assert(f.xdata);
	cr_assert_eq(f.nfields, 4, "the fixed field is not a question");
	cr_expect_str_eq(f.fields[0].value, REG);
	cr_expect_str_eq(f.fields[1].value, "bob");
	cr_expect(f.fields[2].secret);
	cr_expect_str_eq(f.fields[3].label, "City");
	f.fields[2].value = xstrdup("pw");
	sub = reg_form_submit(ctx, &f);
	xml = xml_of(sub);
	/* Attributes in libstrophe's own order. */
	cr_expect_str_eq(xml, "<query xmlns=\"" REG "\"><x xmlns=\"" XDATA "\" type=\"submit\">"
	                      "<field type=\"hidden\" var=\"FORM_TYPE\"><value>" REG
	                      "</value></field><field type=\"text-single\" var=\"username\">"
	                      "<value>bob</value></field><field type=\"text-private\" "
	                      "var=\"pwd\"><value>pw</value></field></x></query>");
	free(xml);
	reg_form_free(&f);
	xmpp_stanza_release(sub);
	xmpp_stanza_release(q);
}

Test(reg_form, registered_and_bounded)
{
	struct buf b;
	xmpp_stanza_t *q = parse("<query xmlns='" REG "'><registered/><username>a</username>"
	                         "</query>"),
	              *big;
	struct reg_form f;

	reg_form_parse(q, "a", &f);
	cr_expect(f.registered);
	reg_form_free(&f);
	xmpp_stanza_release(q);
	buf_init(&b);
	buf_printf(&b, "<query xmlns='" REG "'>");
	for (int i = 0; i < 40; i++)
		buf_printf(&b, "<f%d/>", i);
	buf_printf(&b, "</query>");
	big = parse(buf_cstr(&b));
	reg_form_parse(big, "a", &f);
	cr_expect_eq(f.nfields, REG_MAX_FIELDS);
	reg_form_free(&f);
	xmpp_stanza_release(big);
	buf_free(&b);
}
