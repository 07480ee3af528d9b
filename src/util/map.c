#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "util/map.h"
#include "util/str.h"

static char map_tomb_;
#define MAP_TOMB (&map_tomb_)

/* SipHash-1-3 with a key chosen per process: a peer that picks the JIDs
 * (a flood of made-up subscribers) cannot make them share a slot, which
 * with linear probing would make every look-up walk all of them. */
static uint64_t seed[2];
static bool seeded;

static void seed_once(void)
{
	uint64_t fallback[2];

	if (seeded)
		return;
	seeded = true;
	if (getrandom(seed, sizeof(seed), 0) == (ssize_t)sizeof(seed))
		return;
	/* No entropy source (a very old kernel, a seccomp filter): at least
	 * not a constant. */
	fallback[0] = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	fallback[1] = (uint64_t)(uintptr_t)&fallback ^ (uint64_t)clock();
	memcpy(seed, fallback, sizeof(seed));
}

static inline uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

#define SIPROUND()                                                                                 \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = rotl(v1, 13) ^ v0;                                                            \
		v0 = rotl(v0, 32);                                                                 \
		v2 += v3;                                                                          \
		v3 = rotl(v3, 16) ^ v2;                                                            \
		v0 += v3;                                                                          \
		v3 = rotl(v3, 21) ^ v0;                                                            \
		v2 += v1;                                                                          \
		v1 = rotl(v1, 17) ^ v2;                                                            \
		v2 = rotl(v2, 32);                                                                 \
	} while (0)

static uint64_t hash(const char *s)
{
	size_t len = strlen(s), i = 0;
	uint64_t v0, v1, v2, v3, m;

	seed_once(); /* a map may be zero-initialised, not map_init'ed */
	v0 = seed[0] ^ 0x736f6d6570736575ULL;
	v1 = seed[1] ^ 0x646f72616e646f6dULL;
	v2 = seed[0] ^ 0x6c7967656e657261ULL;
	v3 = seed[1] ^ 0x7465646279746573ULL;
	for (; i + 8 <= len; i += 8) {
		m = 0;
		for (int b = 7; b >= 0; b--)
			m = (m << 8) | (unsigned char)s[i + (size_t)b];
		v3 ^= m;
		SIPROUND();
		v0 ^= m;
	}
	m = (uint64_t)(len & 0xff) << 56;
	for (size_t b = 0; i + b < len; b++)
		m |= (uint64_t)(unsigned char)s[i + b] << (8 * b);
	v3 ^= m;
	SIPROUND();
	v0 ^= m;
	v2 ^= 0xff;
	SIPROUND();
	SIPROUND();
	SIPROUND();
	return v0 ^ v1 ^ v2 ^ v3;
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
