/* The command-line parser (src/opts.c). The input is argv after the
 * program name, NUL-separated; a parse either fills the options or gives a
 * message, never both, and everything is freed. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "util/str.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = xmalloc(size + 1), *argv[MAX_ARGS + 2], *err = NULL;
	int argc = 0;
	struct opts o;
	size_t i = 0;

	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[argc++] = "jabiru";
	while (i <= size && argc <= MAX_ARGS) {
		argv[argc++] = copy + i;
		i += strlen(copy + i) + 1;
	}
	argv[argc] = NULL;
	if (opts_parse(&o, argc, argv, &err) != 0) {
		if (err == NULL || err[0] == '\0')
			abort(); /* a refusal says why */
		free(err);
	} else {
		if (err != NULL)
			abort();
		if (o.port < 0 || o.port > 65535)
			abort();
	}
	opts_free(&o);
	free(copy);
	return 0;
}
