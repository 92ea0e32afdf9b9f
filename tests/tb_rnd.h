/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tb_rnd.h - a seeded xorshift for tests and generators: the same numbers
 * for the same seed on every machine (a failure repeats), independent of
 * libc.  *state must not be 0.
 */
#ifndef TB_RND_H
#define TB_RND_H

#include <stdint.h>

static inline uint32_t
tb_rnd(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (uint32_t)(*state >> 16);
}

#endif
