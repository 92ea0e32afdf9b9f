/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_dnsans.h"

#include <stdbool.h>
#include <string.h>

#include "dp_cursor.h"
#include "dp_dns.h"

#define TYPE_A 1
#define TYPE_CNAME 5
#define TYPE_AAAA 28
#define CLASS_IN 1

/* Reads the name at the cursor into text (lower case, dot separated, no
 * trailing dot) and moves the cursor past it; a compression pointer is
 * followed with a cursor of its own from base, the message's start, to
 * end.  RFC 9267 2-5. */
static enum dp_name_rc
read_name(struct dp_cur *c, const uint8_t *base, const uint8_t *end, char *text, uint32_t *tlen)
{
	struct dp_cur at = *c;
	uint32_t wire = 0, hops = 0, limit = dp_cur_off(c, base);
	bool jumped = false;

	*tlen = 0;
	for (;;) {
		uint32_t l = dp_cur_uint(&at, 1);
		const uint8_t *label;

		if (at.st != DP_CUR_OK)
			return DP_NAME_TRUNCATED;
		if ((l & 0xc0) == 0xc0) {
			uint32_t to = (l & 0x3f) << 8 | dp_cur_uint(&at, 1);

			if (at.st != DP_CUR_OK)
				return DP_NAME_TRUNCATED;
			/* Backwards only: before this pointer and before every
			 * name part read so far, and after the header. */
			if (to >= limit || to < DP_DNS_HDR_LEN || ++hops > DP_DNS_MAX_POINTERS)
				return DP_NAME_MALFORMED;
			if (!jumped)
				*c = at;
			jumped = true;
			limit = to;
			at = dp_cur_make(base + to, DP_CUR_UNBOUNDED, (uint32_t)(end - base) - to);
			continue;
		}
		if (l > DP_DNS_MAX_LABEL)
			return DP_NAME_MALFORMED; /* 0x40, 0x80: reserved label types */
		wire += 1u + l;
		if (wire > DP_DNS_MAX_WIRE_NAME)
			return DP_NAME_MALFORMED;
		if (l == 0)
			break;
		if ((label = dp_cur_take(&at, l)) == NULL)
			return DP_NAME_TRUNCATED;
		if (*tlen > 0)
			text[(*tlen)++] = '.';
		for (uint32_t i = 0; i < l; i++) {
			uint8_t ch = label[i];

			if (ch == '.')
				return DP_NAME_MALFORMED;
			text[(*tlen)++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
		}
	}
	if (!jumped)
		*c = at;
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

/* RFC 1035 4.1: the header, the one question, then the answer records.
 * An answer may be cut short (a snap length, a message in several
 * segments): running out is truncation, not malformation. */
enum dp_name_rc
dp_dns_answers(const uint8_t *p, uint32_t len, struct dp_name *qname, struct dp_dns_addr *out,
	       unsigned *n_out)
{
	char chain[DP_DNS_MAX_CHAIN][DP_DNS_MAX_WIRE_NAME + 1];
	char owner[DP_DNS_MAX_WIRE_NAME + 1];
	struct dp_cur c = dp_cur_make(p, DP_CUR_UNBOUNDED, len);
	const uint8_t *hdr;
	uint32_t tlen, flags, qd, an;
	unsigned n_chain = 1;
	enum dp_name_rc rc;

	*n_out = 0;
	qname->len = 0;
	qname->s[0] = '\0';
	if ((hdr = dp_cur_take(&c, DP_DNS_HDR_LEN)) == NULL)
		return DP_NAME_TRUNCATED;
	flags = (uint32_t)hdr[2] << 8 | hdr[3];
	if (!(flags & 0x8000) || ((flags >> 11) & 0xf) != 0 || (flags & 0xf) != 0)
		return DP_NAME_NOT_PROTO;
	qd = (uint32_t)hdr[4] << 8 | hdr[5];
	an = (uint32_t)hdr[6] << 8 | hdr[7];
	if (qd != 1)
		return qd == 0 ? DP_NAME_NOT_PROTO : DP_NAME_MALFORMED;

	rc = read_name(&c, p, p + len, chain[0], &tlen);
	if (rc != DP_NAME_FOUND)
		return rc;
	chain[0][tlen] = '\0';
	if (dp_cur_take(&c, 4) == NULL)
		return DP_NAME_TRUNCATED; /* QTYPE, QCLASS */
	if (tlen == 0 || dp_name_set(qname, (const uint8_t *)chain[0], tlen) != 0)
		return DP_NAME_MALFORMED;

	/* RFC 9267 7: the counts are claims; each record is checked as read
	 * and no more than DP_DNS_MAX_RECORDS are read. */
	for (uint32_t i = 0; i < an && i < DP_DNS_MAX_RECORDS; i++) {
		uint32_t type, cls, ttl, rdlen;
		const uint8_t *rd;

		rc = read_name(&c, p, p + len, owner, &tlen);
		if (rc != DP_NAME_FOUND)
			return rc;
		owner[tlen] = '\0';
		type = dp_cur_uint(&c, 2);
		cls = dp_cur_uint(&c, 2);
		ttl = dp_cur_uint(&c, 4);
		rdlen = dp_cur_uint(&c, 2);
		if ((rd = dp_cur_take(&c, rdlen)) == NULL)
			return DP_NAME_TRUNCATED;
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
			memcpy(a->addr, rd, alen);
			a->ttl = ttl;
		} else if (type == TYPE_CNAME) {
			/* The target, within the record's data (pointers may
			 * still lead back into the message). */
			struct dp_cur t = dp_cur_make(rd, DP_CUR_UNBOUNDED, rdlen);

			if (n_chain == DP_DNS_MAX_CHAIN)
				continue;
			rc = read_name(&t, p, rd + rdlen, chain[n_chain], &tlen);
			if (rc != DP_NAME_FOUND || t.have != 0)
				return DP_NAME_MALFORMED;
			chain[n_chain][tlen] = '\0';
			n_chain++;
		}
	}
	return DP_NAME_FOUND;
}
