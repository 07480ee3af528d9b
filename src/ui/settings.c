#include "config.h"

#include <string.h>

#include "ui/settings.h"

/* clang-format off */
const char *const ui_setting_names[] = {
	"roster.pane", "roster.left", "roster.width", "roster.offline", "ui.time_format",
	"ui.scrollback", "ui.bell", "ui.title", "ui.theme", NULL,
};
/* clang-format on */

void ui_settings_defaults(struct ui_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->roster_pane = true;
	s->roster_left = false;
	s->roster_width = 24;
	s->roster_offline = true;
	s->roster_min_cols = 60;
	strcpy(s->time_format, "%H:%M");
	s->scrollback = 5000;
	s->unread_bell = false;
	s->unread_title = false;
}
