/* The command parser and the commands (src/cmd) as batch mode runs them:
 * each input line is one command line for cmd_execute(), logged in
 * (stanza-driver.c), so the commands build and "send" their stanzas. Left
 * out, because they reach outside the process through paths the input
 * names: /sendfile (reads any file), /set and /save (files and directories
 * in settings). Every line is also split by cmd_args_parse() directly,
 * which must not keep a word past the line. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "stanza-driver.h"
#include "util/str.h"

static bool excluded(const char *line)
{
	static const char *const names[] = {"sendfile", "set", "save"};

	if (line[0] != '/')
		return false;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);

		if (strncmp(line + 1, names[i], n) == 0 &&
		    (line[1 + n] == '\0' || line[1 + n] == ' ' || line[1 + n] == '\t'))
			return true;
	}
	return false;
}

static void check_split(const char *line)
{
	struct cmd_args a;
	const char *err = NULL;
	size_t len = strlen(line);

	for (int raw_from = 0; raw_from < 3; raw_from++) {
		if (cmd_args_parse(&a, line, raw_from, &err) == 0) {
			for (int i = 0; i < a.argc; i++) {
				if (strlen(a.argv[i]) > len || a.rest[i] < a.line ||
				    a.rest[i] > a.line + len)
					abort();
			}
		} else if (err == NULL) {
			abort(); /* a refusal says why */
		}
		cmd_args_free(&a);
	}
}

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
	struct cmd_ctx ctx = {.app = app};
	char *text = xstrndup((const char *)data, size), *line, *save = NULL;

	driver_connect(app);
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		check_split(line);
		if (!excluded(line))
			cmd_execute(&ctx, line);
	}
	free(text);
	driver_end_of_input(app);
	driver_stop(app);
	return 0;
}
