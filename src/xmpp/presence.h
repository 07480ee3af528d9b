/* Own presence: the initial broadcast after login. */
#ifndef JABIRU_PRESENCE_H
#define JABIRU_PRESENCE_H

struct app;

void presence_init(struct app *app);

#endif
