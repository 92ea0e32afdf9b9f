/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_cursor.h - a forward-only reader over a length-prefixed structure.
 *
 * A cursor has two bounds: what the protocol declared (decl) and what this
 * packet actually holds (have <= decl).  Reading past decl means the message
 * contradicts itself (DP_CUR_MALFORMED); reading past have but within decl
 * means the message continues in a later segment (DP_CUR_TRUNCATED).  The
 * first failure sticks: later reads fail too, so callers check once.
 */
#ifndef DP_CURSOR_H
#define DP_CURSOR_H

#include <stdint.h>

enum dp_cur_state { DP_CUR_OK = 0, DP_CUR_TRUNCATED, DP_CUR_MALFORMED };

struct dp_cur {
	const uint8_t *p;
	uint32_t decl;
	uint32_t have;
	enum dp_cur_state st;
};

static inline struct dp_cur
dp_cur_make(const uint8_t *p, uint32_t decl, uint32_t have)
{
	struct dp_cur c = {p, decl, have < decl ? have : decl, DP_CUR_OK};
	return c;
}

/* Returns a pointer to n readable bytes and advances, or NULL on failure. */
static inline const uint8_t *
dp_cur_take(struct dp_cur *c, uint32_t n)
{
	const uint8_t *r = c->p;

	if (c->st != DP_CUR_OK)
		return NULL;
	if (n > c->decl) {
		c->st = DP_CUR_MALFORMED;
		return NULL;
	}
	if (n > c->have) {
		c->st = DP_CUR_TRUNCATED;
		return NULL;
	}
	c->p += n;
	c->decl -= n;
	c->have -= n;
	return r;
}

static inline uint32_t
dp_cur_uint(struct dp_cur *c, uint32_t bytes)
{
	const uint8_t *p = dp_cur_take(c, bytes);
	uint32_t v = 0;

	for (uint32_t i = 0; p != NULL && i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

/* A child cursor over the next n declared bytes; the parent skips them. */
static inline struct dp_cur
dp_cur_sub(struct dp_cur *c, uint32_t n)
{
	struct dp_cur s = dp_cur_make(c->p, n, c->have);

	if (c->st != DP_CUR_OK) {
		s.st = c->st;
		return s;
	}
	if (n > c->decl) {
		c->st = s.st = DP_CUR_MALFORMED;
		return s;
	}
	c->p += n;
	c->decl -= n;
	c->have = c->have > n ? c->have - n : 0;
	return s;
}

#endif
