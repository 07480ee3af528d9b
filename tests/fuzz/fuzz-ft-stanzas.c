/* The file-transfer stanza handlers (src/ft: si.c offers, s5b.c bytestream
 * queries, ibb.c open, data and close) on what a contact sends, logged in
 * and accepting every offer (batch mode with --accept-files, so offers
 * become transfers writing a .part file). The input is the inside of a
 * stream (stanza-driver.c); an offer is accepted from a contact in the
 * roster, so the seeds start with a roster answer or push. No streamhost
 * connection leaves the process. Then batch input ends: transfers still
 * waiting are refused, the others held until they end (ft_hold_shutdown). */
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
	struct driver_opts o = {.batch = true, .accept_files = true};
	struct app *app = driver_start(&o);

	driver_connect(app);
	driver_feed(app, data, size);
	driver_end_of_input(app);
	driver_stop(app);
	return 0;
}
