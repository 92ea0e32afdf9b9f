/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_orgloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libloc/as.h>
#include <libloc/database.h>
#include <libloc/libloc.h>
#include <libloc/network.h>

#include "ctl_locdb.h"
#include "ctl_orgas.h"
#include "ctl_orgdata.h"
#include "ctl_orgs.h"

static bool
wanted_country(const struct ctl_orgsrc_cfg *cfg, const char *cc)
{
	if (cfg->n_countries == 0)
		return true;
	for (unsigned i = 0; i < cfg->n_countries; i++)
		if (cc != NULL && strcmp(cfg->countries[i], cc) == 0)
			return true;
	return false;
}

/* The organisation a network of asn in country cc belongs to: the AS2Org
 * one of its AS if a source names it, else one per AS and country. */
static int
org_of(struct ctl_orgs *o, unsigned src, struct loc_database *db, const struct ctl_asmap *as,
       uint32_t asn, const char *cc, uint32_t *idx)
{
	struct ctl_as_view v;
	struct ctl_org org = {0};
	int32_t k;
	int rc;

	ctl_asmap_get(as, asn, &v);
	if (v.org_id != NULL)
		snprintf(org.id, sizeof(org.id), "%s", v.org_id);
	else if (asn != 0)
		snprintf(org.id, sizeof(org.id), "AS%u-%s", asn, cc);
	else
		snprintf(org.id, sizeof(org.id), "noas-%s", cc);
	if ((k = ctl_orgs_find(o, org.id)) > 0) {
		*idx = (uint32_t)k;
		return 0;
	}
	snprintf(org.country, sizeof(org.country), "%s", v.org_country ? v.org_country : cc);
	snprintf(org.sector, sizeof(org.sector), "%s", v.sector ? v.sector : "unknown");
	org.government = v.government == 1;
	org.asn = asn;
	if (v.org_name != NULL) {
		snprintf(org.name, sizeof(org.name), "%s", v.org_name);
	} else if (asn != 0) {
		struct loc_as *a = NULL;
		const char *name = NULL;

		if (loc_database_get_as(db, &a, asn) == 0 && a != NULL)
			name = loc_as_get_name(a);
		if (name != NULL && name[0] != '\0') {
			if (ctl_orgs_clean_name(name, org.name, sizeof(org.name)))
				o->src[src].cleaned++;
		} else {
			snprintf(org.name, sizeof(org.name), "AS%u", asn);
		}
		if (a != NULL)
			loc_as_unref(a);
	} else {
		snprintf(org.name, sizeof(org.name), "No AS (%s)", cc);
	}
	rc = ctl_orgs_intern(o, &org, idx);
	return rc == -EEXIST ? 0 : rc; /* an operator's row of the same id: theirs */
}

/* What walk() calls: on_db once the database is open, on_net for each
 * network (p its prefix); either returns 0 or a negative errno that ends
 * the walk (-ENOMEM, -ENOSPC: walk says so in err unless fn did). */
struct walk_fns {
	void (*on_db)(void *arg, struct loc_database *db);
	int (*on_net)(void *arg, struct loc_database *db, struct loc_network *net,
		      const struct dp_prefix *p);
	void *arg;
};

/* The network's prefix. */
static void
net_prefix(struct loc_network *net, struct dp_prefix *p)
{
	const struct in6_addr *first = loc_network_get_first_address(net);

	memset(p, 0, sizeof(*p));
	p->len = (uint8_t)loc_network_prefix(net);
	if (loc_network_address_family(net) == AF_INET) {
		p->family = 4;
		memcpy(p->addr, &first->s6_addr[12], 4);
	} else {
		p->family = 6;
		memcpy(p->addr, first->s6_addr, 16);
	}
}

/* Every network of the database at path, checked first (libloc trusts its
 * file: ctl_locdb.h) and counted against what the file declares. */
static int
walk(const char *path, const struct walk_fns *fns, char *err, size_t err_len)
{
	struct loc_database_enumerator *en = NULL;
	struct loc_network *net = NULL;
	struct loc_database *db = NULL;
	struct loc_ctx *ctx = NULL;
	uint64_t declared, read = 0;
	int rc;
	FILE *f;

	err[0] = '\0';
	if ((rc = ctl_locdb_open(path, &f, &declared, err, err_len)) != 0)
		return rc;
	rc = -ENOMEM;
	if (loc_new(&ctx) != 0)
		goto out;
	if (loc_database_new(ctx, &db, f) != 0 || db == NULL) {
		rc = -EINVAL;
		snprintf(err, err_len, "%s: not a location database libloc can read", path);
		goto out;
	}
	if (fns->on_db != NULL)
		fns->on_db(fns->arg, db);
	if (loc_database_enumerator_new(&en, db, LOC_DB_ENUMERATE_NETWORKS, 0) != 0)
		goto out;
	for (;;) {
		struct dp_prefix p;

		if (loc_database_enumerator_next_network(en, &net) != 0) {
			rc = -EINVAL;
			snprintf(err, err_len, "%s: damaged: the networks cannot all be read",
				 path);
			goto out;
		}
		if (net == NULL)
			break;
		read++;
		net_prefix(net, &p);
		if ((rc = fns->on_net(fns->arg, db, net, &p)) != 0)
			goto out;
		loc_network_unref(net);
		net = NULL;
	}
	if (read != declared) {
		rc = -EINVAL;
		snprintf(err, err_len, "%s: damaged: %llu networks read of the %llu it declares",
			 path, (unsigned long long)read, (unsigned long long)declared);
		goto out;
	}
	rc = 0;
out:
	if (rc == -ENOSPC && err[0] == '\0')
		snprintf(err, err_len, "%s: more than %u organisations", path, CTL_ORGS_MAX);
	else if (rc != 0 && err[0] == '\0')
		snprintf(err, err_len, "%s: out of memory", path);
	if (net != NULL)
		loc_network_unref(net);
	if (en != NULL)
		loc_database_enumerator_unref(en);
	if (db != NULL)
		loc_database_unref(db);
	if (ctx != NULL)
		loc_unref(ctx);
	fclose(f);
	return rc;
}

struct read_arg {
	struct ctl_orgs *o;
	unsigned src;
	const struct ctl_orgsrc_cfg *cfg;
	const struct ctl_asmap *as;
};

static void
read_db(void *arg, struct loc_database *db)
{
	struct read_arg *a = arg;
	struct ctl_orgsrc_info *s = &a->o->src[a->src];

	s->date = (int64_t)loc_database_created_at(db);
	if (loc_database_get_license(db) != NULL)
		snprintf(s->licence, sizeof(s->licence), "%s", loc_database_get_license(db));
}

static int
read_net(void *arg, struct loc_database *db, struct loc_network *net, const struct dp_prefix *p)
{
	struct read_arg *a = arg;
	const char *cc = loc_network_get_country_code(net);
	uint32_t idx = 0;
	bool drop = false;
	int rc;

	if (!ctl_orgs_country_ok(cc))
		cc = "ZZ";
	if (!wanted_country(a->cfg, cc)) {
		a->o->src[a->src].excluded++;
		return 0;
	}
	for (uint32_t fl = 1; fl <= LOC_NETWORK_FLAG_DROP; fl <<= 1)
		drop |= (a->cfg->exclude_flags & fl) && loc_network_has_flag(net, fl);
	if (drop)
		a->o->src[a->src].excluded++; /* attributes nobody: index 0 */
	else if ((rc = org_of(a->o, a->src, db, a->as, loc_network_get_asn(net), cc, &idx)) != 0)
		return rc;
	if ((rc = ctl_orgs_add_prefix(a->o, p, idx, a->src, 0)) != 0)
		return rc;
	a->o->src[a->src].rows += !drop;
	return 0;
}

int
ctl_orgloc_read(struct ctl_orgs *o, unsigned src, const struct ctl_orgsrc_cfg *cfg,
		const struct ctl_asmap *as, char *err, size_t err_len)
{
	struct read_arg a = {.o = o, .src = src, .cfg = cfg, .as = as};
	const struct walk_fns fns = {.on_db = read_db, .on_net = read_net, .arg = &a};

	return walk(o->src[src].path, &fns, err, err_len);
}

struct asn_arg {
	const uint32_t *asns; /* sorted */
	unsigned n_asns;
	struct ctl_asnet *nets;
	size_t n, cap;
};

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
asn_net(void *arg, struct loc_database *db, struct loc_network *net, const struct dp_prefix *p)
{
	struct asn_arg *a = arg;
	uint32_t asn = loc_network_get_asn(net);

	(void)db;
	if (asn == 0 || bsearch(&asn, a->asns, a->n_asns, sizeof(asn), cmp_u32) == NULL)
		return 0;
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 64;
		struct ctl_asnet *grown = realloc(a->nets, cap * sizeof(*grown));

		if (grown == NULL)
			return -ENOMEM;
		a->nets = grown;
		a->cap = cap;
	}
	a->nets[a->n].prefix = *p;
	a->nets[a->n++].asn = asn;
	return 0;
}

int
ctl_orgloc_networks(const char *path, const uint32_t *asns, unsigned n_asns, struct ctl_asnet **out,
		    size_t *n, char *err, size_t err_len)
{
	uint32_t *sorted = malloc((n_asns ? n_asns : 1) * sizeof(*sorted));
	struct asn_arg a = {.asns = sorted, .n_asns = n_asns};
	const struct walk_fns fns = {.on_net = asn_net, .arg = &a};
	int rc;

	*out = NULL;
	*n = 0;
	if (sorted == NULL) {
		snprintf(err, err_len, "%s: out of memory", path);
		return -ENOMEM;
	}
	memcpy(sorted, asns, n_asns * sizeof(*sorted));
	qsort(sorted, n_asns, sizeof(*sorted), cmp_u32);
	rc = walk(path, &fns, err, err_len);
	free(sorted);
	if (rc) {
		free(a.nets);
		return rc;
	}
	*out = a.nets;
	*n = a.n;
	return 0;
}
