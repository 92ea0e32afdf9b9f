/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_tables.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

/* A pattern's rank within its vendor (dp_match.h): the vendor's own level
 * (role other) 0; a role's suffix its label count, so the longer suffix
 * wins; a role's regex or payload signature above any suffix. */
#define RANK_PATTERN 1000

static unsigned
suffix_rank(const struct ctl_vendor *cv, const char *suffix)
{
	unsigned labels = 1;

	if (cv->fallback)
		return 0;
	for (const char *c = suffix; *c; c++)
		labels += *c == '.';
	return labels;
}

static int
build_match(const struct ctl_config *cfg, struct dp_match **out, char *err, size_t err_len)
{
	struct dp_match_pattern *pats;
	unsigned n = 0, total = 0;
	char msg[256];
	int idx, rc;

	for (unsigned v = 0; v < cfg->n_vendors; v++)
		total += cfg->vendors[v].n_domains + cfg->vendors[v].n_regexes +
			 cfg->vendors[v].n_payloads;
	pats = calloc(total ? total : 1, sizeof(*pats));
	if (pats == NULL)
		return -ENOMEM;
	for (unsigned v = 0; v < cfg->n_vendors; v++) {
		const struct ctl_vendor *cv = &cfg->vendors[v];

		unsigned top = cv->fallback ? 0 : RANK_PATTERN;

		for (unsigned i = 0; i < cv->n_domains; i++)
			pats[n++] = (struct dp_match_pattern){cv->domains[i], DP_MATCH_DOMAIN, v,
							      cv->group,
							      suffix_rank(cv, cv->domains[i])};
		for (unsigned i = 0; i < cv->n_regexes; i++)
			pats[n++] = (struct dp_match_pattern){cv->regexes[i], DP_MATCH_REGEX, v,
							      cv->group, top};
		for (unsigned i = 0; i < cv->n_payloads; i++)
			pats[n++] = (struct dp_match_pattern){cv->payloads[i], DP_MATCH_PAYLOAD, v,
							      cv->group, top};
	}
	rc = dp_match_compile(pats, n, out, msg, sizeof(msg), &idx);
	if (rc == -EINVAL && idx >= 0) {
		/* Map the pattern index back to the vendor and its YAML line. */
		unsigned k = (unsigned)idx;

		for (unsigned v = 0; v < cfg->n_vendors; v++) {
			const struct ctl_vendor *cv = &cfg->vendors[v];

			if (k < cv->n_domains) {
				snprintf(err, err_len, "%s:%d: %s.domains[%u]: %s", cv->file,
					 cv->line, cv->field, k, msg);
				break;
			}
			k -= cv->n_domains;
			if (k < cv->n_regexes) {
				snprintf(err, err_len, "%s:%d: %s.regexes[%u]: Hyperscan: %s",
					 cv->file, cv->regex_lines[k], cv->field, k, msg);
				break;
			}
			k -= cv->n_regexes;
			if (k < cv->n_payloads) {
				snprintf(err, err_len,
					 "%s:%d: %s.payload_signatures[%u]: Hyperscan: %s",
					 cv->file, cv->payload_lines[k], cv->field, k, msg);
				break;
			}
			k -= cv->n_payloads;
		}
	} else if (rc) {
		snprintf(err, err_len, "%s: vendors: Hyperscan: %s", cfg->path, msg);
	}
	free(pats);
	return rc;
}

/* Each distinct configured prefix gets an index; a prefix listed by
 * several vendors serves all of them. */
static int
build_servers(const struct ctl_config *cfg, int socket, struct ctl_tables *out, char *err,
	      size_t err_len)
{
	struct dp_lpm_size sz = {0};
	const struct dp_prefix **uniq;
	unsigned total = 0, n = 0;
	static unsigned seq;
	char name[32];
	int rc = 0;

	for (unsigned v = 0; v < cfg->n_vendors; v++)
		total += cfg->vendors[v].n_servers;
	uniq = calloc(total + 1, sizeof(*uniq));
	out->server_vendors = calloc(total + 1, sizeof(*out->server_vendors));
	if (uniq == NULL || out->server_vendors == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (unsigned v = 0; v < cfg->n_vendors; v++)
		for (unsigned i = 0; i < cfg->vendors[v].n_servers; i++) {
			const struct dp_prefix *p = &cfg->vendors[v].servers[i];
			unsigned k;

			for (k = 1; k <= n; k++)
				if (memcmp(uniq[k], p, sizeof(*p)) == 0)
					break;
			if (k > n) {
				uniq[++n] = p;
				dp_lpm_size_add(&sz, p);
			}
			out->server_vendors[k] |= 1ull << v;
		}
	/* A prefix of a role and of its vendor's own level serves the role
	 * (the longer prefix decides between nested ones: the LPM's). */
	for (unsigned k = 1; k <= n; k++)
		for (unsigned v = 0; v < cfg->n_vendors; v++) {
			uint64_t rivals = 0;

			if (!cfg->vendors[v].fallback || !(out->server_vendors[k] & (1ull << v)))
				continue;
			for (unsigned r = 0; r < cfg->n_vendors; r++)
				if (r != v && cfg->vendors[r].group == cfg->vendors[v].group)
					rivals |= 1ull << r;
			if (out->server_vendors[k] & rivals)
				out->server_vendors[k] &= ~(1ull << v);
		}
	snprintf(name, sizeof(name), "srv%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	out->servers = dp_lpm_create(name, &sz, socket);
	if (out->servers == NULL) {
		rc = -rte_errno;
		snprintf(err, err_len, "%s: vendors: server_prefixes: cannot allocate LPM tables: %s",
			 cfg->path, rte_strerror(rte_errno));
		goto out;
	}
	for (unsigned k = 1; k <= n && rc == 0; k++) {
		rc = dp_lpm_add(out->servers, uniq[k], k);
		if (rc)
			snprintf(err, err_len, "%s: vendors: server_prefixes: the LPM table refused "
					       "a prefix: %s",
				 cfg->path, strerror(-rc));
	}
out:
	free(uniq);
	return rc;
}

int
ctl_tables_build(const struct ctl_config *cfg, const struct ctl_orgs *orgs, int socket,
		 struct ctl_tables *out, char *err, size_t err_len)
{
	static unsigned seq;
	char name[32];
	size_t bad;
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(name, sizeof(name), "orgs%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	out->orgs = dp_lpm_build(name, orgs->prefixes, orgs->n_prefixes, sizeof(*orgs->prefixes),
				 offsetof(struct ctl_org_prefix, org), socket, &out->orgs_size, &bad);
	if (out->orgs == NULL) {
		rc = -rte_errno;
		if (bad != SIZE_MAX) {
			char where[PATH_MAX + 16];

			ctl_orgs_where(orgs, &orgs->prefixes[bad], where, sizeof(where));
			snprintf(err, err_len, "%s: prefix: the LPM table refused it: %s", where,
				 rte_strerror(rte_errno));
		} else {
			snprintf(err, err_len, "organisation table: cannot allocate LPM tables: %s",
				 rte_strerror(rte_errno));
		}
		goto err_free;
	}
	rc = build_match(cfg, &out->match, err, err_len);
	if (rc == 0)
		rc = build_servers(cfg, socket, out, err, err_len);
	if (rc)
		goto err_free;
	return 0;

err_free:
	ctl_tables_free(out);
	return rc;
}

void
ctl_tables_free(struct ctl_tables *t)
{
	dp_lpm_free(t->orgs);
	dp_match_free(t->match);
	dp_lpm_free(t->servers);
	free(t->server_vendors);
	memset(t, 0, sizeof(*t));
}
