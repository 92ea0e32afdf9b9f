/* SPDX-License-Identifier: BSD-3-Clause */
/* The vendors: section of the configuration (see ctl_config.h). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_config_sections.h"
#include "dp_types.h"

/* A DNS suffix as written by operators: letters, digits, '-', '.', at least
 * two labels, no empty label; matched on label boundaries by dp_match. */
static bool
valid_domain(const char *d)
{
	size_t n = strlen(d);
	bool dot = false;

	if (n == 0 || n > 253 || d[0] == '.' || d[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = d[i];

		if (c == '.') {
			if (d[i + 1] == '.')
				return false;
			dot = true;
		} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '-' || c == '_')) {
			return false;
		}
	}
	return dot;
}

/* The names, patterns and prefixes of one entry (a vendor's own level or
 * one of its roles), under field f ("vendors[I]" or "vendors[I].roles[J]"). */
static int
parse_patterns(struct ctl_yaml *x, yaml_node_t *n, const char *fp, struct ctl_vendor *v)
{
	char f[160];
	yaml_node_t *c;
	int rc;

	if ((c = ctl_yaml_get(x, n, "domains")) != NULL) {
		ctl_yaml_fieldf(f, sizeof(f), "%s.domains", fp);
		if ((rc = ctl_yaml_str_list(x, c, f, &v->domains, NULL, &v->n_domains)))
			return rc;
		for (unsigned i = 0; i < v->n_domains; i++)
			if (!valid_domain(v->domains[i])) {
				ctl_yaml_fieldf(f, sizeof(f), "%s.domains[%u]", fp, i);
				return ctl_yaml_err(
				    x, ctl_yaml_node(x, c->data.sequence.items.start[i]), f,
				    "'%s' is not a domain name of two or more labels",
				    v->domains[i]);
			}
	}
	if ((c = ctl_yaml_get(x, n, "payload_signatures")) != NULL) {
		ctl_yaml_fieldf(f, sizeof(f), "%s.payload_signatures", fp);
		if ((rc = ctl_yaml_str_list(x, c, f, &v->payloads, &v->payload_lines,
					    &v->n_payloads)))
			return rc;
	}
	if ((c = ctl_yaml_get(x, n, "regexes")) != NULL) {
		ctl_yaml_fieldf(f, sizeof(f), "%s.regexes", fp);
		if ((rc = ctl_yaml_str_list(x, c, f, &v->regexes, &v->regex_lines, &v->n_regexes)))
			return rc;
	}
	if ((c = ctl_yaml_get(x, n, "server_prefixes")) != NULL) {
		char **texts = NULL;
		unsigned nt = 0;

		ctl_yaml_fieldf(f, sizeof(f), "%s.server_prefixes", fp);
		rc = ctl_yaml_str_list(x, c, f, &texts, NULL, &nt);
		if (rc == 0 && nt > 0) {
			v->servers = calloc(nt, sizeof(*v->servers));
			rc = v->servers ? 0 : -ENOMEM;
		}
		for (unsigned i = 0; rc == 0 && i < nt; i++) {
			const char *why;

			if (dp_prefix_parse(texts[i], &v->servers[i], &why)) {
				ctl_yaml_fieldf(f, sizeof(f), "%s.server_prefixes[%u]", fp, i);
				rc = ctl_yaml_err(x,
						  ctl_yaml_node(x, c->data.sequence.items.start[i]),
						  f, "'%s': %s", texts[i], why);
			}
			v->n_servers = i + 1;
		}
		for (unsigned i = 0; texts && texts[i]; i++)
			free(texts[i]);
		free(texts);
		if (rc)
			return rc;
	}
	return 0;
}

/* asns: [N, ...] of a vendor (its own level, or beside an include), each
 * 1-4294967295, none twice; appended to v's.  Their networks are read from
 * a libloc organisation source (organisations: is parsed before vendors:),
 * so one must be configured. */
static int
parse_asns(struct ctl_yaml *x, yaml_node_t *n, const char *fp, const struct ctl_config *cfg,
	   struct ctl_vendor *v)
{
	yaml_node_t *c = ctl_yaml_get(x, n, "asns");
	uint32_t **asns = &v->asns;
	unsigned *count = &v->n_asns;
	bool libloc = false;
	char f[160];
	int rc;

	if (c == NULL)
		return 0;
	ctl_yaml_fieldf(f, sizeof(f), "%s.asns", fp);
	if ((rc = ctl_yaml_want(x, c, YAML_SEQUENCE_NODE, f)))
		return rc;
	for (unsigned i = 0; i < cfg->orgdata.n_src; i++)
		libloc |= cfg->orgdata.src[i].kind == CTL_ORGSRC_LIBLOC;
	if (!libloc)
		return ctl_yaml_err(x, c, f,
				    "no organisations source is a libloc database (the "
				    "networks of these ASes are read from one)");
	for (yaml_node_item_t *it = c->data.sequence.items.start; it < c->data.sequence.items.top;
	     it++) {
		yaml_node_t *item = ctl_yaml_node(x, *it);
		uint32_t *grown;
		unsigned long a;

		ctl_yaml_fieldf(f, sizeof(f), "%s.asns[%u]", fp,
				(unsigned)(it - c->data.sequence.items.start));
		if ((rc = ctl_yaml_uint(x, item, f, 1, UINT32_MAX, &a)))
			return rc;
		for (unsigned i = 0; i < *count; i++)
			if ((*asns)[i] == a)
				return ctl_yaml_err(x, item, f, "AS%lu is listed twice", a);
		if ((grown = realloc(*asns, (*count + 1) * sizeof(*grown))) == NULL)
			return -ENOMEM;
		grown[(*count)++] = (uint32_t)a;
		*asns = grown;
	}
	return 0;
}

static bool
has_patterns(const struct ctl_vendor *v)
{
	return v->n_domains || v->n_regexes || v->n_servers || v->n_payloads;
}

/* Lower-case letters, digits, '-' and '_': names that go into labels. */
static int
parse_ident(struct ctl_yaml *x, yaml_node_t *n, const char *f, char *out)
{
	int rc = ctl_yaml_str(x, n, f, out, CTL_NAME_LEN);

	if (rc)
		return rc;
	for (const char *s = out; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-'))
			return ctl_yaml_err(
			    x, n, f, "'%s': use lower-case letters, digits, '-' and '_'", out);
	return 0;
}

static struct ctl_vendor *
add_unit(struct ctl_yaml *x, struct ctl_config *c, const char *vendor, const char *role,
	 const char *field, int line)
{
	struct ctl_vendor *v, *grown;

	if (c->n_vendors == DP_MAX_VENDORS) {
		ctl_yaml_err(x, NULL, field, "over %d roles of all vendors together",
			     DP_MAX_VENDORS);
		return NULL;
	}
	grown = realloc(c->vendors, (c->n_vendors + 1) * sizeof(*grown));
	if (grown == NULL)
		return NULL;
	c->vendors = grown;
	v = &c->vendors[c->n_vendors++];
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", vendor);
	snprintf(v->role, sizeof(v->role), "%s", role);
	snprintf(v->field, sizeof(v->field), "%s", field);
	v->file = strdup(x->path);
	v->group = c->n_groups;
	v->product = strcmp(role, CTL_ROLE_WEB) != 0;
	v->fallback = strcmp(role, CTL_ROLE_OTHER) == 0;
	v->line = line;
	return v->file ? v : NULL;
}

static int
parse_role(struct ctl_yaml *x, yaml_node_t *n, const char *vf, unsigned j, const char *vendor,
	   unsigned first, struct ctl_config *c)
{
	static const char *const keys[] = {
	    "role",    "domains",    "regexes", "payload_signatures", "server_prefixes",
	    "sources", "confidence", NULL};
	char f[96], role[CTL_NAME_LEN], best = 'Z';
	struct ctl_vendor *v;
	yaml_node_t *r;
	int rc;

	ctl_yaml_fieldf(f, sizeof(f), "%s.roles[%u]", vf, j);
	if ((rc = ctl_yaml_want(x, n, YAML_MAPPING_NODE, f)) || (rc = ctl_yaml_keys(x, n, f, keys)))
		return rc;
	if ((r = ctl_yaml_get(x, n, "role")) == NULL)
		return ctl_yaml_err(x, n, f, "missing role");
	ctl_yaml_fieldf(f, sizeof(f), "%s.roles[%u].role", vf, j);
	if ((rc = parse_ident(x, r, f, role)))
		return rc;
	if (strcmp(role, CTL_ROLE_OTHER) == 0)
		return ctl_yaml_err(x, r, f,
				    "'other' is the vendor's own level: give its names "
				    "at %s",
				    vf);
	for (unsigned k = first; k < c->n_vendors; k++)
		if (strcmp(c->vendors[k].role, role) == 0)
			return ctl_yaml_err(x, r, f, "'%s' is given twice", role);
	ctl_yaml_fieldf(f, sizeof(f), "%s.roles[%u]", vf, j);
	if ((v = add_unit(x, c, vendor, role, f, ctl_yaml_line(n))) == NULL)
		return x->err[0] ? -EINVAL : -ENOMEM;
	if ((rc = parse_patterns(x, n, f, v)))
		return rc;
	if ((r = ctl_yaml_get(x, n, "sources")) != NULL &&
	    (rc = ctl_config_parse_sources(x, r, f, &best)))
		return rc;
	if ((rc = ctl_config_parse_confidence(x, n, f, best, v)))
		return rc;
	if (!has_patterns(v))
		return ctl_yaml_err(x, n, f,
				    "role '%s' has no domains, regexes, "
				    "payload_signatures or server_prefixes",
				    role);
	return 0;
}

/* One vendor: its own level (role other) and its roles, appended to
 * c->vendors. */
static int
parse_vendor(struct ctl_yaml *x, yaml_node_t *n, unsigned idx, struct ctl_config *c)
{
	static const char *const keys[] = {
	    "name", "domains", "regexes", "payload_signatures", "server_prefixes",
	    "asns", "roles",   "sources", "confidence",		NULL};
	char f[64], vf[32], name[CTL_NAME_LEN], best = 'Z';
	struct ctl_vendor *own;
	unsigned first = c->n_vendors;
	yaml_node_t *cn, *roles;
	int rc;

	ctl_yaml_fieldf(vf, sizeof(vf), "vendors[%u]", idx);
	if ((rc = ctl_yaml_want(x, n, YAML_MAPPING_NODE, vf)) ||
	    (rc = ctl_yaml_keys(x, n, vf, keys)))
		return rc;
	cn = ctl_yaml_get(x, n, "name");
	ctl_yaml_fieldf(f, sizeof(f), "%s.name", vf);
	if (cn == NULL)
		return ctl_yaml_err(x, n, f, "missing");
	if ((rc = parse_ident(x, cn, f, name)))
		return rc;
	for (unsigned k = 0; k < first; k++)
		if (strcmp(c->vendors[k].name, name) == 0)
			return ctl_yaml_err(x, cn, f, "'%s' is defined twice", name);
	if ((cn = ctl_yaml_get(x, n, "sources")) != NULL &&
	    (rc = ctl_config_parse_sources(x, cn, vf, &best)))
		return rc;
	/* The vendor's own level first, as role other, kept when it gives
	 * anything. */
	if ((own = add_unit(x, c, name, CTL_ROLE_OTHER, vf, ctl_yaml_line(n))) == NULL)
		return x->err[0] ? -EINVAL : -ENOMEM;
	if ((rc = parse_patterns(x, n, vf, own)) ||
	    (rc = ctl_config_parse_confidence(x, n, vf, best, own)))
		return rc;
	if (!has_patterns(own)) {
		ctl_config_vendor_free(own);
		c->n_vendors--;
	}
	if ((roles = ctl_yaml_get(x, n, "roles")) != NULL) {
		ctl_yaml_fieldf(f, sizeof(f), "%s.roles", vf);
		if ((rc = ctl_yaml_want(x, roles, YAML_SEQUENCE_NODE, f)))
			return rc;
		for (yaml_node_item_t *it = roles->data.sequence.items.start;
		     rc == 0 && it < roles->data.sequence.items.top; it++)
			rc = parse_role(x, ctl_yaml_node(x, *it), vf,
					(unsigned)(it - roles->data.sequence.items.start), name,
					first, c);
		if (rc)
			return rc;
	}
	if (c->n_vendors == first)
		return ctl_yaml_err(x, n, vf,
				    "vendor '%s' has no domains, regexes, payload_signatures, "
				    "server_prefixes or roles",
				    name);
	own = &c->vendors[first];
	if ((rc = parse_asns(x, n, vf, c, own)))
		return rc;
	c->n_groups++;
	return 0;
}

/* An entry of vendors: a vendor, or {include: FILE} naming a file that
 * holds one (a catalogue such as config/vendors/kaspersky.yaml); errors in
 * it name that file.  Beside include, server_prefixes adds the operator's
 * own verified servers to the vendor's own level (role other), asns the
 * vendor's autonomous systems. */
static int
parse_entry(struct ctl_yaml *x, yaml_node_t *n, unsigned idx, struct ctl_config *c)
{
	static const char *const keys[] = {"include", "server_prefixes", "asns", NULL};
	char f[32], path[PATH_MAX];
	struct ctl_yaml y = {.path = path, .err = x->err, .err_len = x->err_len};
	struct ctl_vendor local = {0}, *own = NULL;
	unsigned first = c->n_vendors;
	yaml_document_t doc;
	yaml_node_t *inc, *root;
	int rc;

	if (n->type != YAML_MAPPING_NODE || (inc = ctl_yaml_get(x, n, "include")) == NULL)
		return parse_vendor(x, n, idx, c);
	ctl_yaml_fieldf(f, sizeof(f), "vendors[%u]", idx);
	if ((rc = ctl_yaml_keys(x, n, f, keys)) || (rc = parse_patterns(x, n, f, &local)))
		goto out;
	ctl_yaml_fieldf(f, sizeof(f), "vendors[%u].include", idx);
	if ((rc = ctl_yaml_path(x, inc, f, path)))
		goto out;
	if ((rc = ctl_yaml_load(&y, &doc, &root))) {
		if (rc != -EINVAL) /* unreadable: say where it was named */
			ctl_yaml_err(x, inc, f, "%s: %s", path, strerror(-rc));
		rc = -EINVAL;
		goto out;
	}
	rc = parse_vendor(&y, root, idx, c);
	yaml_document_delete(&doc);
	ctl_yaml_fieldf(f, sizeof(f), "vendors[%u]", idx);
	if (rc == 0) /* the operator's own ASes, beside the catalogue's */
		rc = parse_asns(x, n, f, c, &c->vendors[first]);
	if (rc || local.n_servers == 0)
		goto out;
	/* The vendor's own level is its first entry when it has one. */
	if (c->vendors[first].fallback) {
		own = &c->vendors[first];
	} else {
		struct ctl_vendor *v;

		ctl_yaml_fieldf(f, sizeof(f), "vendors[%u]", idx);
		v = add_unit(x, c, c->vendors[first].name, CTL_ROLE_OTHER, f, ctl_yaml_line(n));
		if (v == NULL) {
			rc = x->err[0] ? -EINVAL : -ENOMEM;
			goto out;
		}
		v->group = c->vendors[first].group; /* parse_vendor has counted the group */
		/* Keep the vendor's entries adjacent, its own level first. */
		struct ctl_vendor t = *v;

		memmove(&c->vendors[first + 1], &c->vendors[first],
			(c->n_vendors - 1 - first) * sizeof(*v));
		c->vendors[first] = t;
		own = &c->vendors[first];
	}
	{
		struct dp_prefix *grown =
		    realloc(own->servers, (own->n_servers + local.n_servers) * sizeof(*grown));

		if (grown == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		memcpy(grown + own->n_servers, local.servers, local.n_servers * sizeof(*grown));
		own->servers = grown;
		own->n_servers += local.n_servers;
	}
out:
	ctl_config_vendor_free(&local);
	return rc;
}

int
ctl_config_parse_vendors(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c)
{
	unsigned count = (unsigned)(n->data.sequence.items.top - n->data.sequence.items.start);
	int rc;

	if (count == 0)
		return ctl_yaml_err(x, n, "vendors", "give between 1 and %d vendors",
				    DP_MAX_VENDORS);
	for (unsigned i = 0; i < count; i++)
		if ((rc = parse_entry(x, ctl_yaml_node(x, n->data.sequence.items.start[i]), i, c)))
			return rc;
	return 0;
}

int
ctl_config_vendors_reloadable(const struct ctl_config *running, const struct ctl_config *c,
			      char *err, size_t err_len)
{
	if (c->n_vendors != running->n_vendors) {
		snprintf(err, err_len,
			 "%s: vendors: %u vendor roles listed, %u running; vendors "
			 "and roles are added or removed only by a restart",
			 c->path, c->n_vendors, running->n_vendors);
		return -EINVAL;
	}
	for (unsigned v = 0; v < c->n_vendors; v++) {
		const struct ctl_vendor *a = &c->vendors[v], *b = &running->vendors[v];

		if (strcmp(a->name, b->name) != 0 || strcmp(a->role, b->role) != 0) {
			snprintf(err, err_len,
				 "%s:%d: %s: vendor '%s' role '%s' where '%s' role '%s' "
				 "runs; vendors and their roles are added, removed, "
				 "renamed or reordered only by a restart (their names "
				 "and patterns change by a reload)",
				 a->file, a->line, a->field, a->name, a->role, b->name, b->role);
			return -EINVAL;
		}
	}
	return 0;
}

void
ctl_vendor_key(const struct ctl_vendor *v, char *out, size_t cap)
{
	if (v->fallback)
		snprintf(out, cap, "%s", v->name);
	else
		snprintf(out, cap, "%s/%s", v->name, v->role);
}

void
ctl_config_client_union(const struct ctl_config *c, uint16_t *also)
{
	for (unsigned k = 0; k < ctl_config_client_keys(c); k++)
		also[k] = k < c->n_vendors && c->vendors[k].product
			      ? (uint16_t)ctl_config_product_key(c, c->vendors[k].group)
			      : UINT16_MAX;
}

const char *
ctl_config_group_name(const struct ctl_config *c, unsigned group)
{
	for (unsigned v = 0; v < c->n_vendors; v++)
		if (c->vendors[v].group == group)
			return c->vendors[v].name;
	return "?";
}

void
ctl_config_key_name(const struct ctl_config *c, unsigned k, char *out, size_t cap)
{
	if (k < c->n_vendors)
		ctl_vendor_key(&c->vendors[k], out, cap);
	else
		snprintf(out, cap, "%s/+product", ctl_config_group_name(c, k - c->n_vendors));
}
