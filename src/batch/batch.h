/* The batch front end: commands on stdin, one JSON object per event on
 * stdout. The scripting interface and the backbone of the tests. */
#ifndef JABIRU_BATCH_H
#define JABIRU_BATCH_H

#include <stdbool.h>

struct app;
struct batch;

extern const struct frontend batch_frontend;

struct batch *batch_new(struct app *app);
void batch_free(struct batch *b);
/* Starts reading stdin (at once, or after the login when one is under way). */
void batch_start(struct batch *b, bool wait_for_login);

#endif
