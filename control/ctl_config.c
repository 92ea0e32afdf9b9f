/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_config.h>

#include "ctl_config_sections.h"
#include "ctl_file.h"
#include "ctl_orgs.h"
#include "dp_learned.h"
#include "dp_types.h"

/* flows: a worker's flow table, reassembly and payload streams. */
static int
parse_flows(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c)
{
	struct dp_worker_cfg *w = &c->worker;
	int rc;

	if ((rc = ctl_yaml_opt_uint(x, n, "capacity", "flows.capacity", DP_FLOW_MIN_CAPACITY,
				    DP_FLOW_MAX_CAPACITY, &w->flow.capacity)) ||
	    (rc = ctl_yaml_opt_uint(x, n, "idle_timeout", "flows.idle_timeout", 1, 86400,
				    &w->flow.idle_timeout)) ||
	    (rc = ctl_yaml_opt_uint(x, n, "hard_timeout", "flows.hard_timeout", 1, 7 * 86400,
				    &w->flow.hard_timeout)) ||
	    (rc = ctl_yaml_opt_uint(x, n, "reassembly_bytes", "flows.reassembly_bytes", 512,
				    1u << 20, &w->reasm_bytes)) ||
	    (rc = ctl_yaml_opt_uint(x, n, "reassembly_buffers", "flows.reassembly_buffers", 1,
				    1u << 22, &w->reasm_buffers)) ||
	    (rc = ctl_yaml_opt_uint(x, n, "stream_bytes", "flows.stream_bytes", 1, 1u << 20,
				    &w->stream_bytes)) ||
	    (rc = ctl_yaml_opt_uint(x, n, "partial_timeout", "flows.partial_timeout", 1, 3600,
				    &w->partial_timeout)))
		return rc;
	if (w->flow.hard_timeout < w->flow.idle_timeout) {
		yaml_node_t *h = ctl_yaml_get(x, n, "hard_timeout");

		return ctl_yaml_err(x, h ? h : n, "flows.hard_timeout",
				    "shorter than flows.idle_timeout (%u s)", w->flow.idle_timeout);
	}
	return 0;
}

/* learned: the table of server addresses learned from DNS answers. */
static int
parse_learned(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c)
{
	struct dp_worker_cfg *w = &c->worker;
	int rc;

	if ((rc = ctl_yaml_opt_uint(x, n, "capacity", "learned.capacity", DP_LEARNED_PROBE,
				    1u << 26, &w->learned_capacity)) ||
	    (rc = ctl_yaml_opt_uint(x, n, "max_ttl", "learned.max_ttl", 1, 7 * 86400,
				    &w->learned_max_ttl)) ||
	    (rc = ctl_yaml_opt_uint(x, n, "min_ttl", "learned.min_ttl", 0, 3600,
				    &w->learned_min_ttl)))
		return rc;
	if (!rte_is_power_of_2(w->learned_capacity))
		return ctl_yaml_err(x, ctl_yaml_get(x, n, "capacity"), "learned.capacity",
				    "%u is not a power of two", w->learned_capacity);
	return 0;
}

/* prefilter: what the XDP program passes, and which program. */
static int
parse_prefilter(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c)
{
	yaml_node_t *v;
	int rc;

	if ((v = ctl_yaml_get(x, n, "tcp_ports")) &&
	    (rc = ctl_yaml_port_list(x, v, "prefilter.tcp_ports", c->tcp_ports, CTL_MAX_L4_PORTS,
				     &c->n_tcp_ports)))
		return rc;
	if ((v = ctl_yaml_get(x, n, "udp_ports")) &&
	    (rc = ctl_yaml_port_list(x, v, "prefilter.udp_ports", c->udp_ports, CTL_MAX_L4_PORTS,
				     &c->n_udp_ports)))
		return rc;
	if ((v = ctl_yaml_get(x, n, "program")) != NULL) {
		if ((rc = ctl_yaml_path(x, v, "prefilter.program", c->pf_program)))
			return rc;
		if (access(c->pf_program, R_OK) != 0)
			return ctl_yaml_err(x, v, "prefilter.program", "%s: %s", c->pf_program,
					    strerror(errno));
	}
	return 0;
}

/* clients: the unique-client table. */
static int
parse_clients(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c)
{
	int rc;

	if ((rc = ctl_yaml_opt_uint(x, n, "capacity", "clients.capacity", 1024, 1u << 30,
				    &c->client_capacity)))
		return rc;
	if ((rc = ctl_yaml_opt_uint(x, n, "ipv6_prefix", "clients.ipv6_prefix", 1, 128,
				    &c->client_v6_prefix)))
		return rc;
	return ctl_yaml_opt_bool(x, n, "evidence", "clients.evidence", &c->worker.client_evidence);
}

/* reload: what a reload may do without being forced. */
static int
parse_reload(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c)
{
	return ctl_yaml_opt_uint(x, n, "max_org_loss_percent", "reload.max_org_loss_percent", 0,
				 100, &c->reload_max_org_loss);
}

/* The worker's same_vendor and address_role (dp_worker_types.h): a
 * vendor's roles are adjacent, its own level (the fallback) first when it
 * has one. */
static void
address_roles(struct ctl_config *c)
{
	for (unsigned v = 0; v < c->n_vendors; v++) {
		uint64_t mask = 0;
		int role = -1;

		for (unsigned u = 0; u < c->n_vendors; u++) {
			if (c->vendors[u].group != c->vendors[v].group)
				continue;
			mask |= 1ull << u;
			if (role < 0 || (c->vendors[u].fallback && !c->vendors[role].fallback))
				role = (int)u;
		}
		c->worker.same_vendor[v] = mask;
		c->worker.address_role[v] = (uint8_t)role;
	}
}

/* ---- The schema ---- */

/* A field a reload cannot change: compared as the bytes of one member of
 * struct ctl_config (arrays are zeroed past their end), or by same(). */
struct restart_field {
	const char *field;
	size_t off, size;
	bool (*same)(const struct ctl_config *a, const struct ctl_config *b);
};

#define MEMBER(f, ...)                                                                             \
	{                                                                                          \
		f, offsetof(struct ctl_config, __VA_ARGS__),                                       \
		    sizeof(((struct ctl_config *)0)->__VA_ARGS__), NULL                            \
	}
#define MEMBERS(f, first, last)                                                                    \
	{                                                                                          \
		f, offsetof(struct ctl_config, first),                                             \
		    offsetof(struct ctl_config, last) - offsetof(struct ctl_config, first) +       \
			sizeof(((struct ctl_config *)0)->last),                                    \
		    NULL                                                                           \
	}

static bool
same_eal_args(const struct ctl_config *a, const struct ctl_config *b)
{
	if (a->n_eal_args != b->n_eal_args)
		return false;
	for (unsigned i = 0; i < a->n_eal_args; i++)
		if (strcmp(a->eal_args[i], b->eal_args[i]) != 0)
			return false;
	return true;
}

/* Ports by what DPDK is given (their lines may move). */
static bool
same_ports(const struct ctl_config *a, const struct ctl_config *b)
{
	if (a->n_ports != b->n_ports)
		return false;
	for (unsigned i = 0; i < a->n_ports; i++)
		if (strcmp(a->ports[i].name, b->ports[i].name) != 0 ||
		    strcmp(a->ports[i].args, b->ports[i].args) != 0 ||
		    a->ports[i].rx_queues != b->ports[i].rx_queues)
			return false;
	return true;
}

static bool
same_main_core(const struct ctl_config *a, const struct ctl_config *b)
{
	return a->main_core == b->main_core && a->main_cpu == b->main_cpu;
}

/* A section: its keys, how it is read, whether it must be there, and which
 * of its fields a reload cannot change.  Every field not listed there is
 * applied by a reload (ctl_reload builds the new tables from the whole new
 * configuration): organisations, vendors' patterns and prefixes,
 * metrics.max_orgs, persistence.interval, web.basic_auth_users,
 * reload.max_org_loss_percent. */
struct section {
	const char *name;
	yaml_node_type_t type;
	bool required;
	const char *const *keys; /* for a mapping */
	int (*parse)(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c);
	struct restart_field restart[8];
	int (*reloadable)(const struct ctl_config *running, const struct ctl_config *c, char *err,
			  size_t err_len);
};

static const struct section sections[] = {
    {"dpdk",
     YAML_MAPPING_NODE,
     true,
     (const char *const[]){"eal_args", "ports", "main_core", "workers", "mbufs", "rx_descriptors",
			   NULL},
     ctl_config_parse_dpdk,
     {{"dpdk.eal_args", 0, 0, same_eal_args},
      {"dpdk.ports", 0, 0, same_ports},
      {"dpdk.main_core", 0, 0, same_main_core},
      MEMBERS("dpdk.workers", workers, n_workers),
      MEMBER("dpdk.mbufs", mbufs),
      MEMBER("dpdk.rx_descriptors", rx_desc)},
     NULL},
    {"metrics",
     YAML_MAPPING_NODE,
     false,
     (const char *const[]){"listen", "port", "max_orgs", "alert_after", NULL},
     ctl_config_parse_metrics,
     {MEMBER("metrics.listen", listen_addr), MEMBER("metrics.port", listen_port)},
     NULL},
    {"web",
     YAML_MAPPING_NODE,
     false,
     (const char *const[]){"tls_server_config", "basic_auth_users", NULL},
     ctl_config_parse_web,
     {MEMBERS("web.tls_server_config", tls_cert, tls_key)},
     NULL},
    {"organisations", YAML_NO_NODE, true, NULL, ctl_config_parse_organisations, {{0}}, NULL},
    {"prefilter",
     YAML_MAPPING_NODE,
     false,
     (const char *const[]){"tcp_ports", "udp_ports", "program", NULL},
     parse_prefilter,
     {MEMBERS("prefilter", tcp_ports, pf_program)},
     NULL},
    {"clients",
     YAML_MAPPING_NODE,
     false,
     (const char *const[]){"capacity", "ipv6_prefix", "evidence", NULL},
     parse_clients,
     {MEMBER("clients.capacity", client_capacity), MEMBER("clients.ipv6_prefix", client_v6_prefix),
      MEMBER("clients.evidence", worker.client_evidence)},
     NULL},
    {"reload",
     YAML_MAPPING_NODE,
     false,
     (const char *const[]){"max_org_loss_percent", NULL},
     parse_reload,
     {{0}},
     NULL},
    {"persistence",
     YAML_MAPPING_NODE,
     false,
     (const char *const[]){"dir", "interval", NULL},
     ctl_config_parse_persistence,
     {MEMBER("persistence.dir", state_dir)},
     NULL},
    {"census",
     YAML_MAPPING_NODE,
     false,
     (const char *const[]){"tap", "key_file", "database", "interval", NULL},
     ctl_config_parse_census,
     {MEMBER("census", census)},
     NULL},
    {"report",
     YAML_MAPPING_NODE,
     false,
     (const char *const[]){"events", NULL},
     ctl_config_parse_report,
     {{0}},
     NULL},
    {"flows",
     YAML_MAPPING_NODE,
     false,
     (const char *const[]){"capacity", "idle_timeout", "hard_timeout", "reassembly_bytes",
			   "reassembly_buffers", "stream_bytes", "partial_timeout", NULL},
     parse_flows,
     {MEMBERS("flows", worker.flow, worker.stream_bytes)},
     NULL},
    {"learned",
     YAML_MAPPING_NODE,
     false,
     (const char *const[]){"capacity", "max_ttl", "min_ttl", NULL},
     parse_learned,
     {MEMBERS("learned", worker.learned_capacity, worker.learned_min_ttl)},
     NULL},
    {"vendors",
     YAML_SEQUENCE_NODE,
     true,
     NULL,
     ctl_config_parse_vendors,
     {{0}},
     ctl_config_vendors_reloadable},
};

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

static int
parse_root(struct ctl_yaml *x, yaml_node_t *root, struct ctl_config *c)
{
	const char *names[N_SECTIONS + 1];
	int rc;

	for (size_t i = 0; i < N_SECTIONS; i++)
		names[i] = sections[i].name;
	names[N_SECTIONS] = NULL;
	if ((rc = ctl_yaml_want(x, root, YAML_MAPPING_NODE, "(top level)")) ||
	    (rc = ctl_yaml_keys(x, root, "(top level)", names)))
		return rc;
	for (size_t i = 0; i < N_SECTIONS; i++) {
		const struct section *sec = &sections[i];
		yaml_node_t *n = ctl_yaml_get(x, root, sec->name);

		if (n == NULL && sec->required)
			return ctl_yaml_err(x, root, sec->name, "missing");
		if (n == NULL)
			continue; /* an absent section keeps its defaults */
		/* YAML_NO_NODE: a section of more than one form checks its own. */
		if ((sec->type != YAML_NO_NODE &&
		     (rc = ctl_yaml_want(x, n, sec->type, sec->name))) ||
		    (sec->keys && (rc = ctl_yaml_keys(x, n, sec->name, sec->keys))) ||
		    (rc = sec->parse(x, n, c)))
			return rc;
	}
	return 0;
}

int
ctl_config_reloadable(const struct ctl_config *running, const struct ctl_config *c, char *err,
		      size_t err_len)
{
	for (size_t i = 0; i < N_SECTIONS; i++) {
		const struct section *sec = &sections[i];

		for (const struct restart_field *f = sec->restart; f->field != NULL; f++) {
			bool same = f->same ? f->same(running, c)
					    : memcmp((const char *)running + f->off,
						     (const char *)c + f->off, f->size) == 0;

			if (!same) {
				snprintf(err, err_len,
					 "%s: %s: differs from the running configuration; a reload "
					 "cannot change it (restart to apply)",
					 c->path, f->field);
				return -EINVAL;
			}
		}
		if (sec->reloadable != NULL) {
			int rc = sec->reloadable(running, c, err, err_len);

			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* The AF_XDP build of the prefilter: installed beside the daemon
 * (PF_XSK_FROM_BINDIR, relative to the executable's directory) when the
 * daemon runs from its installation, else the build tree's. */
static void
default_prefilter(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		if ((size_t)snprintf(out, len, "%s/%s", dirname(exe), PF_XSK_FROM_BINDIR) < len &&
		    access(out, R_OK) == 0)
			return;
	}
	snprintf(out, len, "%s", PF_XSK_BUILD_OBJECT);
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
	c->reload_max_org_loss = 10;
	c->worker.flow.capacity = 1u << 18;
	c->worker.flow.idle_timeout = 120;
	c->worker.flow.hard_timeout = 3600;
	c->worker.reasm_bytes = 16384;
	c->worker.reasm_buffers = 4096;
	c->worker.partial_timeout = 10;
	c->worker.stream_bytes = 4096;
	c->worker.learned_capacity = 1u << 16;
	c->worker.learned_max_ttl = 86400;
	c->worker.learned_min_ttl = 30;
	c->worker.client_evidence = true;
	c->tcp_ports[c->n_tcp_ports++] = (struct ctl_port_range){80, 80};
	c->tcp_ports[c->n_tcp_ports++] = (struct ctl_port_range){443, 443};
	c->udp_ports[c->n_udp_ports++] = (struct ctl_port_range){53, 53};
	c->udp_ports[c->n_udp_ports++] = (struct ctl_port_range){443, 443};
	default_prefilter(c->pf_program, sizeof(c->pf_program));
}

int
ctl_config_load(const char *path, struct ctl_config **out, char *err, size_t err_len)
{
	struct ctl_yaml x = {path, NULL, err, err_len};
	yaml_document_t doc;
	yaml_node_t *root;
	struct ctl_config *c;
	int rc;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	snprintf(c->path, sizeof(c->path), "%s", path);
	set_defaults(c);
	rc = ctl_yaml_load(&x, &doc, &root);
	if (rc)
		goto err_free;
	rc = parse_root(&x, root, c);
	yaml_document_delete(&doc);
	if (rc)
		goto err_free;
	address_roles(c);
	*out = c;
	return 0;

err_free:
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
ctl_config_vendor_free(struct ctl_vendor *v)
{
	free_strs(v->domains, v->n_domains);
	free_strs(v->regexes, v->n_regexes);
	free(v->regex_lines);
	free_strs(v->payloads, v->n_payloads);
	free(v->payload_lines);
	free(v->servers);
	free(v->asns);
	free(v->file);
}

void
ctl_config_free(struct ctl_config *c)
{
	if (c == NULL)
		return;
	for (unsigned i = 0; i < c->n_eal_args; i++)
		free(c->eal_args[i]);
	for (unsigned i = 0; c->vendors && i < c->n_vendors; i++)
		ctl_config_vendor_free(&c->vendors[i]);
	free(c->vendors);
	free(c);
}
