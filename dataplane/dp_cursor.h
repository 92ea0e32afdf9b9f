/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_cursor.h - a forward-only reader over a length-prefixed structure.
 *
 * A cursor has two bounds: what the protocol declared (decl) and what this
 * packet actually holds (have <= decl).  Reading past decl means the message
 * contradicts itself (DP_CUR_MALFORMED); reading past have but within decl
 * means the message continues in a later segment (DP_CUR_TRUNCATED).  The
 * first failure sticks: later reads fail too, so callers check once.
 *
 * Every parser of packet bytes reads through one: TLS (dp_tls), HTTP heads
 * (dp_http, by line), DNS questions and answers (dp_dns, dp_dnsans; a
 * compression pointer starts a new cursor at its target), QUIC Initials and
 * their frames (dp_quic, with variable-length integers).  A parser chooses
 * the bounds that give its verdicts: decl = have when running out means a
 * malformed message, decl = DP_CUR_UNBOUNDED when it means "cut short".
 */
#ifndef DP_CURSOR_H
#define DP_CURSOR_H

#include <stdint.h>

#include <string.h>

enum dp_cur_state { DP_CUR_OK = 0, DP_CUR_TRUNCATED, DP_CUR_MALFORMED };

/* No declared length: running out of bytes is always DP_CUR_TRUNCATED. */
#define DP_CUR_UNBOUNDED UINT32_MAX

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

/* RFC 9000 16: a variable-length integer (0 on failure). */
static inline uint64_t
dp_cur_varint(struct dp_cur *c)
{
	const uint8_t *p;
	uint64_t v;

	if (c->st != DP_CUR_OK)
		return 0;
	if (c->have == 0) {
		c->st = c->decl == 0 ? DP_CUR_MALFORMED : DP_CUR_TRUNCATED;
		return 0;
	}
	p = dp_cur_take(c, 1u << (c->p[0] >> 6));
	if (p == NULL)
		return 0;
	v = p[0] & 0x3f;
	for (uint32_t i = 1; i < (1u << (p[0] >> 6)); i++)
		v = v << 8 | p[i];
	return v;
}

/* The next line (RFC 9112 2.2: ending in CRLF, or a bare LF), *n its
 * length without the line end; NULL and DP_CUR_TRUNCATED when no line end
 * is within the bytes at hand. */
static inline const uint8_t *
dp_cur_line(struct dp_cur *c, uint32_t *n)
{
	const uint8_t *start = c->p, *nl;

	if (c->st != DP_CUR_OK)
		return NULL;
	nl = c->have > 0 ? memchr(start, '\n', c->have) : NULL;
	if (nl == NULL) {
		c->st = DP_CUR_TRUNCATED;
		return NULL;
	}
	*n = (uint32_t)(nl - start);
	dp_cur_take(c, *n + 1);
	if (*n > 0 && start[*n - 1] == '\r')
		(*n)--;
	return start;
}

/* Where the cursor is, as an offset from base (the message's start). */
static inline uint32_t
dp_cur_off(const struct dp_cur *c, const uint8_t *base)
{
	return (uint32_t)(c->p - base);
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
