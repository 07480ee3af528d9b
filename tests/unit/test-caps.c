/* XEP-0115 verification strings and the one feature table that disco#info
 * and the caps hash share. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "xmpp/iq.h"

Test(caps, xep_0115_simple_example)
{
	/* XEP-0115 §5.2: Exodus 0.9.1. */
	const char *features[] = {
	    "http://jabber.org/protocol/disco#info", "http://jabber.org/protocol/disco#items",
	    "http://jabber.org/protocol/muc", "http://jabber.org/protocol/caps"};
	char *ver = iq_caps_ver("client", "pc", NULL, "Exodus 0.9.1", features, 4);

	cr_expect_str_eq(ver, "QgayPKawpkPSDYmwT/WM94uAlu0=");
	free(ver);
}

Test(caps, order_of_features_does_not_matter)
{
	const char *a[] = {"urn:xmpp:ping", "jabber:iq:version"};
	const char *b[] = {"jabber:iq:version", "urn:xmpp:ping"};
	char *va = iq_caps_ver("client", "console", NULL, "jabiru", a, 2);
	char *vb = iq_caps_ver("client", "console", NULL, "jabiru", b, 2);

	cr_expect_str_eq(va, vb);
	cr_expect_eq(strlen(va), 28);
	free(va);
	free(vb);
}

/* What jabiru implements, exactly: adding a feature means adding it here,
 * with the code that answers it. */
Test(caps, registered_features_are_exactly_what_jabiru_implements)
{
	static const char *const expected[] = {
	    "http://jabber.org/protocol/caps",
	    "http://jabber.org/protocol/disco#info",
	    "jabber:iq:version",
	    "urn:xmpp:ping",
	};
	struct app app;
	const char *const *f;
	size_t n;

	memset(&app, 0, sizeof(app));
	iq_init(&app);
	f = iq_features(&app, &n);
	cr_assert_eq(n, sizeof(expected) / sizeof(expected[0]), "%zu features registered", n);
	for (size_t i = 0; i < n; i++)
		cr_expect_str_eq(f[i], expected[i]);
	iq_fini(&app);
}

Test(caps, added_features_are_sorted_and_unique)
{
	struct app app;
	const char *const *f;
	size_t n;

	memset(&app, 0, sizeof(app));
	iq_init(&app);
	iq_add_feature(&app, "http://jabber.org/protocol/si");
	iq_add_feature(&app, "http://jabber.org/protocol/si");
	iq_add_feature(&app, "http://jabber.org/protocol/bytestreams");
	f = iq_features(&app, &n);
	cr_assert_eq(n, 6);
	for (size_t i = 1; i < n; i++)
		cr_expect(strcmp(f[i - 1], f[i]) < 0, "%s before %s", f[i - 1], f[i]);
	iq_fini(&app);
}
