/* SPDX-License-Identifier: BSD-3-Clause */
/* organisations: the organisation table's sources (ctl_orgdata.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_config_sections.h"
#include "ctl_orgdata.h"

static const struct {
	const char *key;
	enum ctl_orgsrc_kind kind;
} kinds[] = {
    {"csv", CTL_ORGSRC_CSV},
    {"libloc", CTL_ORGSRC_LIBLOC},
    {"as2org", CTL_ORGSRC_AS2ORG},
    {"asdb", CTL_ORGSRC_ASDB},
};

static int
parse_countries(struct ctl_yaml *x, yaml_node_t *n, const char *field, struct ctl_orgsrc_cfg *s)
{
	int rc = ctl_yaml_want(x, n, YAML_SEQUENCE_NODE, field);

	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     rc == 0 && it < n->data.sequence.items.top; it++) {
		yaml_node_t *v = ctl_yaml_node(x, *it);
		char cc[8], f[128];

		ctl_yaml_fieldf(f, sizeof(f), "%s[%u]", field,
				(unsigned)(it - n->data.sequence.items.start));
		if ((rc = ctl_yaml_str(x, v, f, cc, sizeof(cc))))
			return rc;
		if (!ctl_orgs_country_ok(cc))
			return ctl_yaml_err(x, v, f,
					    "'%s' is not an ISO 3166-1 alpha-2 code (two "
					    "capitals)",
					    cc);
		if (s->n_countries == CTL_ORG_COUNTRIES_MAX)
			return ctl_yaml_err(x, v, f, "more than %d countries",
					    CTL_ORG_COUNTRIES_MAX);
		memcpy(s->countries[s->n_countries++], cc, 3);
	}
	return rc;
}

static int
parse_flags(struct ctl_yaml *x, yaml_node_t *n, const char *field, struct ctl_orgsrc_cfg *s)
{
	int rc = ctl_yaml_want(x, n, YAML_SEQUENCE_NODE, field);

	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     rc == 0 && it < n->data.sequence.items.top; it++) {
		yaml_node_t *v = ctl_yaml_node(x, *it);
		char name[32], f[128];
		uint32_t flag;

		ctl_yaml_fieldf(f, sizeof(f), "%s[%u]", field,
				(unsigned)(it - n->data.sequence.items.start));
		if ((rc = ctl_yaml_str(x, v, f, name, sizeof(name))))
			return rc;
		if ((flag = ctl_orgdata_flag(name)) == 0)
			return ctl_yaml_err(x, v, f,
					    "'%s': one of anonymous-proxy, satellite, "
					    "anycast, drop",
					    name);
		s->exclude_flags |= flag;
	}
	return rc;
}

/* One source: {KIND: FILE, licence, date, countries, exclude_flags}. */
static int
parse_source(struct ctl_yaml *x, yaml_node_t *n, const char *field, struct ctl_orgsrc_cfg *s)
{
	static const char *const keys[] = {"csv",  "libloc",	"as2org",	 "asdb", "licence",
					   "date", "countries", "exclude_flags", NULL};
	yaml_node_t *v, *kind_node = NULL;
	char f[128];
	int rc;

	if ((rc = ctl_yaml_want(x, n, YAML_MAPPING_NODE, field)) ||
	    (rc = ctl_yaml_keys(x, n, field, keys)))
		return rc;
	s->line = ctl_yaml_line(n);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		if ((v = ctl_yaml_get(x, n, kinds[k].key)) == NULL)
			continue;
		if (kind_node != NULL)
			return ctl_yaml_err(x, v, field,
					    "one of csv, libloc, as2org, asdb per "
					    "source, not two");
		kind_node = v;
		s->kind = kinds[k].kind;
		ctl_yaml_fieldf(f, sizeof(f), "%s.%s", field, kinds[k].key);
		if ((rc = ctl_yaml_path(x, v, f, s->path)))
			return rc;
	}
	if (kind_node == NULL)
		return ctl_yaml_err(x, n, field,
				    "says none of csv, libloc, as2org, asdb (the "
				    "source's kind, with its file)");
	if ((v = ctl_yaml_get(x, n, "licence")) != NULL) {
		ctl_yaml_fieldf(f, sizeof(f), "%s.licence", field);
		if ((rc = ctl_yaml_str(x, v, f, s->licence, sizeof(s->licence))))
			return rc;
	}
	if ((v = ctl_yaml_get(x, n, "date")) != NULL) {
		ctl_yaml_fieldf(f, sizeof(f), "%s.date", field);
		if ((rc = ctl_yaml_date(x, v, f, &s->date)))
			return rc;
	}
	for (const char *const *k = (const char *const[]){"countries", "exclude_flags", NULL}; *k;
	     k++) {
		if ((v = ctl_yaml_get(x, n, *k)) == NULL)
			continue;
		ctl_yaml_fieldf(f, sizeof(f), "%s.%s", field, *k);
		if (s->kind != CTL_ORGSRC_LIBLOC)
			return ctl_yaml_err(x, v, f, "only for a libloc source");
		rc = **k == 'c' ? parse_countries(x, v, f, s) : parse_flags(x, v, f, s);
		if (rc)
			return rc;
	}
	return 0;
}

int
ctl_config_parse_organisations(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c)
{
	static const char *const keys[] = {"sources", "on_error", "max_age_days", NULL};
	struct ctl_orgdata_cfg *d = &c->orgdata;
	yaml_node_t *v;
	bool prefixes = false;
	char buf[16];
	int rc;

	if (n->type == YAML_SCALAR_NODE) { /* one CSV file */
		d->n_src = 1;
		d->src[0].kind = CTL_ORGSRC_CSV;
		d->src[0].line = ctl_yaml_line(n);
		if ((rc = ctl_yaml_path(x, n, "organisations", d->src[0].path)))
			return rc;
		snprintf(c->orgs_path, sizeof(c->orgs_path), "%s", d->src[0].path);
		return 0;
	}
	if (n->type != YAML_MAPPING_NODE)
		return ctl_yaml_err(x, n, "organisations",
				    "expected a file (CSV) or a mapping "
				    "with sources");
	if ((rc = ctl_yaml_keys(x, n, "organisations", keys)))
		return rc;
	if ((v = ctl_yaml_get(x, n, "on_error")) != NULL) {
		if ((rc = ctl_yaml_str(x, v, "organisations.on_error", buf, sizeof(buf))))
			return rc;
		if (strcmp(buf, "skip") != 0 && strcmp(buf, "refuse") != 0)
			return ctl_yaml_err(x, v, "organisations.on_error",
					    "'%s': refuse (the default) or skip", buf);
		d->skip_bad_rows = strcmp(buf, "skip") == 0;
	}
	if ((rc = ctl_yaml_opt_uint(x, n, "max_age_days", "organisations.max_age_days", 0, 36500,
				    &d->max_age_days)))
		return rc;
	if ((v = ctl_yaml_get(x, n, "sources")) == NULL)
		return ctl_yaml_err(x, n, "organisations.sources", "missing");
	if ((rc = ctl_yaml_want(x, v, YAML_SEQUENCE_NODE, "organisations.sources")))
		return rc;
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		char f[64];

		ctl_yaml_fieldf(f, sizeof(f), "organisations.sources[%u]", d->n_src);
		if (d->n_src == CTL_ORG_SOURCES_MAX)
			return ctl_yaml_err(x, ctl_yaml_node(x, *it), f, "more than %d sources",
					    CTL_ORG_SOURCES_MAX);
		if ((rc = parse_source(x, ctl_yaml_node(x, *it), f, &d->src[d->n_src])))
			return rc;
		prefixes |= d->src[d->n_src].kind == CTL_ORGSRC_CSV ||
			    d->src[d->n_src].kind == CTL_ORGSRC_LIBLOC;
		d->n_src++;
	}
	if (!prefixes)
		return ctl_yaml_err(x, v, "organisations.sources",
				    "no csv or libloc source: nothing gives prefixes");
	snprintf(c->orgs_path, sizeof(c->orgs_path), "%s", d->src[0].path);
	return 0;
}
