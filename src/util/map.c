#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/map.h"
#include "util/str.h"

static char map_tomb_;
#define MAP_TOMB (&map_tomb_)

/* FNV-1a: short keys, no adversarial flooding worth defending against here
 * beyond what the load factor bounds. */
static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void map_init(struct map *m)
{
	memset(m, 0, sizeof(*m));
}

void map_init_borrowed(struct map *m)
{
	map_init(m);
	m->borrowed = 1;
}

void map_free(struct map *m, void (*free_val)(void *))
{
	int borrowed = m->borrowed;

	for (size_t i = 0; i < m->cap; i++) {
		if (m->slots[i].key == NULL || m->slots[i].key == MAP_TOMB)
			continue;
		if (!borrowed)
			free(m->slots[i].key);
		if (free_val != NULL)
			free_val(m->slots[i].val);
	}
	free(m->slots);
	map_init(m);
	m->borrowed = borrowed;
}

static struct map_slot *find(const struct map *m, const char *key)
{
	size_t mask, i;

	if (m->cap == 0)
		return NULL;
	mask = m->cap - 1;
	for (i = hash(key) & mask;; i = (i + 1) & mask) {
		struct map_slot *s = &m->slots[i];

		if (s->key == NULL)
			return NULL;
		if (s->key != MAP_TOMB && strcmp(s->key, key) == 0)
			return s;
	}
}

void *map_get(const struct map *m, const char *key)
{
	struct map_slot *s = find(m, key);

	return s != NULL ? s->val : NULL;
}

static void insert_new(struct map *m, char *key, void *val)
{
	size_t mask = m->cap - 1, i;

	for (i = hash(key) & mask;; i = (i + 1) & mask) {
		if (m->slots[i].key == NULL || m->slots[i].key == MAP_TOMB) {
			if (m->slots[i].key == NULL)
				m->used++;
			m->slots[i].key = key;
			m->slots[i].val = val;
			m->count++;
			return;
		}
	}
}

static void grow(struct map *m)
{
	struct map_slot *old = m->slots;
	size_t oldcap = m->cap;
	size_t cap = oldcap ? oldcap : 16;

	while ((m->count + 1) * 2 > cap)
		cap *= 2;
	m->slots = xcalloc(cap, sizeof(*m->slots));
	m->cap = cap;
	m->used = 0;
	m->count = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key != NULL && old[i].key != MAP_TOMB)
			insert_new(m, old[i].key, old[i].val);
	free(old);
}

void *map_put(struct map *m, const char *key, void *val)
{
	struct map_slot *s = find(m, key);

	if (s != NULL) {
		void *prev = s->val;

		if (m->borrowed)
			s->key = (char *)key; /* the old one may go with prev */
		s->val = val;
		return prev;
	}
	if ((m->used + 1) * 4 > m->cap * 3)
		grow(m);
	insert_new(m, m->borrowed ? (char *)key : xstrdup(key), val);
	return NULL;
}

void *map_del(struct map *m, const char *key)
{
	struct map_slot *s = find(m, key);
	void *val;

	if (s == NULL)
		return NULL;
	val = s->val;
	if (!m->borrowed)
		free(s->key);
	s->key = MAP_TOMB;
	s->val = NULL;
	m->count--;
	return val;
}

int map_next(const struct map *m, size_t *iter, const char **key, void **val)
{
	for (; *iter < m->cap; (*iter)++) {
		struct map_slot *s = &m->slots[*iter];

		if (s->key != NULL && s->key != MAP_TOMB) {
			*key = s->key;
			*val = s->val;
			(*iter)++;
			return 1;
		}
	}
	return 0;
}
