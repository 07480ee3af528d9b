/* The in-band registration form (XEP-0077): the fields a server asks for,
 * parsed from its <query xmlns='jabber:iq:register'/> (a data form, or the
 * legacy fixed fields), and the answers built back into a query. Pure,
 * with a unit test; register.c asks the user and talks to the server. */
#ifndef JABIRU_REG_FORM_H
#define JABIRU_REG_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <strophe.h>

#define REG_MAX_FIELDS 16

struct reg_field {
	char *var;
	char *label;
	char *type;  /* as the form declared it, or NULL */
	char *value; /* NULL until answered; a secret's is freed with str_free_secret */
	bool secret;
};

struct reg_form {
	bool xdata;      /* a data form (XEP-0004) rather than legacy fields */
	bool registered; /* the account exists already */
	struct reg_field fields[REG_MAX_FIELDS];
	size_t nfields;
};

/* Fills form from the server's query: a hidden field keeps the server's
 * value, a field named username is answered with username, every other
 * field waits for an answer. At most REG_MAX_FIELDS are kept. */
void reg_form_parse(xmpp_stanza_t *query, const char *username, struct reg_form *form);
/* The <query/> that submits the answered fields (unanswered ones left
 * out). */
xmpp_stanza_t *reg_form_submit(xmpp_ctx_t *ctx, const struct reg_form *form);
void reg_form_free(struct reg_form *form);

#endif
