/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_prefix.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
dp_prefix_parse(const char *text, struct dp_prefix *p, const char **why)
{
	char buf[64];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	unsigned max;

	memset(p, 0, sizeof(*p));
	if (alen == 0 || alen >= sizeof(buf)) {
		*why = "not an IP address";
		return -EINVAL;
	}
	memcpy(buf, text, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, p->addr) == 1) {
		p->family = 4;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, p->addr) == 1) {
		p->family = 6;
		max = 128;
	} else {
		*why = "not an IP address";
		return -EINVAL;
	}
	p->len = (uint8_t)max;
	if (slash != NULL) {
		char *end;
		unsigned long l;

		if (slash[1] < '0' || slash[1] > '9') {
			*why = "prefix length is not a number";
			return -EINVAL;
		}
		l = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || l > max) {
			*why = "prefix length out of range";
			return -EINVAL;
		}
		p->len = (uint8_t)l;
	}
	for (unsigned bit = p->len; bit < max; bit++)
		if (p->addr[bit / 8] & (0x80 >> (bit % 8))) {
			*why = "host bits set beyond the prefix length";
			return -EINVAL;
		}
	/* RFC 4291 2.5.5.2: ::ffff:0:0/96 stands for IPv4 addresses inside
	 * IPv6 APIs; on the wire those packets are IPv4, so such a prefix
	 * would never match anything. */
	if (p->family == 6 && p->len >= 96 &&
	    memcmp(p->addr, (const uint8_t[12]){[10] = 0xff, [11] = 0xff}, 12) == 0) {
		*why = "an IPv4-mapped IPv6 prefix never matches (packets carry IPv4): write the "
		       "IPv4 prefix";
		return -EINVAL;
	}
	return 0;
}

int
dp_prefix_contains(const struct dp_prefix *p, const uint8_t *addr)
{
	unsigned full = p->len / 8, rest = p->len % 8;

	if (memcmp(p->addr, addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((p->addr[full] ^ addr[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}
