/* The bounded map: past its cap the entry used longest ago goes, values
 * replaced, evicted or deleted are freed, and a use keeps an entry. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/lru.h"

static int freed;

static void count_free(void *v)
{
	freed++;
	free(v);
}

static char *val(const char *s)
{
	char *v = strdup(s);

	cr_assert_not_null(v);
	return v;
}

Test(lru, the_least_recently_used_goes_first)
{
	struct lru l;

	freed = 0;
	lru_init(&l, 3, count_free);
	lru_put(&l, "a", val("1"));
	lru_put(&l, "b", val("2"));
	lru_put(&l, "c", val("3"));
	cr_assert_str_eq(lru_get(&l, "a"), "1"); /* a is used: b is the oldest */
	lru_put(&l, "d", val("4"));
	cr_expect_eq(lru_count(&l), 3);
	cr_expect_null(lru_get(&l, "b"));
	cr_expect_str_eq(lru_get(&l, "a"), "1");
	cr_expect_str_eq(lru_get(&l, "c"), "3");
	cr_expect_str_eq(lru_get(&l, "d"), "4");
	cr_expect_eq(freed, 1);
	lru_put(&l, "c", val("33")); /* replaced: the old value freed */
	cr_expect_eq(freed, 2);
	cr_expect_str_eq(lru_get(&l, "c"), "33");
	lru_del(&l, "a");
	lru_del(&l, "nothing");
	cr_expect_eq(lru_count(&l), 2);
	cr_expect_eq(freed, 3);
	lru_clear(&l);
	cr_expect_eq(freed, 5);
	cr_expect_eq(lru_count(&l), 0);
	lru_put(&l, "again", val("5")); /* ready for reuse */
	cr_expect_str_eq(lru_get(&l, "again"), "5");
	lru_clear(&l);
}

/* A flood of distinct keys (senders of presence, of messages) keeps the
 * count at the cap, and the newest are there. */
Test(lru, a_flood_stays_at_the_cap)
{
	struct lru l;
	char key[32];

	freed = 0;
	lru_init(&l, 100, count_free);
	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof key, "user%d@flood.example", i);
		lru_put(&l, key, val(key));
		cr_assert_leq(lru_count(&l), 100);
	}
	cr_expect_eq(freed, 9900);
	cr_expect_str_eq(lru_get(&l, "user9999@flood.example"), "user9999@flood.example");
	cr_expect_null(lru_get(&l, "user9899@flood.example"));
	cr_expect_not_null(lru_get(&l, "user9900@flood.example"));
	lru_clear(&l);
}
