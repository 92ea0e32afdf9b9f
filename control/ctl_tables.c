/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_tables.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include "ctl_orgloc.h"
#include "dp_worker.h"

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
			pats[n++] =
			    (struct dp_match_pattern){cv->domains[i], DP_MATCH_DOMAIN, v, cv->group,
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
		snprintf(err, err_len,
			 "%s: vendors: server_prefixes: cannot allocate LPM tables: %s", cfg->path,
			 rte_strerror(rte_errno));
		goto out;
	}
	for (unsigned k = 1; k <= n && rc == 0; k++) {
		rc = dp_lpm_add(out->servers, uniq[k], k);
		if (rc)
			snprintf(err, err_len,
				 "%s: vendors: server_prefixes: the LPM table refused "
				 "a prefix: %s",
				 cfg->path, strerror(-rc));
	}
out:
	free(uniq);
	return rc;
}

/* A network of a vendor's ASes and its index in vendor_nets. */
struct vnet {
	struct dp_prefix prefix;
	uint32_t k;
};

/* The vendors' own networks: those of the ASes they list (asns:), read
 * from the first libloc organisation source.  Each network maps to every
 * entry (role) of the vendors that list its AS. */
static int
build_vendor_nets(const struct ctl_config *cfg, int socket, struct ctl_tables *out, char *err,
		  size_t err_len)
{
	const char *path = NULL;
	struct ctl_asnet *nets = NULL;
	struct vnet *vn = NULL;
	uint32_t *asns = NULL;
	unsigned n_asns = 0, want = 0;
	static unsigned seq;
	char name[32];
	size_t n = 0, bad;
	int rc;

	for (unsigned v = 0; v < cfg->n_vendors; v++)
		want += cfg->vendors[v].n_asns;
	for (unsigned i = 0; i < cfg->orgdata.n_src && path == NULL; i++)
		if (cfg->orgdata.src[i].kind == CTL_ORGSRC_LIBLOC)
			path = cfg->orgdata.src[i].path;
	if (want == 0 || path == NULL) /* ctl_config refuses asns without libloc */
		return 0;
	if ((asns = malloc(want * sizeof(*asns))) == NULL)
		goto err_nomem;
	for (unsigned v = 0; v < cfg->n_vendors; v++)
		for (unsigned i = 0; i < cfg->vendors[v].n_asns; i++)
			asns[n_asns++] = cfg->vendors[v].asns[i];
	if ((rc = ctl_orgloc_networks(path, asns, n_asns, &nets, &n, err, err_len)) != 0)
		goto out;
	if (n == 0) { /* the ASes have no network in the database */
		rc = 0;
		goto out;
	}
	out->n_vendor_nets = n;
	out->vendor_net_vendors = calloc(n + 1, sizeof(*out->vendor_net_vendors));
	vn = calloc(n, sizeof(*vn));
	if (out->vendor_net_vendors == NULL || vn == NULL)
		goto err_nomem;
	for (size_t j = 0; j < n; j++) {
		uint64_t groups = 0, mask = 0;

		for (unsigned v = 0; v < cfg->n_vendors; v++)
			for (unsigned i = 0; i < cfg->vendors[v].n_asns; i++)
				if (cfg->vendors[v].asns[i] == nets[j].asn)
					groups |= 1ull << cfg->vendors[v].group;
		for (unsigned v = 0; v < cfg->n_vendors; v++)
			if (groups & (1ull << cfg->vendors[v].group))
				mask |= 1ull << v;
		vn[j].prefix = nets[j].prefix;
		vn[j].k = (uint32_t)(j + 1);
		out->vendor_net_vendors[j + 1] = mask;
	}
	snprintf(name, sizeof(name), "vnet%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	out->vendor_nets = dp_lpm_build(name, vn, n, sizeof(*vn), offsetof(struct vnet, k), socket,
					&out->vendor_nets_size, &bad);
	if (out->vendor_nets == NULL) {
		rc = -rte_errno;
		snprintf(err, err_len,
			 "%s: vendors: asns: the LPM table refused their networks: %s", path,
			 rte_strerror(rte_errno));
		goto out;
	}
	rc = 0;
	goto out;
err_nomem:
	rc = -ENOMEM;
	snprintf(err, err_len, "%s: vendors: asns: out of memory", cfg->path);
out:
	free(asns);
	free(nets);
	free(vn);
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
	out->orgs =
	    dp_lpm_build(name, orgs->prefixes, orgs->n_prefixes, sizeof(*orgs->prefixes),
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
	if (rc == 0)
		rc = build_vendor_nets(cfg, socket, out, err, err_len);
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
	dp_lpm_free(t->vendor_nets);
	free(t->vendor_net_vendors);
	memset(t, 0, sizeof(*t));
}

struct dp_gen *
ctl_tables_gen(const struct ctl_tables *t, uint16_t id, unsigned n_orgs, unsigned n_vendors,
	       const struct dp_match *prev, int socket)
{
	struct dp_gen *g = dp_gen_create(id, t->orgs, t->match, t->servers, t->server_vendors,
					 n_orgs, n_vendors, prev, socket);

	if (g != NULL)
		dp_gen_set_vendor_nets(g, t->vendor_nets, t->vendor_net_vendors);
	return g;
}
