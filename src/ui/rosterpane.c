/* The roster pane's model and drawing. Contacts live in a map keyed by the
 * lower-cased bare JID; the sorted row list is rebuilt only when something
 * that changes the order happened, and curses sends only the cells that
 * differ from the last refresh, so an update costs the rows it changed. */
#include "config.h"

#include <ctype.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "ui/draw.h"
#include "ui/rosterpane.h"
#include "ui/theme.h"
#include "util/jid.h"
#include "util/map.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/utf8.h"

#define RP_MAX_RESOURCES 16

struct resource {
	char *name;
	enum pres show;
	int prio;
	char *status;
};

struct contact {
	char *jid;       /* bare, lower-cased: also the map's key */
	char *jid_shown; /* the sanitised JID where it differs, else NULL */
	char *name;      /* sanitised name or NULL */
	char **groups;   /* interned in the pane's group table */
	size_t ngroups;
	bool in_roster, ask, pending_in;
	unsigned unread;
	/* Grown on demand: most contacts of a big roster are offline, and
	 * an inline array of RP_MAX_RESOURCES cost 384 bytes for each. */
	struct resource *res;
	size_t nres, res_cap;
	enum pres show; /* of the best resource */
	const char *status;
};

struct row {
	const char *group; /* group header when contact is NULL */
	struct contact *contact;
};

/* A group name shared by the contacts in it: a big roster has thousands of
 * contacts in a few groups. */
struct group {
	unsigned refs;
	char name[];
};

struct roster_pane {
	struct map contacts;
	struct map groups; /* sanitised name -> struct group */
	struct row *rows;
	size_t nrows, rows_cap;
	int top;
	bool resort, dirty, last_offline;
};

static const char *const pres_names[] = {"chat", "online", "away", "xa", "dnd", "offline"};

const char *rpane_pres_name(enum pres p)
{
	return pres_names[p];
}

char rpane_pres_symbol(enum pres p)
{
	static const char sym[] = {'+', 'o', 'a', 'x', '!', '.'};

	return sym[p];
}

static enum pres pres_parse(const char *show)
{
	for (size_t i = 0; show != NULL && i < sizeof(pres_names) / sizeof(pres_names[0]); i++)
		if (strcmp(show, pres_names[i]) == 0)
			return (enum pres)i;
	return show == NULL ? PRES_ONLINE : PRES_OFFLINE;
}

static void key_of(const char *jid, char *out, size_t size)
{
	jid_bare_str(jid, out, size);
	for (char *p = out; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
}

static const char *label_of(const struct contact *c)
{
	return c->name != NULL ? c->name : c->jid_shown != NULL ? c->jid_shown : c->jid;
}

static const char *group_take(struct roster_pane *rp, const char *raw)
{
	char *name = sanitize_str(raw);
	struct group *g = map_get(&rp->groups, name);

	if (g == NULL) {
		size_t n = strlen(name) + 1;

		g = xmalloc(sizeof(*g) + n);
		g->refs = 0;
		memcpy(g->name, name, n);
		map_put(&rp->groups, g->name, g);
	}
	free(name);
	g->refs++;
	return g->name;
}

static void group_release(struct roster_pane *rp, const char *name)
{
	struct group *g = map_get(&rp->groups, name);

	if (g != NULL && --g->refs == 0)
		free(map_del(&rp->groups, name));
}

static void release_groups(struct roster_pane *rp, struct contact *c)
{
	for (size_t i = 0; i < c->ngroups; i++)
		group_release(rp, c->groups[i]);
	free(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
}

/* Frees a contact whose groups were released (or whose pane goes). */
static void contact_free(void *v)
{
	struct contact *c = v;

	free(c->jid);
	free(c->jid_shown);
	free(c->name);
	free(c->groups);
	for (size_t i = 0; i < c->nres; i++) {
		free(c->res[i].name);
		free(c->res[i].status);
	}
	free(c->res);
	free(c);
}

static struct contact *get(const struct roster_pane *rp, const char *jid)
{
	char key[JID_MAX + 1];

	key_of(jid, key, sizeof(key));
	return map_get(&rp->contacts, key);
}

static struct contact *get_or_add(struct roster_pane *rp, const char *jid)
{
	char key[JID_MAX + 1];
	struct contact *c;

	key_of(jid, key, sizeof(key));
	if ((c = map_get(&rp->contacts, key)) != NULL)
		return c;
	c = xcalloc(1, sizeof(*c));
	c->jid = xstrdup(key);
	c->jid_shown = sanitize_str(key);
	if (strcmp(c->jid_shown, c->jid) == 0) {
		free(c->jid_shown); /* the usual case: nothing to show differently */
		c->jid_shown = NULL;
	}
	c->show = PRES_OFFLINE;
	map_put(&rp->contacts, c->jid, c);
	return c;
}

struct roster_pane *rpane_new(void)
{
	struct roster_pane *rp = xcalloc(1, sizeof(*rp));

	/* Keyed by the values' own strings: no copy per contact or group. */
	map_init_borrowed(&rp->contacts);
	map_init_borrowed(&rp->groups);
	rp->resort = rp->dirty = true;
	return rp;
}

void rpane_free(struct roster_pane *rp)
{
	if (rp == NULL)
		return;
	map_free(&rp->contacts, contact_free);
	map_free(&rp->groups, free);
	free(rp->rows);
	free(rp);
}

static void set_groups(struct roster_pane *rp, struct contact *c, const char *const *groups,
                       size_t n)
{
	release_groups(rp, c);
	c->groups = n > 0 ? xcalloc(n, sizeof(*c->groups)) : NULL;
	for (size_t i = 0; i < n; i++)
		if (groups[i] != NULL && groups[i][0] != '\0')
			c->groups[c->ngroups++] = (char *)group_take(rp, groups[i]);
}

void rpane_roster(struct roster_pane *rp, const char *jid, const char *name,
                  const char *const *groups, size_t ngroups, const char *subscription, bool ask,
                  bool removed)
{
	struct contact *c;

	if (jid == NULL)
		return;
	rp->resort = rp->dirty = true;
	if (removed) {
		char key[JID_MAX + 1];

		key_of(jid, key, sizeof(key));
		if ((c = map_del(&rp->contacts, key)) != NULL) {
			release_groups(rp, c);
			contact_free(c);
		}
		return;
	}
	c = get_or_add(rp, jid);
	c->in_roster = true;
	c->ask = ask;
	free(c->name);
	c->name = name != NULL && name[0] != '\0' ? sanitize_str(name) : NULL;
	set_groups(rp, c, groups, ngroups);
	if (subscription != NULL &&
	    (strcmp(subscription, "from") == 0 || strcmp(subscription, "both") == 0))
		c->pending_in = false; /* the request was answered */
}

/* The best resource decides: highest priority, then the more available. */
static void contact_update_show(struct contact *c)
{
	const struct resource *best = NULL;

	for (size_t i = 0; i < c->nres; i++) {
		const struct resource *r = &c->res[i];

		if (best == NULL || r->prio > best->prio ||
		    (r->prio == best->prio && r->show < best->show))
			best = r;
	}
	c->show = best != NULL ? best->show : PRES_OFFLINE;
	c->status = best != NULL ? best->status : NULL;
}

static void resource_drop(struct contact *c, size_t i)
{
	free(c->res[i].name);
	free(c->res[i].status);
	c->res[i] = c->res[--c->nres];
	/* The vacated slot must not keep pointers now owned by slot i. */
	memset(&c->res[c->nres], 0, sizeof(c->res[c->nres]));
	if (c->nres == 0) {
		free(c->res);
		c->res = NULL;
		c->res_cap = 0;
	}
}

static struct resource *resource_add(struct contact *c, const char *name)
{
	if (c->nres == c->res_cap) {
		c->res_cap = c->res_cap ? c->res_cap * 2 : 2;
		c->res = xrealloc(c->res, c->res_cap * sizeof(*c->res));
	}
	memset(&c->res[c->nres], 0, sizeof(c->res[c->nres]));
	c->res[c->nres].name = xstrdup(name);
	return &c->res[c->nres++];
}

static bool same_status(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

bool rpane_presence(struct roster_pane *rp, const char *from, const char *show, const char *status,
                    int priority)
{
	const char *resname = jid_resource_str(from);
	enum pres p = pres_parse(show);
	struct contact *c = get(rp, from);
	enum pres old_show;
	char *old_status;
	size_t i;
	bool changed;

	if (c == NULL)
		return false; /* not a contact of ours: nothing to show */
	old_show = c->show;
	old_status = c->status != NULL ? xstrdup(c->status) : NULL;
	if (resname == NULL)
		resname = "";
	for (i = 0; i < c->nres && strcmp(c->res[i].name, resname) != 0; i++)
		;
	if (p == PRES_OFFLINE) {
		if (resname[0] == '\0')
			while (c->nres > 0)
				resource_drop(c, 0);
		else if (i < c->nres)
			resource_drop(c, i);
	} else if (i < c->nres || c->nres < RP_MAX_RESOURCES) {
		if (i == c->nres)
			resource_add(c, resname);
		c->res[i].show = p;
		c->res[i].prio = priority;
		free(c->res[i].status);
		c->res[i].status =
		    status != NULL && status[0] != '\0' ? sanitize_str(status) : NULL;
	}
	contact_update_show(c);
	changed = c->show != old_show || !same_status(c->status, old_status);
	free(old_status);
	if (c->show != old_show)
		rp->resort = true;
	rp->dirty |= changed;
	return changed;
}

void rpane_subscription(struct roster_pane *rp, const char *from, const char *type, bool pending)
{
	struct contact *c;

	if (from == NULL || type == NULL)
		return;
	if (strcmp(type, "subscribe") == 0) {
		/* Only what the pending list keeps: past its cap a flood of
		 * made-up JIDs adds nothing here. */
		if (!pending)
			return;
		c = get_or_add(rp, from);
		c->pending_in = true;
	} else if ((c = get(rp, from)) != NULL) {
		if (strcmp(type, "unsubscribe") == 0)
			c->pending_in = false;
		if (!c->in_roster && !c->pending_in) {
			char key[JID_MAX + 1];

			key_of(from, key, sizeof(key));
			release_groups(rp, c);
			contact_free(map_del(&rp->contacts, key));
		}
	}
	rp->resort = rp->dirty = true;
}

void rpane_all_offline(struct roster_pane *rp)
{
	const char *k;
	void *v;

	for (size_t it = 0; map_next(&rp->contacts, &it, &k, &v);) {
		struct contact *c = v;

		while (c->nres > 0)
			resource_drop(c, 0);
		contact_update_show(c);
	}
	rp->resort = rp->dirty = true;
}

void rpane_set_unread(struct roster_pane *rp, const char *bare, unsigned n)
{
	struct contact *c = get(rp, bare);

	if (c != NULL && c->unread != n) {
		c->unread = n;
		rp->dirty = true;
		rp->resort = true; /* a hidden offline contact with unread shows */
	}
}

size_t rpane_count(const struct roster_pane *rp)
{
	return rp->contacts.count;
}

const char *rpane_name(const struct roster_pane *rp, const char *bare)
{
	const struct contact *c = get(rp, bare);

	return c != NULL ? c->name : NULL;
}

enum pres rpane_pres(const struct roster_pane *rp, const char *bare)
{
	const struct contact *c = get(rp, bare);

	return c != NULL ? c->show : PRES_OFFLINE;
}

const char *rpane_status(const struct roster_pane *rp, const char *bare)
{
	const struct contact *c = get(rp, bare);

	return c != NULL ? c->status : NULL;
}

void rpane_each(const struct roster_pane *rp,
                void (*fn)(void *ud, const char *jid, const char *name), void *ud)
{
	const char *k;
	void *v;

	for (size_t it = 0; map_next(&rp->contacts, &it, &k, &v);)
		fn(ud, ((struct contact *)v)->jid, ((struct contact *)v)->name);
}

void rpane_scroll(struct roster_pane *rp, int delta)
{
	rp->top += delta;
	if (rp->top < 0)
		rp->top = 0;
	rp->dirty = true;
}

bool rpane_dirty(const struct roster_pane *rp)
{
	return rp->dirty;
}

/* The group of the offline contacts, last: with many contacts offline, the
 * few online ones stay at the top of the pane whatever their groups. */
static const char offline_group[] = "";

/* Groups by name, "no group" (NULL) after them, the offline ones last;
 * in a group the more available first, then by label. */
static int group_rank(const char *g)
{
	return g == offline_group ? 2 : g == NULL ? 1 : 0;
}

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int d;

	if ((d = group_rank(x->group) - group_rank(y->group)) != 0)
		return d;
	if (group_rank(x->group) == 0 && (d = strcmp(x->group, y->group)) != 0)
		return d;
	if (x->contact->show != y->contact->show)
		return (int)x->contact->show - (int)y->contact->show;
	if ((d = strcasecmp(label_of(x->contact), label_of(y->contact))) != 0)
		return d;
	return strcmp(x->contact->jid, y->contact->jid);
}

static void rows_push(struct row **rows, size_t *n, size_t *cap, const char *group,
                      struct contact *c)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*rows = xrealloc(*rows, *cap * sizeof(**rows));
	}
	(*rows)[*n].group = group;
	(*rows)[(*n)++].contact = c;
}

static bool same_group(const char *a, const char *b)
{
	return a == b || (group_rank(a) == 0 && group_rank(b) == 0 && strcmp(a, b) == 0);
}

/* Sorts (group, contact) pairs, then lays them out with a header row
 * before each group. An offline contact is listed once, in the offline
 * group, not in each of its own. */
static void rows_build(struct roster_pane *rp, bool show_offline)
{
	struct row *pairs = NULL;
	size_t n = 0, cap = 0;
	const char *k;
	void *v;

	for (size_t it = 0; map_next(&rp->contacts, &it, &k, &v);) {
		struct contact *c = v;

		if (c->show == PRES_OFFLINE) {
			if (show_offline || c->unread > 0 || c->pending_in)
				rows_push(&pairs, &n, &cap, offline_group, c);
			continue;
		}
		if (c->ngroups == 0)
			rows_push(&pairs, &n, &cap, NULL, c);
		for (size_t g = 0; g < c->ngroups; g++)
			rows_push(&pairs, &n, &cap, c->groups[g], c);
	}
	if (n > 0)
		qsort(pairs, n, sizeof(*pairs), row_cmp);
	rp->nrows = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || !same_group(pairs[i].group, pairs[i - 1].group))
			rows_push(&rp->rows, &rp->nrows, &rp->rows_cap, pairs[i].group, NULL);
		rows_push(&rp->rows, &rp->nrows, &rp->rows_cap, pairs[i].group, pairs[i].contact);
	}
	free(pairs);
	rp->resort = false;
	rp->last_offline = show_offline;
}

static const enum theme_el pres_el[] = {TH_CHAT, TH_ONLINE, TH_AWAY, TH_XA, TH_DND, TH_OFFLINE};

static void draw_contact(const struct contact *c, const struct theme *th, int w)
{
	char suffix[32] = "";
	int sw;

	if (c->pending_in)
		strcat(suffix, " ?");
	else if (c->ask)
		strcat(suffix, " ~");
	if (c->unread > 0)
		snprintf(suffix + strlen(suffix), sizeof(suffix) - strlen(suffix), " (%u)",
		         c->unread);
	sw = (int)strlen(suffix);
	attrset(theme_attr(th, pres_el[c->show]) | A_BOLD);
	addch(' ');
	addch((chtype)(unsigned char)rpane_pres_symbol(c->show));
	addch(' ');
	attrset(theme_attr(th, c->show == PRES_OFFLINE ? TH_OFFLINE : TH_PANE));
	draw_clipped(label_of(c), w - 3 - sw > 1 ? w - 3 - sw : 1);
	if (sw > 0 && getcurx(stdscr) + sw <= COLS) {
		attrset(theme_attr(th, c->unread > 0 ? TH_ERROR : TH_INFO));
		addstr(suffix);
	}
}

void rpane_draw(struct roster_pane *rp, const struct theme *th, int y, int x, int h, int w,
                bool show_offline)
{
	if (rp->resort || show_offline != rp->last_offline)
		rows_build(rp, show_offline);
	if (rp->top > (int)rp->nrows - h)
		rp->top = (int)rp->nrows - h > 0 ? (int)rp->nrows - h : 0;
	for (int r = 0; r < h; r++) {
		size_t i = (size_t)rp->top + (size_t)r;

		attrset(theme_attr(th, TH_PANE));
		move(y + r, x);
		for (int c = 0; c < w; c++)
			addch(' ');
		move(y + r, x);
		if (i >= rp->nrows)
			continue;
		if (rp->rows[i].contact == NULL) {
			attrset(theme_attr(th, TH_GROUP));
			draw_clipped(rp->rows[i].group == offline_group ? _("offline")
			             : rp->rows[i].group != NULL        ? rp->rows[i].group
			                                                : _("no group"),
			             w);
		} else {
			draw_contact(rp->rows[i].contact, th, w);
		}
	}
	attrset(theme_attr(th, TH_MORE));
	if (rp->top > 0)
		mvaddch(y, x + w - 1, '^');
	if ((size_t)rp->top + (size_t)h < rp->nrows)
		mvaddch(y + h - 1, x + w - 1, 'v');
	attrset(A_NORMAL);
	rp->dirty = false;
}
