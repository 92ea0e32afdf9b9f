/* SPDX-License-Identifier: BSD-3-Clause */
/* The vendors: section of the configuration (see ctl_config.h). */
#include <errno.h>
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

static int
parse_vendor(struct ctl_yaml *x, yaml_node_t *n, unsigned idx, struct ctl_vendor *v)
{
	static const char *const keys[] = {"name", "domains", "regexes", "payload_signatures",
					   "server_prefixes", NULL};
	char f[128];
	yaml_node_t *c;
	int rc;

	ctl_yaml_fieldf(f, sizeof(f), "vendors[%u]", idx);
	if ((rc = ctl_yaml_want(x, n, YAML_MAPPING_NODE, f)) || (rc = ctl_yaml_keys(x, n, f, keys)))
		return rc;
	v->line = ctl_yaml_line(n);
	c = ctl_yaml_get(x, n, "name");
	ctl_yaml_fieldf(f, sizeof(f), "vendors[%u].name", idx);
	if (c == NULL)
		return ctl_yaml_err(x, n, f, "missing");
	if ((rc = ctl_yaml_str(x, c, f, v->name, sizeof(v->name))))
		return rc;
	for (const char *s = v->name; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return ctl_yaml_err(x, c, f, "'%s': use lower-case letters, digits, '-' and '_'",
				       v->name);
	if ((c = ctl_yaml_get(x, n, "domains")) != NULL) {
		ctl_yaml_fieldf(f, sizeof(f), "vendors[%u].domains", idx);
		if ((rc = ctl_yaml_str_list(x, c, f, &v->domains, NULL, &v->n_domains)))
			return rc;
		for (unsigned i = 0; i < v->n_domains; i++)
			if (!valid_domain(v->domains[i])) {
				ctl_yaml_fieldf(f, sizeof(f), "vendors[%u].domains[%u]", idx, i);
				return ctl_yaml_err(x, ctl_yaml_node(x, c->data.sequence.items.start[i]), f,
					       "'%s' is not a domain name of two or more labels",
					       v->domains[i]);
			}
	}
	if ((c = ctl_yaml_get(x, n, "payload_signatures")) != NULL) {
		ctl_yaml_fieldf(f, sizeof(f), "vendors[%u].payload_signatures", idx);
		if ((rc = ctl_yaml_str_list(x, c, f, &v->payloads, &v->payload_lines, &v->n_payloads)))
			return rc;
	}
	if ((c = ctl_yaml_get(x, n, "regexes")) != NULL) {
		ctl_yaml_fieldf(f, sizeof(f), "vendors[%u].regexes", idx);
		if ((rc = ctl_yaml_str_list(x, c, f, &v->regexes, &v->regex_lines, &v->n_regexes)))
			return rc;
	}
	if ((c = ctl_yaml_get(x, n, "server_prefixes")) != NULL) {
		char **texts = NULL;
		unsigned nt = 0;

		ctl_yaml_fieldf(f, sizeof(f), "vendors[%u].server_prefixes", idx);
		rc = ctl_yaml_str_list(x, c, f, &texts, NULL, &nt);
		if (rc == 0 && nt > 0) {
			v->servers = calloc(nt, sizeof(*v->servers));
			rc = v->servers ? 0 : -ENOMEM;
		}
		for (unsigned i = 0; rc == 0 && i < nt; i++) {
			const char *why;

			if (dp_prefix_parse(texts[i], &v->servers[i], &why)) {
				ctl_yaml_fieldf(f, sizeof(f), "vendors[%u].server_prefixes[%u]", idx, i);
				rc = ctl_yaml_err(x, ctl_yaml_node(x, c->data.sequence.items.start[i]), f,
					     "'%s': %s", texts[i], why);
			}
			v->n_servers = i + 1;
		}
		for (unsigned i = 0; texts && texts[i]; i++)
			free(texts[i]);
		free(texts);
		if (rc)
			return rc;
	}
	if (v->n_domains == 0 && v->n_regexes == 0 && v->n_servers == 0 && v->n_payloads == 0)
		return ctl_yaml_err(x, n, f,
			       "vendor '%s' has no domains, regexes, payload_signatures or "
			       "server_prefixes",
			       v->name);
	return 0;
}

int
ctl_config_parse_vendors(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c)
{
	int rc;

	c->n_vendors = (unsigned)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (c->n_vendors == 0 || c->n_vendors > DP_MAX_VENDORS)
		return ctl_yaml_err(x, n, "vendors", "give between 1 and %d vendors",
				    DP_MAX_VENDORS);
	c->vendors = calloc(c->n_vendors, sizeof(*c->vendors));
	if (c->vendors == NULL)
		return -ENOMEM;
	for (unsigned i = 0; i < c->n_vendors; i++) {
		yaml_node_t *vn = ctl_yaml_node(x, n->data.sequence.items.start[i]);

		if ((rc = parse_vendor(x, vn, i, &c->vendors[i])))
			return rc;
		for (unsigned j = 0; j < i; j++)
			if (strcmp(c->vendors[j].name, c->vendors[i].name) == 0) {
				char f[64];

				ctl_yaml_fieldf(f, sizeof(f), "vendors[%u].name", i);
				return ctl_yaml_err(x, vn, f, "'%s' is defined twice",
						    c->vendors[i].name);
			}
	}
	return 0;
}

int
ctl_config_vendors_reloadable(const struct ctl_config *running, const struct ctl_config *c,
			      char *err, size_t err_len)
{
	if (c->n_vendors != running->n_vendors) {
		snprintf(err, err_len, "%s: vendors: %u listed, %u running; vendors are added or "
				       "removed only by a restart",
			 c->path, c->n_vendors, running->n_vendors);
		return -EINVAL;
	}
	for (unsigned v = 0; v < c->n_vendors; v++)
		if (strcmp(c->vendors[v].name, running->vendors[v].name) != 0) {
			snprintf(err, err_len, "%s:%d: vendors[%u].name: '%s' where '%s' runs; "
					       "vendors are renamed or reordered only by a restart",
				 c->path, c->vendors[v].line, v, c->vendors[v].name,
				 running->vendors[v].name);
			return -EINVAL;
		}
	return 0;
}
