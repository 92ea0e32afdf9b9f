/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_orgloc.h"

#include <errno.h>
#include <stdio.h>
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

int
ctl_orgloc_read(struct ctl_orgs *o, unsigned src, const struct ctl_orgsrc_cfg *cfg,
		const struct ctl_asmap *as, char *err, size_t err_len)
{
	const char *path = o->src[src].path;
	struct loc_database_enumerator *en = NULL;
	struct loc_network *net = NULL;
	struct loc_database *db = NULL;
	struct loc_ctx *ctx = NULL;
	uint64_t declared, read = 0;
	int rc = -ENOMEM;
	FILE *f;

	err[0] = '\0';
	/* libloc trusts its file: it is checked first (ctl_locdb.h). */
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
	o->src[src].date = (int64_t)loc_database_created_at(db);
	if (loc_database_get_license(db) != NULL)
		snprintf(o->src[src].licence, sizeof(o->src[src].licence), "%s",
			 loc_database_get_license(db));
	if (loc_database_enumerator_new(&en, db, LOC_DB_ENUMERATE_NETWORKS, 0) != 0)
		goto out;
	for (;;) {
		struct dp_prefix p = {0};
		const struct in6_addr *first;
		const char *cc;
		uint32_t idx = 0, asn;
		unsigned len;

		if (loc_database_enumerator_next_network(en, &net) != 0) {
			rc = -EINVAL;
			snprintf(err, err_len, "%s: damaged: the networks cannot all be read", path);
			goto out;
		}
		if (net == NULL)
			break;
		read++;
		cc = loc_network_get_country_code(net);
		if (!ctl_orgs_country_ok(cc))
			cc = "ZZ";
		asn = loc_network_get_asn(net);
		first = loc_network_get_first_address(net);
		len = loc_network_prefix(net);
		if (loc_network_address_family(net) == AF_INET) {
			p.family = 4;
			p.len = (uint8_t)len;
			memcpy(p.addr, &first->s6_addr[12], 4);
		} else {
			p.family = 6;
			p.len = (uint8_t)len;
			memcpy(p.addr, first->s6_addr, 16);
		}
		if (!wanted_country(cfg, cc)) {
			o->src[src].excluded++;
		} else {
			bool drop = false;

			for (uint32_t fl = 1; fl <= LOC_NETWORK_FLAG_DROP; fl <<= 1)
				drop |= (cfg->exclude_flags & fl) && loc_network_has_flag(net, fl);
			if (drop)
				o->src[src].excluded++; /* attributes nobody: index 0 */
			else if ((rc = org_of(o, src, db, as, asn, cc, &idx)) != 0)
				goto out_rc;
			if ((rc = ctl_orgs_add_prefix(o, &p, idx, src, 0)) != 0)
				goto out_rc;
			o->src[src].rows += !drop;
		}
		loc_network_unref(net);
		net = NULL;
	}
	if (read != declared) {
		rc = -EINVAL;
		snprintf(err, err_len, "%s: damaged: %llu networks read of the %llu it declares", path,
			 (unsigned long long)read, (unsigned long long)declared);
		goto out;
	}
	rc = 0;
	goto out;
out_rc:
	if (rc == -ENOSPC)
		snprintf(err, err_len, "%s: more than %u organisations", path, CTL_ORGS_MAX);
	else
		snprintf(err, err_len, "%s: out of memory", path);
out:
	if (rc == -ENOMEM && err[0] == '\0')
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
