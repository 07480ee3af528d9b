/* A string-keyed hash map (open addressing, linear probing). Keys are
 * copied, or borrowed (map_init_borrowed); values are the caller's. Used for
 * the roster, conversations and transfers, which reach thousands of
 * entries. */
#ifndef JABIRU_MAP_H
#define JABIRU_MAP_H

#include <stddef.h>

struct map_slot {
	char *key; /* NULL: empty; MAP_TOMB: deleted */
	void *val;
};

struct map {
	struct map_slot *slots;
	size_t cap;  /* power of two */
	size_t used; /* live + tombstones */
	size_t count;
	int borrowed; /* keys are not copied: see map_init_borrowed */
};

void map_init(struct map *m);
/* A map whose keys are not copied: each key must live as long as its entry,
 * typically a string inside the value (a contact's JID). map_put with a key
 * already present takes the new key pointer along with the new value. */
void map_init_borrowed(struct map *m);
/* Frees the keys (unless borrowed); calls free_val on each value when not
 * NULL. */
void map_free(struct map *m, void (*free_val)(void *));
void *map_get(const struct map *m, const char *key);
/* Inserts or replaces; returns the previous value or NULL. */
void *map_put(struct map *m, const char *key, void *val);
/* Removes; returns the value or NULL. */
void *map_del(struct map *m, const char *key);
/* Iteration: for (size_t i = 0; map_next(m, &i, &k, &v);) */
int map_next(const struct map *m, size_t *iter, const char **key, void **val);

#endif
