/* Every XML namespace jabiru speaks, in one place and one style. Those
 * libstrophe already names are used under its own XMPP_NS_* names
 * (strophe.h): XMPP_NS_CLIENT, XMPP_NS_STREAMS, XMPP_NS_STANZAS_IETF,
 * XMPP_NS_TLS, XMPP_NS_SASL, XMPP_NS_AUTH, XMPP_NS_DISCO_INFO,
 * XMPP_NS_DISCO_ITEMS, XMPP_NS_ROSTER, XMPP_NS_REGISTER. The rest are NS_*
 * here; add a new one beside its kin rather than in the file that needs it. */
#ifndef JABIRU_NS_H
#define JABIRU_NS_H

#include <strophe.h>

/* Core and login (RFC 6120, XEP-0078, XEP-0388). */
#define NS_SASL2     "urn:xmpp:sasl:2"
#define NS_ROSTERVER "urn:xmpp:features:rosterver"

/* What jabiru answers (XEP-0115, XEP-0092, XEP-0199) and reads. */
#define NS_CAPS    "http://jabber.org/protocol/caps"
#define NS_VERSION "jabber:iq:version"
#define NS_PING    "urn:xmpp:ping"
#define NS_DELAY   "urn:xmpp:delay"
#define NS_XDATA   "jabber:x:data"

/* File transfer: stream initiation (XEP-0095, XEP-0096, XEP-0020) and the
 * bytestreams it negotiates (XEP-0065, XEP-0047). */
#define NS_SI          "http://jabber.org/protocol/si"
#define NS_SI_FT       "http://jabber.org/protocol/si/profile/file-transfer"
#define NS_FEATURE_NEG "http://jabber.org/protocol/feature-neg"
#define NS_BYTESTREAMS "http://jabber.org/protocol/bytestreams"
#define NS_IBB         "http://jabber.org/protocol/ibb"

/* The user's blocklist (XEP-0191). */
#define NS_BLOCKING "urn:xmpp:blocking"

#endif
