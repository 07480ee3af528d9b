/* A tiny xorshift generator for the unit tests' random cases: the same
 * cases on every run, so a failure found once is found again. */
#ifndef JABIRU_TEST_XORSHIFT_H
#define JABIRU_TEST_XORSHIFT_H

#include <stdint.h>

static inline uint32_t xorshift32(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

#endif
