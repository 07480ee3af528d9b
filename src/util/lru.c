#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/lru.h"
#include "util/str.h"

struct lru_node {
	struct lru_node *prev, *next;
	void *val;
	char key[];
};

void lru_init(struct lru *l, size_t cap, void (*free_val)(void *))
{
	memset(l, 0, sizeof(*l));
	map_init_borrowed(&l->map);
	l->cap = cap > 0 ? cap : 1;
	l->free_val = free_val;
}

static void unlink_node(struct lru *l, struct lru_node *n)
{
	if (n->prev != NULL)
		n->prev->next = n->next;
	else
		l->head = n->next;
	if (n->next != NULL)
		n->next->prev = n->prev;
	else
		l->tail = n->prev;
	n->prev = n->next = NULL;
}

static void push_front(struct lru *l, struct lru_node *n)
{
	n->prev = NULL;
	n->next = l->head;
	if (l->head != NULL)
		l->head->prev = n;
	l->head = n;
	if (l->tail == NULL)
		l->tail = n;
}

static void node_free(struct lru *l, struct lru_node *n)
{
	if (l->free_val != NULL)
		l->free_val(n->val);
	free(n);
}

void lru_clear(struct lru *l)
{
	struct lru_node *n = l->head, *next;

	for (; n != NULL; n = next) {
		next = n->next;
		node_free(l, n);
	}
	map_free(&l->map, NULL);
	l->head = l->tail = NULL;
}

void *lru_get(struct lru *l, const char *key)
{
	struct lru_node *n = map_get(&l->map, key);

	if (n == NULL)
		return NULL;
	unlink_node(l, n);
	push_front(l, n);
	return n->val;
}

void lru_del(struct lru *l, const char *key)
{
	struct lru_node *n = map_del(&l->map, key);

	if (n == NULL)
		return;
	unlink_node(l, n);
	node_free(l, n);
}

void lru_put(struct lru *l, const char *key, void *val)
{
	struct lru_node *n = map_get(&l->map, key);
	size_t len;

	if (n != NULL) {
		if (l->free_val != NULL && n->val != val)
			l->free_val(n->val);
		n->val = val;
		unlink_node(l, n);
		push_front(l, n);
		return;
	}
	if (l->map.count >= l->cap)
		lru_del(l, l->tail->key);
	len = strlen(key) + 1;
	n = xmalloc(sizeof(*n) + len);
	memcpy(n->key, key, len);
	n->val = val;
	n->prev = n->next = NULL;
	map_put(&l->map, n->key, n);
	push_front(l, n);
}

size_t lru_count(const struct lru *l)
{
	return l->map.count;
}
