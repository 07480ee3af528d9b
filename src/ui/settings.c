/* The screen's settings come from the configuration (cfg.c holds their
 * names, defaults and documentation). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "ui/settings.h"
#include "util/str.h"

void ui_settings_load(struct ui_settings *s, const struct config *cfg)
{
	memset(s, 0, sizeof(*s));
	s->roster_pane = cfg_bool(cfg, "roster.pane");
	s->roster_left = cfg_bool(cfg, "roster.left");
	s->roster_width = (int)cfg_int(cfg, "roster.width");
	s->roster_offline = cfg_bool(cfg, "roster.offline");
	s->roster_min_cols = 60;
	/* cut to the buffer: an over-long format is not worth an error */
	snprintf(s->time_format, sizeof(s->time_format), "%s", cfg_str(cfg, "ui.time_format"));
	s->scrollback = (size_t)cfg_int(cfg, "ui.scrollback");
	s->unread_bell = cfg_bool(cfg, "ui.bell");
	s->unread_title = cfg_bool(cfg, "ui.title");
	snprintf(s->theme, sizeof(s->theme), "%s", cfg_str(cfg, "ui.theme"));
}
