/* The config reader (src/cfg.c, libinih underneath) on any jabirurc. The
 * first byte picks the file's mode (private or readable by others, which
 * decides whether a password line is taken); the rest is the file. Every
 * value in force afterwards passes its own setting's check, every problem
 * has a text, and everything is freed. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"

static char path[] = "/tmp/jabiru-fuzz-cfg-XXXXXX";
static int fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* No JABIRU_* override may change what the file says. */
	clearenv();
	fd = mkstemp(path);
	if (fd < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;

	if (size == 0)
		return 0;
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data + 1, size - 1, 0) != (ssize_t)(size - 1) ||
	    fchmod(fd, data[0] & 1 ? 0600 : 0644) != 0)
		abort();
	cfg_load(&cfg, path);
	for (size_t i = 0; i < cfg_nsettings(); i++) {
		char *why = cfg_check(&cfg_settings[i], cfg.value[i]);

		if (why != NULL)
			abort(); /* a bad value in the file was let through */
	}
	for (size_t i = 0; i < cfg.nproblems; i++)
		if (cfg.problems[i] == NULL || cfg.problems[i][0] == '\0')
			abort();
	for (size_t i = 0; i < cfg.naccounts; i++)
		if (cfg.accounts[i].name == NULL)
			abort();
	cfg_free(&cfg);
	return 0;
}
