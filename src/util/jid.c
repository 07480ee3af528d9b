/* JIDs (RFC 7622): split, checked and formatted.
 *
 * This is not a full PRECIS implementation (no Unicode case folding or
 * normalisation; the server does that). It refuses what would make a JID
 * unusable or misleading on screen: empty or oversized parts, invalid
 * UTF-8, controls anywhere, and spaces, invisible or direction-changing
 * characters in the local part and domain. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "util/jid.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* Spaces (Zs and the line separators) and invisible format characters:
 * they would let "alice@example.org" and a look-alike differ unseen. */
static bool is_space_or_invisible(uint32_t cp)
{
	return cp == 0x20 || cp == 0xa0 || cp == 0xad || cp == 0x061c || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) ||
	       (cp >= 0x205f && cp <= 0x206f) || cp == 0x3000 || cp == 0xfeff;
}

/* Checks every code point of s[0..len) with bad(). The UTF-8 has been
 * validated, and parts end at ASCII separators, so none is cut. */
static bool part_ok(const char *s, size_t len, bool (*bad)(uint32_t))
{
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		i += utf8_decode(s + i, len - i, &cp);
		if (bad(cp))
			return false;
	}
	return true;
}

static bool bad_local(uint32_t cp)
{
	/* RFC 7622 §3.3.1 forbids these in the localpart. */
	if (cp < 0x80 && strchr("\"&'/:<>@", (int)cp))
		return true;
	return is_control(cp) || is_space_or_invisible(cp);
}

static bool bad_domain(uint32_t cp)
{
	if (cp < 0x80) {
		/* Host names, IDN A-labels and bracketed IP literals. */
		return !((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		         (cp >= '0' && cp <= '9') || cp == '-' || cp == '.' || cp == '_' ||
		         cp == ':' || cp == '[' || cp == ']');
	}
	return is_control(cp) || is_space_or_invisible(cp);
}

static bool bad_resource(uint32_t cp)
{
	/* Resources are free-form (spaces, '@' and '/' are fine). */
	return is_control(cp);
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool labels_ok(const char *d, size_t len)
{
	size_t i;

	/* No empty label: ".example.org", "example..org", "example.org.."
	 * (whose one final dot has been stripped already). */
	if (d[0] == '.' || d[len - 1] == '.')
		return false;
	for (i = 1; i < len; i++)
		if (d[i] == '.' && d[i - 1] == '.')
			return false;
	return true;
}

bool jid_parse(struct jid *j, const char *s)
{
	const char *slash, *at, *dom;
	size_t total, head, llen, dlen, rlen, i;

	if (!s)
		return false;
	total = strlen(s);
	if (!utf8_valid(s, total))
		return false;

	/* The resource starts at the first '/', and only an '@' before it
	 * ends a local part: "a@b/c@d/e" is a, b, "c@d/e". */
	slash = strchr(s, '/');
	head = slash ? (size_t)(slash - s) : total;
	at = memchr(s, '@', head);
	llen = at ? (size_t)(at - s) : 0;
	dom = at ? at + 1 : s;
	dlen = head - (size_t)(dom - s);
	rlen = slash ? total - head - 1 : 0;

	if (at && llen == 0)
		return false;
	if (slash && rlen == 0)
		return false;
	/* RFC 7622 §3.2: a trailing dot is not part of the domain. */
	if (dlen > 0 && dom[dlen - 1] == '.')
		dlen--;
	if (dlen == 0)
		return false;
	if (llen > JID_PART_MAX || dlen > JID_PART_MAX || rlen > JID_PART_MAX)
		return false;
	if (!part_ok(s, llen, bad_local) || !part_ok(dom, dlen, bad_domain) ||
	    !labels_ok(dom, dlen) || !part_ok(slash ? slash + 1 : "", rlen, bad_resource))
		return false;

	memcpy(j->local, s, llen);
	j->local[llen] = '\0';
	for (i = 0; i < dlen; i++)
		j->domain[i] = ascii_lower(dom[i]);
	j->domain[dlen] = '\0';
	if (slash)
		memcpy(j->resource, slash + 1, rlen);
	j->resource[rlen] = '\0';
	return true;
}

char *jid_bare(const struct jid *j, char *out, size_t outlen)
{
	if (j->local[0])
		snprintf(out, outlen, "%s@%s", j->local, j->domain);
	else
		snprintf(out, outlen, "%s", j->domain);
	return out;
}

char *jid_full(const struct jid *j, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s%s%s%s%s", j->local, j->local[0] ? "@" : "", j->domain,
	         j->resource[0] ? "/" : "", j->resource);
	return out;
}

char *jid_bare_str(const char *s, char *out, size_t outlen)
{
	size_t n;

	if (outlen == 0)
		return out;
	if (!s)
		s = "";
	n = strcspn(s, "/");
	if (n > outlen - 1)
		n = outlen - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

const char *jid_resource_str(const char *s)
{
	const char *slash = s ? strchr(s, '/') : NULL;

	return slash ? slash + 1 : NULL;
}

bool jid_bare_eq(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	for (;; a++, b++) {
		bool a_end = *a == '\0' || *a == '/';
		bool b_end = *b == '\0' || *b == '/';

		if (a_end || b_end)
			return a_end && b_end;
		if (ascii_lower(*a) != ascii_lower(*b))
			return false;
	}
}
