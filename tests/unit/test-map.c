/* The string-keyed map: copied keys, and borrowed keys that live in the
 * values (the roster's and the pane's contacts). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/map.h"

struct val {
	char key[32];
	int n;
};

static struct val *val_new(const char *key, int n)
{
	struct val *v = calloc(1, sizeof(*v));

	cr_assert_not_null(v);
	snprintf(v->key, sizeof v->key, "%s", key);
	v->n = n;
	return v;
}

Test(map, copied_keys_survive_the_callers_buffer)
{
	struct map m;
	char key[16];

	map_init(&m);
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		cr_assert_null(map_put(&m, key, val_new(key, i)));
	}
	memset(key, 0, sizeof key);
	cr_assert_eq(m.count, 1000);
	cr_assert_eq(((struct val *)map_get(&m, "k500"))->n, 500);
	free(map_del(&m, "k500"));
	cr_assert_null(map_get(&m, "k500"));
	map_free(&m, free);
}

Test(map, borrowed_keys_follow_the_value_that_holds_them)
{
	struct map m;
	struct val *old, *v;

	map_init_borrowed(&m);
	for (int i = 0; i < 1000; i++) {
		char key[16];

		snprintf(key, sizeof key, "k%d", i);
		v = val_new(key, i);
		cr_assert_null(map_put(&m, v->key, v));
	}
	/* Replaced: the old value (and the key it held) goes; the entry is
	 * found through the new value's key. */
	v = val_new("k7", 70);
	old = map_put(&m, v->key, v);
	cr_assert_not_null(old);
	cr_assert_eq(old->n, 7);
	memset(old->key, 'x', sizeof old->key - 1);
	free(old);
	cr_assert_eq(((struct val *)map_get(&m, "k7"))->n, 70);
	/* Growth moved every entry: all still there. */
	for (int i = 0; i < 1000; i++) {
		char key[16];

		snprintf(key, sizeof key, "k%d", i);
		cr_assert_not_null(map_get(&m, key), "%s lost", key);
	}
	free(map_del(&m, "k8"));
	cr_assert_null(map_get(&m, "k8"));
	map_free(&m, free);
	/* Still borrowed after map_free, ready for reuse. */
	v = val_new("again", 1);
	map_put(&m, v->key, v);
	cr_assert_eq(map_get(&m, "again"), v);
	map_free(&m, free);
}

/* FNV-1a, the hash the map had without a seed: keys are crafted here for
 * it, as a peer choosing JIDs could. */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The longest run of occupied slots: with linear probing, how far a
 * look-up may walk. */
static size_t longest_run(const struct map *m)
{
	size_t best = 0, run = 0;

	for (size_t i = 0; i < 2 * m->cap; i++) {
		if (m->slots[i % m->cap].key != NULL) {
			if (++run > best)
				best = run;
		} else {
			run = 0;
		}
	}
	return best < m->cap ? best : m->cap;
}

/* 500 JIDs that all fall in slot 0 of a 1,024-slot table under the
 * unseeded hash: with the per-process seed they spread, and no look-up
 * walks more than a short run (it walked all 500 before). */
Test(map, keys_crafted_to_collide_do_not_share_a_slot)
{
	char key[64];
	struct map m;
	size_t n = 0;

	map_init(&m);
	for (unsigned long i = 0; n < 500; i++) {
		snprintf(key, sizeof key, "user%lu@flood.example", i);
		if ((fnv1a(key) & 0x3ff) != 0)
			continue;
		cr_assert_null(map_put(&m, key, &m));
		n++;
	}
	cr_assert_eq(m.cap, 1024, "the table is not the size the keys were crafted for");
	cr_expect_lt(longest_run(&m), 64, "the crafted keys cluster: a run of %zu slots",
	             longest_run(&m));
	map_free(&m, NULL);
}
