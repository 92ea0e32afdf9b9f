/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_http.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "dp_cursor.h"

static const struct {
	const char *s;
	uint32_t len;
} methods[] = {
    {"GET ", 4},     {"POST ", 5},  {"HEAD ", 5},    {"PUT ", 4},   {"DELETE ", 7},
    {"OPTIONS ", 8}, {"PATCH ", 6}, {"CONNECT ", 8}, {"TRACE ", 6},
};

/* The method and its space at the head of p: their length, 0 for none. */
static uint32_t
method_len(const uint8_t *p, uint32_t len)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (len >= methods[i].len && memcmp(p, methods[i].s, methods[i].len) == 0)
			return methods[i].len;
	return 0;
}

static bool
is_ows(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* RFC 9110 7.2: Host = uri-host [ ":" port ]. */
static enum dp_name_rc
parse_host_value(const uint8_t *v, uint32_t vlen, struct dp_name *name)
{
	uint32_t hlen = vlen;

	while (vlen > 0 && is_ows(*v)) {
		v++;
		vlen--;
	}
	while (vlen > 0 && is_ows(v[vlen - 1]))
		vlen--;
	if (vlen == 0)
		return DP_NAME_NONE;
	if (v[0] == '[')
		return DP_NAME_NONE; /* IP-literal: no name to match */
	for (hlen = 0; hlen < vlen && v[hlen] != ':'; hlen++)
		;
	for (uint32_t i = hlen + 1; i < vlen; i++)
		if (v[i] < '0' || v[i] > '9')
			return DP_NAME_MALFORMED;
	return dp_name_set(name, v, hlen) == 0 ? DP_NAME_FOUND : DP_NAME_MALFORMED;
}

/* The request target's authority, when it names the host: a CONNECT's
 * authority-form (RFC 9112 3.2.3: host and port) or an absolute-form http
 * or https URI (3.2.2: its authority wins over Host).  DP_NAME_NONE when the
 * target is a path (origin-form) or another scheme: Host then decides. */
static enum dp_name_rc
target_authority(const uint8_t *t, uint32_t tlen, bool connect, struct dp_name *name)
{
	static const char *const schemes[] = {"http://", "https://"};
	uint32_t a = 0, end;

	if (connect) {
		if (memchr(t, ':', tlen) == NULL)
			return DP_NAME_MALFORMED; /* the port is not optional */
		return parse_host_value(t, tlen, name);
	}
	for (size_t i = 0; i < 2 && a == 0; i++)
		if (tlen > strlen(schemes[i]) &&
		    strncasecmp((const char *)t, schemes[i], strlen(schemes[i])) == 0)
			a = (uint32_t)strlen(schemes[i]);
	if (a == 0)
		return DP_NAME_NONE;
	for (end = a; end < tlen && t[end] != '/' && t[end] != '?' && t[end] != '#'; end++)
		;
	/* RFC 3986 3.2.1: userinfo ends at the last '@' of the authority. */
	for (uint32_t i = end; i > a; i--)
		if (t[i - 1] == '@') {
			a = i;
			break;
		}
	return parse_host_value(t + a, end - a, name);
}

enum dp_name_rc
dp_http_host(const uint8_t *p, uint32_t len, struct dp_name *name)
{
	struct dp_cur c =
	    dp_cur_make(p, DP_CUR_UNBOUNDED, len > DP_HTTP_MAX_HEAD ? DP_HTTP_MAX_HEAD : len);
	enum dp_name_rc rc = DP_NAME_NONE;
	uint32_t n, m = method_len(p, len);
	const uint8_t *line;
	bool seen = false;

	name->len = 0;
	name->s[0] = '\0';
	if (m == 0)
		return DP_NAME_NOT_PROTO;
	if ((line = dp_cur_line(&c, &n)) == NULL)
		return DP_NAME_TRUNCATED;
	if (n < m + 9 || memcmp(line + n - 9, " HTTP/1.", 8) != 0 || line[n - 1] < '0' ||
	    line[n - 1] > '9')
		return DP_NAME_MALFORMED;
	rc = target_authority(line + m, n - m - 9, memcmp(line, "CONNECT ", 8) == 0, name);
	if (rc != DP_NAME_NONE)
		return rc;

	while ((line = dp_cur_line(&c, &n)) != NULL) {
		if (n == 0)
			return seen ? rc : DP_NAME_NONE; /* end of the head */
		if (n >= 5 && strncasecmp((const char *)line, "host:", 5) == 0) {
			if (seen)
				return DP_NAME_MALFORMED;
			seen = true;
			rc = parse_host_value(line + 5, n - 5, name);
			if (rc == DP_NAME_MALFORMED)
				return rc;
		}
	}
	/* The head goes on in a later segment. */
	return seen ? rc : DP_NAME_TRUNCATED;
}
