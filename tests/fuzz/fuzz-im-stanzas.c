/* The instant-messaging stanza handlers (src/xmpp: message.c, presence.c,
 * subscription.c, roster.c pushes and answers, iq.c requests and answers,
 * the file-transfer modules' disco too) on whatever a server or a contact
 * sends once logged in, then batch mode's end of input. The input is the
 * inside of a stream: any number of stanzas, dispatched in order
 * (stanza-driver.c); requests jabiru sends at login carry the ids id1,
 * id2, ... so the input can answer them. */
#include "config.h"

#include <stdint.h>

#include "stanza-driver.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	driver_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct driver_opts o = {.batch = true};
	struct app *app = driver_start(&o);

	driver_connect(app);
	driver_feed(app, data, size);
	driver_end_of_input(app);
	driver_stop(app);
	return 0;
}
