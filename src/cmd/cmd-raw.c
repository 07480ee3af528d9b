#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "util/str.h"
#include "xmpp/raw.h"

static int cmd_raw_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	/* The element as typed: rest[0] keeps quotes and backslashes. */
	char *xml = xstrdup(args->rest[0]);
	size_t n = strlen(xml);
	int rc;

	while (n > 0 && (xml[n - 1] == ' ' || xml[n - 1] == '\t' || xml[n - 1] == '\n' ||
	                 xml[n - 1] == '\r'))
		xml[--n] = '\0';
	rc = raw_send(ctx->app->raw, ctx->name, xml, ctx->window);
	free(xml);
	return rc;
}

const struct cmd_entry cmd_raw_entry = {
    .name = "raw",
    .usage = "XML",
    .summary = N_("send one XML element as typed"),
    .help = N_("Parses XML first and refuses malformed input with the parser's message and "
               "position; nothing is sent then. An iq without an id gets one, and the "
               "answer to an iq get or set is announced in the window it was sent from. "
               "An element not complete at the end of the line continues on the lines "
               "that follow (a paste over several lines); an empty line cancels it."),
    .min_args = 1,
    .max_args = 2,
    /* Only the first word is split (quotes there must balance); the
     * command reads the raw text itself. */
    .raw_from = 1,
    .flags = CMD_SECRET,
    .exec = cmd_raw_exec,
};
