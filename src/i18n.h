/* Translation macros: _() for user-visible text, N_() in static tables. */
#ifndef JABIRU_I18N_H
#define JABIRU_I18N_H

#include <libintl.h>

#define _(s)               gettext(s)
#define N_(s)              (s)
#define ngettext_(s, p, n) ngettext((s), (p), (n))

#endif
