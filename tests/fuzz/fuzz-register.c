/* In-band registration (src/xmpp/register.c) against a hostile server: the
 * stream features, STARTTLS, the registration form (plain fields and a
 * XEP-0004 data form) and the answer to the submission. The first byte
 * picks batch mode (the password from the environment, no prompts) or the
 * screen's rules (each field asked for, answered at once); the rest is the
 * inside of the stream (stanza-driver.c). The form request has the id id1,
 * the submission the next one. */
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
	struct driver_opts o = {.register_jid = "newuser@localhost"};
	struct app *app;

	if (size == 0)
		return 0;
	o.batch = data[0] & 1;
	app = driver_start(&o);
	driver_connect(app);
	driver_feed(app, data + 1, size - 1);
	driver_stop(app);
	return 0;
}
