/* A string-keyed map bounded by a count: past it, the entry used longest
 * ago goes (least recently used). For what remote input fills one entry at
 * a time, where forgetting the oldest costs little: the resource a reply
 * goes to, which resources of a contact are online. */
#ifndef JABIRU_LRU_H
#define JABIRU_LRU_H

#include <stddef.h>

#include "util/map.h"

struct lru_node;

struct lru {
	struct map map;               /* key -> struct lru_node (borrowed keys) */
	struct lru_node *head, *tail; /* most recently used first */
	size_t cap;
	void (*free_val)(void *); /* for values replaced, evicted or deleted; may be NULL */
};

void lru_init(struct lru *l, size_t cap, void (*free_val)(void *));
/* Frees every entry (and values through free_val); l is ready for reuse. */
void lru_clear(struct lru *l);
/* The value, or NULL; counts as a use. */
void *lru_get(struct lru *l, const char *key);
/* Inserts or replaces (the old value freed), as the most recent entry;
 * evicts the least recent one when over the cap. */
void lru_put(struct lru *l, const char *key, void *val);
/* Removes (the value freed); nothing when absent. */
void lru_del(struct lru *l, const char *key);
size_t lru_count(const struct lru *l);

#endif
