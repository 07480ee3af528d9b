/* One-to-one messages: sending with the right resource (RFC 6121 §5.1) and
 * receiving chat, normal and error messages. */
#ifndef JABIRU_MESSAGE_H
#define JABIRU_MESSAGE_H

struct app;
struct session;

/* Attaches the message handlers to the session. */
void message_init(struct app *app);
void message_fini(struct app *app);
/* Sends a chat message. to may be bare (then the locked resource, if any, is
 * used) or full. Emits message-sent. Returns 0 or -1 after an error event. */
int message_send(struct app *app, const char *command, const char *to, const char *body);

#endif
