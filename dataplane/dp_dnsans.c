/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_dnsans.h"

#include <stdbool.h>
#include <string.h>

#include "dp_dns.h"

#define TYPE_A 1
#define TYPE_CNAME 5
#define TYPE_AAAA 28
#define CLASS_IN 1

static uint32_t
rd16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

/* Reads the name at *off into text (lower case, dot separated, no trailing
 * dot) and moves *off past it.  RFC 9267 2-5. */
static enum dp_name_rc
read_name(const uint8_t *p, uint32_t len, uint32_t *off, char *text, uint32_t *tlen)
{
	uint32_t at = *off, wire = 0, hops = 0, limit = at;
	bool jumped = false;

	*tlen = 0;
	for (;;) {
		uint8_t l;

		if (at >= len)
			return DP_NAME_TRUNCATED;
		l = p[at];
		if ((l & 0xc0) == 0xc0) {
			uint32_t to;

			if (at + 1 >= len)
				return DP_NAME_TRUNCATED;
			to = (uint32_t)(l & 0x3f) << 8 | p[at + 1];
			/* Backwards only: before this pointer and before every
			 * name part read so far, and after the header. */
			if (to >= limit || to < DP_DNS_HDR_LEN || ++hops > DP_DNS_MAX_POINTERS)
				return DP_NAME_MALFORMED;
			if (!jumped)
				*off = at + 2;
			jumped = true;
			limit = to;
			at = to;
			continue;
		}
		if (l > DP_DNS_MAX_LABEL)
			return DP_NAME_MALFORMED; /* 0x40, 0x80: reserved label types */
		wire += 1u + l;
		if (wire > DP_DNS_MAX_WIRE_NAME)
			return DP_NAME_MALFORMED;
		if (l == 0)
			break;
		if (at + 1 + l > len)
			return DP_NAME_TRUNCATED;
		if (*tlen > 0)
			text[(*tlen)++] = '.';
		for (uint32_t i = 0; i < l; i++) {
			uint8_t c = p[at + 1 + i];

			if (c == '.')
				return DP_NAME_MALFORMED;
			text[(*tlen)++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		at += 1u + l;
	}
	if (!jumped)
		*off = at + 1;
	return DP_NAME_FOUND;
}

static bool
in_chain(char chain[][DP_DNS_MAX_WIRE_NAME + 1], unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(chain[i], name) == 0)
			return true;
	return false;
}

enum dp_name_rc
dp_dns_answers(const uint8_t *p, uint32_t len, struct dp_name *qname, struct dp_dns_addr *out,
	       unsigned *n_out)
{
	char chain[DP_DNS_MAX_CHAIN][DP_DNS_MAX_WIRE_NAME + 1];
	char owner[DP_DNS_MAX_WIRE_NAME + 1];
	uint32_t off = DP_DNS_HDR_LEN, tlen, flags, qd, an;
	unsigned n_chain = 1;
	enum dp_name_rc rc;

	*n_out = 0;
	qname->len = 0;
	qname->s[0] = '\0';
	if (len < DP_DNS_HDR_LEN)
		return DP_NAME_TRUNCATED;
	flags = rd16(p + 2);
	if (!(flags & 0x8000) || ((flags >> 11) & 0xf) != 0 || (flags & 0xf) != 0)
		return DP_NAME_NOT_PROTO;
	qd = rd16(p + 4);
	an = rd16(p + 6);
	if (qd != 1)
		return qd == 0 ? DP_NAME_NOT_PROTO : DP_NAME_MALFORMED;

	rc = read_name(p, len, &off, chain[0], &tlen);
	if (rc != DP_NAME_FOUND)
		return rc;
	chain[0][tlen] = '\0';
	if (off + 4 > len)
		return DP_NAME_TRUNCATED;
	off += 4; /* QTYPE, QCLASS */
	if (tlen == 0 || dp_name_set(qname, (const uint8_t *)chain[0], tlen) != 0)
		return DP_NAME_MALFORMED;

	/* RFC 9267 7: the counts are claims; each record is checked as read
	 * and no more than DP_DNS_MAX_RECORDS are read. */
	for (uint32_t i = 0; i < an && i < DP_DNS_MAX_RECORDS; i++) {
		uint32_t type, cls, ttl, rdlen, rd;

		rc = read_name(p, len, &off, owner, &tlen);
		if (rc != DP_NAME_FOUND)
			return rc;
		owner[tlen] = '\0';
		if (off + 10 > len)
			return DP_NAME_TRUNCATED;
		type = rd16(p + off);
		cls = rd16(p + off + 2);
		ttl = rd16(p + off + 4) << 16 | rd16(p + off + 6);
		rdlen = rd16(p + off + 8);
		rd = off + 10;
		if (rd + rdlen > len)
			return DP_NAME_TRUNCATED;
		off = rd + rdlen;
		/* RFC 2181 8: a TTL with the top bit set is read as 0. */
		if (ttl & 0x80000000u)
			ttl = 0;
		if (cls != CLASS_IN || !in_chain(chain, n_chain, owner))
			continue;
		if (type == TYPE_A || type == TYPE_AAAA) {
			uint32_t alen = type == TYPE_A ? 4 : 16;
			struct dp_dns_addr *a;

			if (rdlen != alen)
				return DP_NAME_MALFORMED;
			if (*n_out == DP_DNS_MAX_ADDRS)
				continue;
			a = &out[(*n_out)++];
			memset(a, 0, sizeof(*a));
			a->family = type == TYPE_A ? 4 : 6;
			memcpy(a->addr, p + rd, alen);
			a->ttl = ttl;
		} else if (type == TYPE_CNAME) {
			uint32_t at = rd;

			if (n_chain == DP_DNS_MAX_CHAIN)
				continue;
			rc = read_name(p, rd + rdlen, &at, chain[n_chain], &tlen);
			if (rc != DP_NAME_FOUND || at != rd + rdlen)
				return DP_NAME_MALFORMED;
			chain[n_chain][tlen] = '\0';
			n_chain++;
		}
	}
	return DP_NAME_FOUND;
}
