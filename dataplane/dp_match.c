/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_match.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_types.h"

struct dp_match {
	hs_database_t *db;  /* names, block mode */
	hs_database_t *sdb; /* payload signatures, stream mode */
	unsigned n;
	unsigned *vendor_of;		     /* pattern id -> vendor */
	unsigned *rank_of;		     /* pattern id -> rank */
	uint64_t group_mask[DP_MAX_VENDORS]; /* vendor -> the vendors of its group */
	bool ranked;			     /* some group has two vendors: resolve */
};

/* Regex for a suffix: start of name or a dot, the escaped suffix, the end.
 * dp_name guarantees names hold no newline, so '$' is the true end. */
static char *
suffix_regex(const char *suffix)
{
	size_t n = strlen(suffix);
	char *r = malloc(n * 2 + 16), *w;

	if (r == NULL)
		return NULL;
	w = r + sprintf(r, "(?:^|\\.)");
	for (size_t i = 0; i < n; i++) {
		if (!((suffix[i] >= 'a' && suffix[i] <= 'z') ||
		      (suffix[i] >= 'A' && suffix[i] <= 'Z') ||
		      (suffix[i] >= '0' && suffix[i] <= '9')))
			*w++ = '\\';
		*w++ = suffix[i];
	}
	strcpy(w, "$");
	return r;
}

int
dp_match_compile(const struct dp_match_pattern *pats, unsigned n, struct dp_match **out,
		 char *err_msg, size_t err_len, int *err_index)
{
	hs_compile_error_t *cerr = NULL;
	struct dp_match *m;
	char **exprs = NULL;
	unsigned *flags = NULL, *ids = NULL, i;
	int rc = -ENOMEM;

	*err_index = -1;
	if (err_len > 0)
		err_msg[0] = '\0';
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
	m->n = n;
	if (n == 0) {
		*out = m; /* no database: nothing matches */
		return 0;
	}
	m->vendor_of = calloc(n, sizeof(*m->vendor_of));
	m->rank_of = calloc(n, sizeof(*m->rank_of));
	exprs = calloc(n, sizeof(*exprs));
	flags = calloc(n, sizeof(*flags));
	ids = calloc(n, sizeof(*ids));
	if (m->vendor_of == NULL || m->rank_of == NULL || exprs == NULL || flags == NULL ||
	    ids == NULL)
		goto err_free;
	for (i = 0; i < n; i++) {
		if (pats[i].vendor >= DP_MAX_VENDORS) {
			rc = -EINVAL;
			*err_index = (int)i;
			snprintf(err_msg, err_len, "vendor index %u over %u", pats[i].vendor,
				 DP_MAX_VENDORS);
			goto err_free;
		}
		m->vendor_of[i] = pats[i].vendor;
		m->rank_of[i] = pats[i].rank;
	}
	{
		unsigned group_of[DP_MAX_VENDORS];
		uint64_t seen = 0;

		for (i = 0; i < n; i++) {
			group_of[pats[i].vendor] = pats[i].group;
			seen |= UINT64_C(1) << pats[i].vendor;
		}
		for (uint64_t a = seen; a; a &= a - 1)
			for (uint64_t b = seen; b; b &= b - 1) {
				unsigned va = (unsigned)__builtin_ctzll(a),
					 vb = (unsigned)__builtin_ctzll(b);

				if (group_of[va] != group_of[vb])
					continue;
				m->group_mask[va] |= UINT64_C(1) << vb;
				m->ranked |= va != vb;
			}
	}
	/* Names first, payload signatures after: two databases. */
	for (unsigned j = 0, k = 0; j < 2; j++) {
		unsigned first = k;
		hs_database_t **db = j == 0 ? &m->db : &m->sdb;

		for (i = 0; i < n; i++) {
			if ((pats[i].kind == DP_MATCH_PAYLOAD) != (j == 1))
				continue;
			exprs[k] = pats[i].kind == DP_MATCH_DOMAIN ? suffix_regex(pats[i].expr)
								   : strdup(pats[i].expr);
			if (exprs[k] == NULL)
				goto err_free;
			flags[k] =
			    j == 0 ? HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH : HS_FLAG_SINGLEMATCH;
			ids[k] = i;
			k++;
		}
		if (k == first)
			continue;
		if (hs_compile_multi((const char *const *)exprs + first, flags + first, ids + first,
				     k - first, j == 0 ? HS_MODE_BLOCK : HS_MODE_STREAM, NULL, db,
				     &cerr) != HS_SUCCESS) {
			rc = -EINVAL;
			*err_index =
			    cerr->expression >= 0 ? (int)ids[first + cerr->expression] : -1;
			snprintf(err_msg, err_len, "%s", cerr->message);
			hs_free_compile_error(cerr);
			goto err_free;
		}
	}
	rc = 0;
	*out = m;
	goto out_tmp;

err_free:
	dp_match_free(m);
out_tmp:
	for (i = 0; exprs != NULL && i < n; i++)
		free(exprs[i]);
	free(exprs);
	free(flags);
	free(ids);
	return rc;
}

void
dp_match_free(struct dp_match *m)
{
	if (m == NULL)
		return;
	if (m->db != NULL)
		hs_free_database(m->db);
	if (m->sdb != NULL)
		hs_free_database(m->sdb);
	free(m->vendor_of);
	free(m->rank_of);
	free(m);
}

int
dp_match_scratch_fit(const struct dp_match *m, hs_scratch_t **s)
{
	if (m == NULL)
		return 0;
	if (m->db != NULL && hs_alloc_scratch(m->db, s) != HS_SUCCESS)
		return -ENOMEM;
	if (m->sdb != NULL && hs_alloc_scratch(m->sdb, s) != HS_SUCCESS)
		return -ENOMEM;
	return 0;
}

struct match_ctx {
	const struct dp_match *m;
	uint64_t vendors;
	unsigned rank[DP_MAX_VENDORS]; /* best so far, of vendors set (others unset: not read) */
};

static int
on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *arg)
{
	struct match_ctx *ctx = arg;
	unsigned v = ctx->m->vendor_of[id], r = ctx->m->rank_of[id];
	uint64_t bit = UINT64_C(1) << v;

	(void)from;
	(void)to;
	(void)flags;
	if (!(ctx->vendors & bit) || r > ctx->rank[v])
		ctx->rank[v] = r;
	ctx->vendors |= bit;
	return 0;
}

/* Keeps, in each group, the vendors of the highest rank. */
static uint64_t
resolve(const struct match_ctx *ctx)
{
	uint64_t keep = ctx->vendors;

	if (!ctx->m->ranked || (keep & (keep - 1)) == 0)
		return keep;
	for (uint64_t a = ctx->vendors; a; a &= a - 1) {
		unsigned va = (unsigned)__builtin_ctzll(a);
		uint64_t rivals = ctx->vendors & ctx->m->group_mask[va];

		for (; rivals; rivals &= rivals - 1) {
			unsigned vb = (unsigned)__builtin_ctzll(rivals);

			if (ctx->rank[vb] > ctx->rank[va]) {
				keep &= ~(UINT64_C(1) << va);
				break;
			}
		}
	}
	return keep;
}

int
dp_match_name(const struct dp_match *m, hs_scratch_t *scratch, const char *name, size_t len,
	      uint64_t *vendors)
{
	struct match_ctx ctx;

	ctx.m = m; /* rank[] is written before it is read: no 256-byte clear a scan */
	ctx.vendors = 0;

	if (m->db == NULL) {
		*vendors = 0;
		return 0;
	}
	if (hs_scan(m->db, name, (unsigned)len, 0, scratch, on_match, &ctx) != HS_SUCCESS) {
		*vendors = 0;
		return -EIO;
	}
	*vendors = resolve(&ctx);
	return 0;
}

int
dp_match_has_payload(const struct dp_match *m)
{
	return m->sdb != NULL;
}

hs_stream_t *
dp_match_stream_open(const struct dp_match *m)
{
	hs_stream_t *s = NULL;

	if (m->sdb == NULL || hs_open_stream(m->sdb, 0, &s) != HS_SUCCESS)
		return NULL;
	return s;
}

int
dp_match_stream_scan(const struct dp_match *m, hs_stream_t *s, hs_scratch_t *scratch,
		     const uint8_t *d, uint32_t len, uint64_t *vendors)
{
	struct match_ctx ctx;

	ctx.m = m; /* rank[] is written before it is read: no 256-byte clear a scan */
	ctx.vendors = 0;

	if (hs_scan_stream(s, (const char *)d, len, 0, scratch, on_match, &ctx) != HS_SUCCESS)
		return -EIO;
	*vendors |= resolve(&ctx);
	return 0;
}

void
dp_match_stream_close(hs_stream_t *s, hs_scratch_t *scratch)
{
	hs_close_stream(s, scratch, NULL, NULL);
}
