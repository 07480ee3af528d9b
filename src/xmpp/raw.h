/* /raw: one element typed by the user, checked by a real XML parser before
 * anything is sent; the answer to an iq comes back as a "raw-result"
 * event naming the window it was sent from. */
#ifndef JABIRU_RAW_H
#define JABIRU_RAW_H

#include <stdbool.h>

struct app;
struct raw;

struct raw *raw_new(struct app *app);
void raw_free(struct raw *r);
/* NULL when xml is one well-formed element (namespaces checked), else a
 * translated message with the parser's reason, line and column
 * (malloc'd). */
char *raw_check(const char *xml);
/* Parses, gives an iq without id an id, sends. command labels the error
 * events; window: the bare JID of the chat window it was typed in, or NULL.
 * Returns 0 or -1 (error event). */
int raw_send(struct raw *r, const char *command, const char *xml, const char *window);
/* 0: xml is one complete well-formed element; 1: it is the beginning of
 * one (more lines may follow); -1: malformed, *err says why and where
 * (malloc'd). */
int raw_parse(const char *xml, char **err);
/* An element begun with /raw awaits more lines: cmd_execute hands every
 * line to raw_feed() until it is complete, malformed or cancelled by an
 * empty line. */
bool raw_waiting(const struct raw *r);
int raw_feed(struct raw *r, const char *command, const char *line);

#endif
