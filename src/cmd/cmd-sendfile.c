#include "config.h"

#include "app.h"
#include "cmd/cmd.h"
#include "ft/ft.h"
#include "i18n.h"

static int cmd_sendfile_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	return ft_sendfile(ctx->app, ctx->name, args->argv[0], args->argv[1],
	                   args->argc > 2 ? args->argv[2] : NULL);
}

const struct cmd_entry cmd_sendfile_entry = {
    .name = "sendfile",
    .usage = "JID[/RESOURCE] PATH [DESCRIPTION]",
    .summary = N_("offer a file to a contact"),
    .help = N_("Offers the file at PATH to JID with SI file transfer (XEP-0096). Without "
               "a resource, the first online resource that accepts files is chosen. The "
               "bytes go over SOCKS5 bytestreams or in-band, as the contact chooses. Quote "
               "a PATH that holds spaces. /files shows the progress."),
    .min_args = 2,
    .max_args = 3,
    .raw_from = 2,
    .complete = COMPLETE_FILE,
    .exec = cmd_sendfile_exec,
};
