/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_config.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_config.h>
#include <yaml.h>

#include "ctl_orgs.h"
#include "dp_types.h"

struct cfg_ctx {
	const char *path;
	yaml_document_t *doc;
	char *err;
	size_t err_len;
};

static int
cfg_err(struct cfg_ctx *x, const yaml_node_t *n, const char *field, const char *fmt, ...)
{
	va_list ap;
	int o;

	o = snprintf(x->err, x->err_len, "%s:%zu: %s: ", x->path,
		     n ? n->start_mark.line + 1 : (size_t)1, field);
	if (o < 0 || (size_t)o >= x->err_len)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(x->err + o, x->err_len - (size_t)o, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int
line_of(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static yaml_node_t *
node(struct cfg_ctx *x, int id)
{
	return yaml_document_get_node(x->doc, id);
}

static int
want_type(struct cfg_ctx *x, yaml_node_t *n, yaml_node_type_t t, const char *field)
{
	static const char *const names[] = {"nothing", "a scalar", "a list", "a mapping"};

	if (n->type == t)
		return 0;
	return cfg_err(x, n, field, "expected %s", names[t]);
}

/* Every key of map must be in allowed (NULL terminated). */
static int
check_keys(struct cfg_ctx *x, yaml_node_t *map, const char *field, const char *const *allowed)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(x, p->key);
		bool ok = false;

		if (k->type != YAML_SCALAR_NODE)
			return cfg_err(x, k, field, "keys must be plain words");
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp((const char *)k->data.scalar.value, *a) == 0;
		if (!ok)
			return cfg_err(x, k, field, "unknown field '%s'", k->data.scalar.value);
	}
	return 0;
}

static yaml_node_t *
map_get(struct cfg_ctx *x, yaml_node_t *map, const char *key)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(x, p->key);

		if (k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0)
			return node(x, p->value);
	}
	return NULL;
}

/* An optional mapping under key: *out is NULL when absent; its keys must be
 * among allowed. */
static int
section(struct cfg_ctx *x, yaml_node_t *parent, const char *key, const char *const *allowed,
	yaml_node_t **out)
{
	int rc;

	*out = map_get(x, parent, key);
	if (*out == NULL)
		return 0;
	if ((rc = want_type(x, *out, YAML_MAPPING_NODE, key)))
		return rc;
	return check_keys(x, *out, key, allowed);
}

static int
get_str(struct cfg_ctx *x, yaml_node_t *n, const char *field, char *out, size_t cap)
{
	int rc = want_type(x, n, YAML_SCALAR_NODE, field);

	if (rc)
		return rc;
	if (n->data.scalar.length == 0)
		return cfg_err(x, n, field, "must not be empty");
	if (n->data.scalar.length >= cap)
		return cfg_err(x, n, field, "longer than %zu characters", cap - 1);
	memcpy(out, n->data.scalar.value, n->data.scalar.length + 1);
	return 0;
}

static int
get_uint(struct cfg_ctx *x, yaml_node_t *n, const char *field, unsigned long min,
	 unsigned long max, unsigned long *out)
{
	const char *s;
	char *end;
	int rc = want_type(x, n, YAML_SCALAR_NODE, field);

	if (rc)
		return rc;
	s = (const char *)n->data.scalar.value;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno)
		return cfg_err(x, n, field, "'%s' is not a whole number", s);
	if (*out < min || *out > max)
		return cfg_err(x, n, field, "%lu is out of range [%lu, %lu]", *out, min, max);
	return 0;
}

/* A path, relative ones taken from the configuration file's directory;
 * out has PATH_MAX bytes. */
static int
get_path(struct cfg_ctx *x, yaml_node_t *n, const char *field, char *out)
{
	char rel[PATH_MAX], dir[PATH_MAX];
	int rc = get_str(x, n, field, rel, sizeof(rel));

	if (rc)
		return rc;
	snprintf(dir, sizeof(dir), "%s", x->path);
	if (rel[0] == '/')
		snprintf(out, PATH_MAX, "%s", rel);
	else if ((size_t)snprintf(out, PATH_MAX, "%s/%s", dirname(dir), rel) >= PATH_MAX)
		return cfg_err(x, n, field, "path too long");
	return 0;
}

/* An lcore as "N" (lcore N on CPU N) or DPDK's "N@C" (lcore N on CPU C),
 * so that more lcores than CPUs can be given where a machine is small. */
static int
get_lcore(struct cfg_ctx *x, yaml_node_t *n, const char *field, unsigned *lcore, unsigned *cpu)
{
	const char *s;
	char *end;
	unsigned long l, c;
	int rc = want_type(x, n, YAML_SCALAR_NODE, field);

	if (rc)
		return rc;
	s = (const char *)n->data.scalar.value;
	errno = 0;
	l = strtoul(s, &end, 10);
	c = l;
	if (s[0] >= '0' && s[0] <= '9' && *end == '@' && end[1] >= '0' && end[1] <= '9')
		c = strtoul(end + 1, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno)
		return cfg_err(x, n, field, "'%s' is neither LCORE nor LCORE@CPU", s);
	if (l >= RTE_MAX_LCORE || c > 1023)
		return cfg_err(x, n, field, "'%s': lcore must be below %d, CPU at most 1023", s,
			       RTE_MAX_LCORE);
	*lcore = (unsigned)l;
	*cpu = (unsigned)c;
	return 0;
}

static int
fieldf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return 0;
}

/* Copy a list of strings; *out is malloc'd, each string strdup'd. */
static int
get_str_list(struct cfg_ctx *x, yaml_node_t *n, const char *field, char ***out, int **lines,
	     unsigned *count)
{
	unsigned i = 0, len;
	int rc = want_type(x, n, YAML_SEQUENCE_NODE, field);

	if (rc)
		return rc;
	len = (unsigned)(n->data.sequence.items.top - n->data.sequence.items.start);
	*out = calloc(len + 1, sizeof(char *));
	if (lines)
		*lines = calloc(len + 1, sizeof(int));
	if (*out == NULL || (lines && *lines == NULL))
		return -ENOMEM;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, i++) {
		yaml_node_t *v = node(x, *it);
		char f[128];

		fieldf(f, sizeof(f), "%s[%u]", field, i);
		rc = want_type(x, v, YAML_SCALAR_NODE, f);
		if (rc)
			return rc;
		if (v->data.scalar.length == 0)
			return cfg_err(x, v, f, "must not be empty");
		(*out)[i] = strdup((const char *)v->data.scalar.value);
		if ((*out)[i] == NULL)
			return -ENOMEM;
		if (lines)
			(*lines)[i] = line_of(v);
		*count = i + 1;
	}
	return 0;
}

static int
get_port_list(struct cfg_ctx *x, yaml_node_t *n, const char *field, uint16_t *out,
	      unsigned *count)
{
	unsigned i = 0;
	int rc = want_type(x, n, YAML_SEQUENCE_NODE, field);

	if (rc)
		return rc;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, i++) {
		unsigned long v;
		char f[128];

		fieldf(f, sizeof(f), "%s[%u]", field, i);
		if (i == CTL_MAX_L4_PORTS)
			return cfg_err(x, node(x, *it), f, "more than %d ports", CTL_MAX_L4_PORTS);
		rc = get_uint(x, node(x, *it), f, 1, 65535, &v);
		if (rc)
			return rc;
		out[i] = (uint16_t)v;
	}
	*count = i;
	return 0;
}

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
parse_vendor(struct cfg_ctx *x, yaml_node_t *n, unsigned idx, struct ctl_vendor *v)
{
	static const char *const keys[] = {"name", "domains", "regexes", "payload_signatures",
					   "server_prefixes", NULL};
	char f[128];
	yaml_node_t *c;
	int rc;

	fieldf(f, sizeof(f), "vendors[%u]", idx);
	if ((rc = want_type(x, n, YAML_MAPPING_NODE, f)) || (rc = check_keys(x, n, f, keys)))
		return rc;
	v->line = line_of(n);
	c = map_get(x, n, "name");
	fieldf(f, sizeof(f), "vendors[%u].name", idx);
	if (c == NULL)
		return cfg_err(x, n, f, "missing");
	if ((rc = get_str(x, c, f, v->name, sizeof(v->name))))
		return rc;
	for (const char *s = v->name; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return cfg_err(x, c, f, "'%s': use lower-case letters, digits, '-' and '_'",
				       v->name);
	if ((c = map_get(x, n, "domains")) != NULL) {
		fieldf(f, sizeof(f), "vendors[%u].domains", idx);
		if ((rc = get_str_list(x, c, f, &v->domains, NULL, &v->n_domains)))
			return rc;
		for (unsigned i = 0; i < v->n_domains; i++)
			if (!valid_domain(v->domains[i])) {
				fieldf(f, sizeof(f), "vendors[%u].domains[%u]", idx, i);
				return cfg_err(x, node(x, c->data.sequence.items.start[i]), f,
					       "'%s' is not a domain name of two or more labels",
					       v->domains[i]);
			}
	}
	if ((c = map_get(x, n, "payload_signatures")) != NULL) {
		fieldf(f, sizeof(f), "vendors[%u].payload_signatures", idx);
		if ((rc = get_str_list(x, c, f, &v->payloads, &v->payload_lines, &v->n_payloads)))
			return rc;
	}
	if ((c = map_get(x, n, "regexes")) != NULL) {
		fieldf(f, sizeof(f), "vendors[%u].regexes", idx);
		if ((rc = get_str_list(x, c, f, &v->regexes, &v->regex_lines, &v->n_regexes)))
			return rc;
	}
	if ((c = map_get(x, n, "server_prefixes")) != NULL) {
		char **texts = NULL;
		unsigned nt = 0;

		fieldf(f, sizeof(f), "vendors[%u].server_prefixes", idx);
		rc = get_str_list(x, c, f, &texts, NULL, &nt);
		if (rc == 0 && nt > 0) {
			v->servers = calloc(nt, sizeof(*v->servers));
			rc = v->servers ? 0 : -ENOMEM;
		}
		for (unsigned i = 0; rc == 0 && i < nt; i++) {
			const char *why;

			if (dp_prefix_parse(texts[i], &v->servers[i], &why)) {
				fieldf(f, sizeof(f), "vendors[%u].server_prefixes[%u]", idx, i);
				rc = cfg_err(x, node(x, c->data.sequence.items.start[i]), f,
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
		return cfg_err(x, n, f,
			       "vendor '%s' has no domains, regexes, payload_signatures or "
			       "server_prefixes",
			       v->name);
	return 0;
}

static int
parse_ports(struct cfg_ctx *x, yaml_node_t *n, struct ctl_config *c)
{
	static const char *const keys[] = {"name", "args", "rx_queues", NULL};
	unsigned i = 0;
	int rc = want_type(x, n, YAML_SEQUENCE_NODE, "dpdk.ports");

	if (rc)
		return rc;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, i++) {
		yaml_node_t *p = node(x, *it), *v;
		struct ctl_port *port = &c->ports[i];
		unsigned long q = 1;
		char f[128];

		fieldf(f, sizeof(f), "dpdk.ports[%u]", i);
		if (i == CTL_MAX_PORTS)
			return cfg_err(x, p, f, "more than %d ports", CTL_MAX_PORTS);
		if ((rc = want_type(x, p, YAML_MAPPING_NODE, f)) || (rc = check_keys(x, p, f, keys)))
			return rc;
		port->line = line_of(p);
		fieldf(f, sizeof(f), "dpdk.ports[%u].name", i);
		if ((v = map_get(x, p, "name")) == NULL)
			return cfg_err(x, p, f, "missing");
		if ((rc = get_str(x, v, f, port->name, sizeof(port->name))))
			return rc;
		if ((v = map_get(x, p, "args")) != NULL) {
			fieldf(f, sizeof(f), "dpdk.ports[%u].args", i);
			if ((rc = get_str(x, v, f, port->args, sizeof(port->args))))
				return rc;
		}
		if ((v = map_get(x, p, "rx_queues")) != NULL) {
			fieldf(f, sizeof(f), "dpdk.ports[%u].rx_queues", i);
			if ((rc = get_uint(x, v, f, 1, CTL_MAX_WORKERS, &q)))
				return rc;
		}
		port->rx_queues = (uint16_t)q;
		c->n_ports = i + 1;
	}
	return 0;
}

static int
parse_dpdk(struct cfg_ctx *x, yaml_node_t *n, struct ctl_config *c)
{
	static const char *const keys[] = {"eal_args", "ports", "main_core", "workers",
					   "mbufs", "rx_descriptors", NULL};
	yaml_node_t *v;
	unsigned long u;
	unsigned queues = 0;
	int rc;

	if ((rc = want_type(x, n, YAML_MAPPING_NODE, "dpdk")) ||
	    (rc = check_keys(x, n, "dpdk", keys)))
		return rc;
	if ((v = map_get(x, n, "eal_args")) != NULL) {
		char **args = NULL;
		unsigned na = 0;

		rc = get_str_list(x, v, "dpdk.eal_args", &args, NULL, &na);
		if (rc == 0 && na > CTL_MAX_EAL_ARGS)
			rc = cfg_err(x, v, "dpdk.eal_args", "more than %d arguments",
				     CTL_MAX_EAL_ARGS);
		for (unsigned i = 0; args && args[i]; i++) {
			if (rc == 0 && (strcmp(args[i], "-l") == 0 || strcmp(args[i], "-c") == 0 ||
					strcmp(args[i], "--lcores") == 0 ||
					strcmp(args[i], "--main-lcore") == 0))
				rc = cfg_err(x, v, "dpdk.eal_args",
					     "'%s': cores come from dpdk.main_core and dpdk.workers",
					     args[i]);
			if (rc == 0)
				c->eal_args[c->n_eal_args++] = args[i];
			else
				free(args[i]);
		}
		free(args);
		if (rc)
			return rc;
	}
	if ((v = map_get(x, n, "ports")) == NULL)
		return cfg_err(x, n, "dpdk.ports", "missing");
	if ((rc = parse_ports(x, v, c)))
		return rc;
	if ((v = map_get(x, n, "main_core")) != NULL) {
		if ((rc = get_lcore(x, v, "dpdk.main_core", &c->main_core, &c->main_cpu)))
			return rc;
	}
	if ((v = map_get(x, n, "workers")) == NULL)
		return cfg_err(x, n, "dpdk.workers", "missing");
	if ((rc = want_type(x, v, YAML_SEQUENCE_NODE, "dpdk.workers")))
		return rc;
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		char f[64];

		fieldf(f, sizeof(f), "dpdk.workers[%u]", c->n_workers);
		if (c->n_workers == CTL_MAX_WORKERS)
			return cfg_err(x, node(x, *it), f, "more than %d workers", CTL_MAX_WORKERS);
		unsigned lc, cpu;

		if ((rc = get_lcore(x, node(x, *it), f, &lc, &cpu)))
			return rc;
		if (lc == c->main_core)
			return cfg_err(x, node(x, *it), f, "lcore %u is the main lcore", lc);
		for (unsigned j = 0; j < c->n_workers; j++)
			if (c->workers[j] == lc)
				return cfg_err(x, node(x, *it), f, "lcore %u listed twice", lc);
		c->worker_cpus[c->n_workers] = cpu;
		c->workers[c->n_workers++] = lc;
	}
	for (unsigned i = 0; i < c->n_ports; i++)
		queues += c->ports[i].rx_queues;
	if (queues != c->n_workers)
		return cfg_err(x, v, "dpdk.workers",
			       "%u workers for %u RX queues: give one worker core per queue",
			       c->n_workers, queues);
	if ((v = map_get(x, n, "mbufs")) != NULL) {
		if ((rc = get_uint(x, v, "dpdk.mbufs", 1023, 1u << 24, &u)))
			return rc;
		c->mbufs = (unsigned)u;
	}
	if ((v = map_get(x, n, "rx_descriptors")) != NULL) {
		if ((rc = get_uint(x, v, "dpdk.rx_descriptors", 64, 16384, &u)))
			return rc;
		c->rx_desc = (uint16_t)u;
	}
	return 0;
}

/* An optional unsigned field of a section, within [min, max]. */
static int
opt_uint(struct cfg_ctx *x, yaml_node_t *sec, const char *key, const char *field,
	 unsigned long min, unsigned long max, uint32_t *out)
{
	yaml_node_t *v = sec ? map_get(x, sec, key) : NULL;
	unsigned long u;
	int rc;

	if (v == NULL)
		return 0;
	if ((rc = get_uint(x, v, field, min, max, &u)))
		return rc;
	*out = (uint32_t)u;
	return 0;
}

/* flows: and learned: - the worker's tables (sizes per worker). */
static int
parse_flows(struct cfg_ctx *x, yaml_node_t *root, struct ctl_config *c)
{
	static const char *const fkeys[] = {"capacity",         "idle_timeout",
					    "hard_timeout",     "reassembly_bytes",
					    "reassembly_buffers", "stream_bytes", NULL};
	static const char *const lkeys[] = {"capacity", "max_ttl", NULL};
	struct dp_worker_cfg *w = &c->worker;
	yaml_node_t *n;
	int rc;

	if ((rc = section(x, root, "flows", fkeys, &n)) ||
	    (rc = opt_uint(x, n, "capacity", "flows.capacity", DP_FLOW_MIN_CAPACITY,
			   DP_FLOW_MAX_CAPACITY, &w->flow.capacity)) ||
	    (rc = opt_uint(x, n, "idle_timeout", "flows.idle_timeout", 1, 86400,
			   &w->flow.idle_timeout)) ||
	    (rc = opt_uint(x, n, "hard_timeout", "flows.hard_timeout", 1, 7 * 86400,
			   &w->flow.hard_timeout)) ||
	    (rc = opt_uint(x, n, "reassembly_bytes", "flows.reassembly_bytes", 512, 1u << 20,
			   &w->reasm_bytes)) ||
	    (rc = opt_uint(x, n, "reassembly_buffers", "flows.reassembly_buffers", 1, 1u << 22,
			   &w->reasm_buffers)) ||
	    (rc = opt_uint(x, n, "stream_bytes", "flows.stream_bytes", 1, 1u << 20,
			   &w->stream_bytes)))
		return rc;
	if (w->flow.hard_timeout < w->flow.idle_timeout)
		return cfg_err(x, map_get(x, n, "hard_timeout") ? map_get(x, n, "hard_timeout") : n,
			       "flows.hard_timeout", "shorter than flows.idle_timeout (%u s)",
			       w->flow.idle_timeout);
	if ((rc = section(x, root, "learned", lkeys, &n)) ||
	    (rc = opt_uint(x, n, "capacity", "learned.capacity", DP_LEARNED_PROBE, 1u << 26,
			   &w->learned_capacity)) ||
	    (rc = opt_uint(x, n, "max_ttl", "learned.max_ttl", 1, 7 * 86400,
			   &w->learned_max_ttl)))
		return rc;
	if (!rte_is_power_of_2(w->learned_capacity))
		return cfg_err(x, map_get(x, n, "capacity"), "learned.capacity",
			       "%u is not a power of two", w->learned_capacity);
	return 0;
}

/* A bcrypt hash as crypt(3) writes it: $2a$, $2b$ or $2y$, a two-digit
 * cost from 04 to 31, and 53 characters of its base-64 alphabet. */
static bool
valid_bcrypt(const char *h)
{
	if (strlen(h) != CTL_BCRYPT_LEN || h[0] != '$' || h[1] != '2' ||
	    strchr("aby", h[2]) == NULL || h[3] != '$' || !isdigit((unsigned char)h[4]) ||
	    !isdigit((unsigned char)h[5]) || h[6] != '$')
		return false;
	if ((h[4] - '0') * 10 + (h[5] - '0') < 4 || (h[4] - '0') * 10 + (h[5] - '0') > 31)
		return false;
	for (const char *p = h + 7; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '/')
			return false;
	return true;
}

/* web: the listener's TLS and basic-auth users, with the keys of the
 * Prometheus exporter-toolkit web configuration. */
static int
parse_web(struct cfg_ctx *x, yaml_node_t *root, struct ctl_config *c)
{
	static const char *const wkeys[] = {"tls_server_config", "basic_auth_users", NULL};
	static const char *const tkeys[] = {"cert_file", "key_file", NULL};
	yaml_node_t *n, *t, *v, *u;
	int rc;

	if ((rc = section(x, root, "web", wkeys, &n)) || n == NULL)
		return rc;
	if ((rc = section(x, n, "tls_server_config", tkeys, &t)))
		return rc;
	if (t != NULL) {
		static const char *const f[2] = {"web.tls_server_config.cert_file",
						 "web.tls_server_config.key_file"};
		char *out[2] = {c->tls_cert, c->tls_key};

		for (int i = 0; i < 2; i++) {
			if ((v = map_get(x, t, tkeys[i])) == NULL)
				return cfg_err(x, t, f[i], "missing");
			if ((rc = get_path(x, v, f[i], out[i])))
				return rc;
			if (access(out[i], R_OK) != 0)
				return cfg_err(x, v, f[i], "%s: %s", out[i], strerror(errno));
		}
	}
	if ((u = map_get(x, n, "basic_auth_users")) == NULL)
		return 0;
	if ((rc = want_type(x, u, YAML_MAPPING_NODE, "web.basic_auth_users")))
		return rc;
	for (yaml_node_pair_t *p = u->data.mapping.pairs.start; p < u->data.mapping.pairs.top; p++) {
		struct ctl_user *cu = &c->users[c->n_users];
		char field[CTL_NAME_LEN + 32];

		if (c->n_users == CTL_MAX_USERS)
			return cfg_err(x, node(x, p->key), "web.basic_auth_users", "more than %d users",
				       CTL_MAX_USERS);
		if ((rc = get_str(x, node(x, p->key), "web.basic_auth_users", cu->name,
				  sizeof(cu->name))))
			return rc;
		if (strchr(cu->name, ':') != NULL)
			return cfg_err(x, node(x, p->key), "web.basic_auth_users",
				       "'%s': a user name cannot hold ':' (RFC 7617)", cu->name);
		fieldf(field, sizeof(field), "web.basic_auth_users.%s", cu->name);
		v = node(x, p->value);
		if ((rc = want_type(x, v, YAML_SCALAR_NODE, field)))
			return rc;
		if (!valid_bcrypt((const char *)v->data.scalar.value))
			return cfg_err(x, v, field, "not a bcrypt hash ($2y$ or $2b$, cost 04-31, "
						    "60 characters; htpasswd -nBC 10 USER makes one)");
		memcpy(cu->hash, v->data.scalar.value, CTL_BCRYPT_LEN + 1);
		for (unsigned i = 0; i < c->n_users; i++)
			if (strcmp(c->users[i].name, cu->name) == 0)
				return cfg_err(x, node(x, p->key), field, "listed twice");
		c->n_users++;
	}
	return 0;
}

static int
parse_root(struct cfg_ctx *x, yaml_node_t *root, struct ctl_config *c)
{
	static const char *const keys[] = {"dpdk",    "metrics", "organisations", "prefilter",
					   "clients", "flows",   "learned",       "vendors",
					   "persistence", "web", NULL};
	static const char *const mkeys[] = {"listen", "port", "max_orgs", NULL};
	static const char *const pkeys[] = {"tcp_ports", "udp_ports", "program", NULL};
	static const char *const ckeys[] = {"capacity", "ipv6_prefix", NULL};
	static const char *const skeys[] = {"dir", "interval", NULL};
	yaml_node_t *n, *v;
	unsigned long u;
	int rc;

	if ((rc = want_type(x, root, YAML_MAPPING_NODE, "(top level)")) ||
	    (rc = check_keys(x, root, "(top level)", keys)))
		return rc;
	if ((n = map_get(x, root, "dpdk")) == NULL)
		return cfg_err(x, root, "dpdk", "missing");
	if ((rc = parse_dpdk(x, n, c)))
		return rc;

	if ((rc = section(x, root, "metrics", mkeys, &n)))
		return rc;
	if (n != NULL) {
		if ((v = map_get(x, n, "listen")) &&
		    (rc = get_str(x, v, "metrics.listen", c->listen_addr, sizeof(c->listen_addr))))
			return rc;
		if ((v = map_get(x, n, "port")) != NULL) {
			if ((rc = get_uint(x, v, "metrics.port", 0, 65535, &u)))
				return rc;
			c->listen_port = (uint16_t)u;
		}
		if ((v = map_get(x, n, "max_orgs")) != NULL) {
			if ((rc = get_uint(x, v, "metrics.max_orgs", 0, CTL_ORGS_MAX, &u)))
				return rc;
			c->max_orgs = (unsigned)u;
		}
	}
	if ((rc = parse_web(x, root, c)))
		return rc;

	if ((n = map_get(x, root, "organisations")) == NULL)
		return cfg_err(x, root, "organisations", "missing");
	if ((rc = get_path(x, n, "organisations", c->orgs_path)))
		return rc;

	if ((rc = section(x, root, "prefilter", pkeys, &n)))
		return rc;
	if (n != NULL) {
		if ((v = map_get(x, n, "tcp_ports")) &&
		    (rc = get_port_list(x, v, "prefilter.tcp_ports", c->tcp_ports, &c->n_tcp_ports)))
			return rc;
		if ((v = map_get(x, n, "udp_ports")) &&
		    (rc = get_port_list(x, v, "prefilter.udp_ports", c->udp_ports, &c->n_udp_ports)))
			return rc;
		if ((v = map_get(x, n, "program")) != NULL) {
			if ((rc = get_path(x, v, "prefilter.program", c->pf_program)))
				return rc;
			if (access(c->pf_program, R_OK) != 0)
				return cfg_err(x, v, "prefilter.program", "%s: %s", c->pf_program,
					       strerror(errno));
		}
	}

	if ((rc = section(x, root, "clients", ckeys, &n)))
		return rc;
	if (n != NULL) {
		if ((v = map_get(x, n, "capacity")) != NULL) {
			if ((rc = get_uint(x, v, "clients.capacity", 1024, 1u << 30, &u)))
				return rc;
			c->client_capacity = (unsigned)u;
		}
		if ((v = map_get(x, n, "ipv6_prefix")) != NULL) {
			if ((rc = get_uint(x, v, "clients.ipv6_prefix", 1, 128, &u)))
				return rc;
			c->client_v6_prefix = (unsigned)u;
		}
	}

	if ((rc = section(x, root, "persistence", skeys, &n)))
		return rc;
	if (n != NULL) {
		if ((v = map_get(x, n, "dir")) != NULL &&
		    (rc = get_path(x, v, "persistence.dir", c->state_dir)))
			return rc;
		if ((v = map_get(x, n, "interval")) != NULL) {
			if ((rc = get_uint(x, v, "persistence.interval", 1, 86400, &u)))
				return rc;
			c->state_interval = (unsigned)u;
		}
	}

	if ((rc = parse_flows(x, root, c)))
		return rc;

	if ((n = map_get(x, root, "vendors")) == NULL)
		return cfg_err(x, root, "vendors", "missing");
	if ((rc = want_type(x, n, YAML_SEQUENCE_NODE, "vendors")))
		return rc;
	c->n_vendors = (unsigned)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (c->n_vendors == 0 || c->n_vendors > DP_MAX_VENDORS)
		return cfg_err(x, n, "vendors", "give between 1 and %d vendors", DP_MAX_VENDORS);
	c->vendors = calloc(c->n_vendors, sizeof(*c->vendors));
	if (c->vendors == NULL)
		return -ENOMEM;
	for (unsigned i = 0; i < c->n_vendors; i++) {
		yaml_node_t *vn = node(x, n->data.sequence.items.start[i]);

		if ((rc = parse_vendor(x, vn, i, &c->vendors[i])))
			return rc;
		for (unsigned j = 0; j < i; j++)
			if (strcmp(c->vendors[j].name, c->vendors[i].name) == 0) {
				char f[64];

				fieldf(f, sizeof(f), "vendors[%u].name", i);
				return cfg_err(x, vn, f, "'%s' is defined twice", c->vendors[i].name);
			}
	}
	return 0;
}

static void
set_defaults(struct ctl_config *c)
{
	c->main_core = 0;
	c->main_cpu = 0;
	c->mbufs = 16383;
	c->rx_desc = 1024;
	snprintf(c->listen_addr, sizeof(c->listen_addr), "127.0.0.1");
	c->listen_port = 9531;
	c->client_capacity = 1u << 20;
	c->client_v6_prefix = 64;
	c->state_interval = 10;
	c->worker.flow.capacity = 1u << 18;
	c->worker.flow.idle_timeout = 120;
	c->worker.flow.hard_timeout = 3600;
	c->worker.reasm_bytes = 16384;
	c->worker.reasm_buffers = 4096;
	c->worker.stream_bytes = 4096;
	c->worker.learned_capacity = 1u << 16;
	c->worker.learned_max_ttl = 86400;
	c->tcp_ports[c->n_tcp_ports++] = 80;
	c->tcp_ports[c->n_tcp_ports++] = 443;
	c->udp_ports[c->n_udp_ports++] = 53;
	c->udp_ports[c->n_udp_ports++] = 443;
#ifdef PF_XSK_OBJECT
	snprintf(c->pf_program, sizeof(c->pf_program), "%s", PF_XSK_OBJECT);
#endif
}

int
ctl_config_load(const char *path, struct ctl_config **out, char *err, size_t err_len)
{
	struct cfg_ctx x = {path, NULL, err, err_len};
	yaml_parser_t parser;
	yaml_document_t doc;
	struct ctl_config *c;
	yaml_node_t *root;
	FILE *f;
	int rc;

	*out = NULL;
	f = fopen(path, "r");
	if (f == NULL) {
		rc = -errno;
		snprintf(err, err_len, "%s: cannot open: %s", path, strerror(errno));
		return rc;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		fclose(f);
		return -ENOMEM;
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	set_defaults(c);
	if (!yaml_parser_initialize(&parser)) {
		rc = -ENOMEM;
		goto err_free;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, err_len, "%s:%zu: (syntax): %s%s%s", path,
			 parser.problem_mark.line + 1, parser.problem ? parser.problem : "bad YAML",
			 parser.context ? " " : "", parser.context ? parser.context : "");
		rc = -EINVAL;
		goto err_parser;
	}
	x.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {
		snprintf(err, err_len, "%s:1: (top level): the file is empty", path);
		rc = -EINVAL;
	} else {
		rc = parse_root(&x, root, c);
	}
	yaml_document_delete(&doc);
	if (rc)
		goto err_parser;
	yaml_parser_delete(&parser);
	fclose(f);
	*out = c;
	return 0;

err_parser:
	yaml_parser_delete(&parser);
err_free:
	fclose(f);
	ctl_config_free(c);
	return rc;
}

static void
free_strs(char **v, unsigned n)
{
	for (unsigned i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void
ctl_config_free(struct ctl_config *c)
{
	if (c == NULL)
		return;
	for (unsigned i = 0; i < c->n_eal_args; i++)
		free(c->eal_args[i]);
	for (unsigned i = 0; c->vendors && i < c->n_vendors; i++) {
		struct ctl_vendor *v = &c->vendors[i];

		free_strs(v->domains, v->n_domains);
		free_strs(v->regexes, v->n_regexes);
		free(v->regex_lines);
		free_strs(v->payloads, v->n_payloads);
		free(v->payload_lines);
		free(v->servers);
	}
	free(c->vendors);
	free(c);
}
