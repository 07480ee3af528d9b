/* The string-keyed map: copied keys, and borrowed keys that live in the
 * values (the roster's and the pane's contacts). */
#include <criterion/criterion.h>
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
