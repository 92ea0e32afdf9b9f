/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_tls.h"

#include "dp_cursor.h"

#define TLS_CT_HANDSHAKE 22
#define TLS_HS_CLIENT_HELLO 1
/* RFC 8446 5.1: a record's length never exceeds 2^14 (+256 when protected). */
#define TLS_MAX_RECORD (16384 + 256)

static enum dp_name_rc
cur_rc(const struct dp_cur *c)
{
	return c->st == DP_CUR_TRUNCATED ? DP_NAME_TRUNCATED : DP_NAME_MALFORMED;
}

/* RFC 6066 3: ServerNameList, each entry a NameType and a HostName. */
static enum dp_name_rc
parse_server_name(struct dp_cur *ext, struct dp_name *name)
{
	struct dp_cur list = dp_cur_sub(ext, dp_cur_uint(ext, 2));

	while (list.st == DP_CUR_OK && list.decl > 0) {
		uint32_t type = dp_cur_uint(&list, 1);
		uint32_t nlen = dp_cur_uint(&list, 2);
		const uint8_t *host = dp_cur_take(&list, nlen);

		if (host == NULL)
			break;
		if (type == 0)
			return dp_name_set(name, host, nlen) == 0 ? DP_NAME_FOUND
								  : DP_NAME_MALFORMED;
	}
	return list.st == DP_CUR_OK ? DP_NAME_NONE : cur_rc(&list);
}

/* rec: at a handshake message known to be a ClientHello. */
static enum dp_name_rc
parse_hello(struct dp_cur rec, struct dp_name *name, bool *ech)
{
	struct dp_cur hs, exts;
	enum dp_name_rc rc = DP_NAME_NONE;
	uint32_t v;

	dp_cur_take(&rec, 1);
	hs = dp_cur_sub(&rec, dp_cur_uint(&rec, 3));

	v = dp_cur_uint(&hs, 2); /* legacy_version */
	if (hs.st == DP_CUR_OK && (v >> 8) != 3)
		return DP_NAME_MALFORMED;
	dp_cur_take(&hs, 32);	 /* random */
	v = dp_cur_uint(&hs, 1); /* legacy_session_id */
	if (v > 32)
		return DP_NAME_MALFORMED;
	dp_cur_take(&hs, v);
	v = dp_cur_uint(&hs, 2); /* cipher_suites */
	if (hs.st == DP_CUR_OK && (v < 2 || (v & 1)))
		return DP_NAME_MALFORMED;
	dp_cur_take(&hs, v);
	v = dp_cur_uint(&hs, 1); /* legacy_compression_methods */
	if (hs.st == DP_CUR_OK && v < 1)
		return DP_NAME_MALFORMED;
	dp_cur_take(&hs, v);
	if (hs.st != DP_CUR_OK)
		return cur_rc(&hs);
	if (hs.decl == 0)
		return DP_NAME_NONE; /* TLS 1.2 allows a ClientHello without extensions */

	exts = dp_cur_sub(&hs, dp_cur_uint(&hs, 2));
	if (hs.st == DP_CUR_OK && hs.decl != 0)
		return DP_NAME_MALFORMED; /* trailing bytes after the extensions */
	while (exts.st == DP_CUR_OK && exts.decl > 0) {
		uint32_t type = dp_cur_uint(&exts, 2);
		struct dp_cur ext = dp_cur_sub(&exts, dp_cur_uint(&exts, 2));

		if (exts.st != DP_CUR_OK)
			break;
		if (type == DP_TLS_EXT_ECH) {
			*ech = true;
		} else if (type == DP_TLS_EXT_SERVER_NAME && rc == DP_NAME_NONE) {
			rc = parse_server_name(&ext, name);
			if (rc == DP_NAME_MALFORMED)
				return rc;
		}
	}
	if (rc == DP_NAME_FOUND)
		return rc; /* what follows the name may be in the next segment */
	if (rc == DP_NAME_TRUNCATED)
		return rc;
	return exts.st == DP_CUR_OK ? DP_NAME_NONE : cur_rc(&exts);
}

enum dp_name_rc
dp_tls_sni(const uint8_t *p, uint32_t len, struct dp_name *name, bool *ech)
{
	uint32_t reclen;

	*ech = false;
	name->len = 0;
	name->s[0] = '\0';
	if (len < 6 || p[0] != TLS_CT_HANDSHAKE || p[1] != 3 || p[2] > 4 ||
	    p[5] != TLS_HS_CLIENT_HELLO)
		return DP_NAME_NOT_PROTO;
	reclen = (uint32_t)p[3] << 8 | p[4];
	if (reclen < 4 || reclen > TLS_MAX_RECORD)
		return DP_NAME_MALFORMED;
	/* The handshake length bounds the ClientHello.  A ClientHello may span
	 * several records (RFC 8446 5.1): only the first record's bytes are
	 * read, so one continued in a second record reads as truncated. */
	return parse_hello(dp_cur_make(p + 5, UINT32_MAX, len - 5 < reclen ? len - 5 : reclen),
			   name, ech);
}

enum dp_name_rc
dp_tls_hello_sni(const uint8_t *p, uint32_t len, struct dp_name *name, bool *ech)
{
	*ech = false;
	name->len = 0;
	name->s[0] = '\0';
	if (len == 0)
		return DP_NAME_TRUNCATED;
	if (p[0] != TLS_HS_CLIENT_HELLO)
		return DP_NAME_NOT_PROTO;
	return parse_hello(dp_cur_make(p, UINT32_MAX, len), name, ech);
}
