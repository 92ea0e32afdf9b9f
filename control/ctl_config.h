/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_config.h - the YAML configuration (see config/tapcensus.yaml).
 *
 * ctl_config_load() reads the file with libyaml and checks every field.  On
 * error it returns -EINVAL (bad content), -ENOENT/-EACCES (unreadable file)
 * or -ENOMEM, and writes "FILE:LINE: FIELD: reason" into err.  Unknown keys
 * are errors, so a misspelt field is never silently ignored.  Relative paths
 * (organisations) are resolved against the configuration file's directory.
 * The returned config is owned by the caller: ctl_config_free().
 */
#ifndef CTL_CONFIG_H
#define CTL_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl_orgdata.h"
#include "dp_prefix.h"
#include "dp_worker_types.h"

#define CTL_MAX_PORTS 16
#define CTL_MAX_WORKERS 64
#define CTL_MAX_EAL_ARGS 64
#define CTL_MAX_L4_PORTS 64

/* A run of ports the prefilter passes, lo <= hi, both in 1-65535. */
struct ctl_port_range {
	uint16_t lo, hi;
};
#define CTL_NAME_LEN 64
#define CTL_MAX_USERS 32
#define CTL_BCRYPT_LEN 60

/* A basic-auth user: the name and its bcrypt hash ($2a$, $2b$ or $2y$). */
struct ctl_user {
	char name[CTL_NAME_LEN];
	char hash[CTL_BCRYPT_LEN + 1];
};

/* What the dataplane counts under one index: a vendor's role.  A vendor
 * of the configuration becomes one entry per role (vendors[i].roles[j]),
 * and one more, role "other", for the names, patterns and prefixes given
 * at the vendor's level: a name there and in none of its roles is a host
 * the catalogue does not list yet.  Entries of one vendor are adjacent and
 * share group; the most specific pattern wins within a vendor (see
 * ctl_tables.c), so a role's name never also counts as "other". */
#define CTL_ROLE_OTHER "other"
#define CTL_ROLE_WEB "web"
struct ctl_vendor {
	char name[CTL_NAME_LEN]; /* the vendor's */
	char role[CTL_NAME_LEN];
	char field[64]; /* "vendors[I]" or "vendors[I].roles[J]", for messages */
	char *file;	/* the file it was read from (an include, or the configuration) */
	unsigned group; /* the vendor's index among vendors */
	bool product;	/* every role but web: counted as product use */
	bool fallback;	/* role other: loses to any role of the vendor */
	/* What the role's names rest on (tapcensus_vendor_catalogue_info):
	 * "documented" (a source graded A, the vendor's documentation, or B,
	 * an artefact the vendor issued), "reported" (third-party data and
	 * reports only, C and D), "unsourced" (no graded source). */
	char confidence[16];
	char **domains;
	unsigned n_domains;
	char **regexes;
	int *regex_lines; /* line of each regex, for Hyperscan's errors */
	unsigned n_regexes;
	char **payloads; /* raw payload signatures (Hyperscan stream mode) */
	int *payload_lines;
	unsigned n_payloads;
	struct dp_prefix *servers;
	unsigned n_servers;
	/* asns: the vendor's own autonomous systems, kept on one entry of
	 * the vendor (any; they are the whole vendor's).  With a libloc organisation source their
	 * networks are the vendor's (ctl_tables: corroboration, never a signal). */
	uint32_t *asns;
	unsigned n_asns;
	int line;
};

struct ctl_port {
	char name[CTL_NAME_LEN]; /* DPDK device name, e.g. net_pcap0 */
	char args[1024];	 /* devargs after the name */
	uint16_t rx_queues;
	int line;
};

/* census: what this tap pushes to the census database (ctl_census.h). */
struct ctl_census_cfg {
	char tap[CTL_NAME_LEN]; /* this tap's name in every row; "" : no census */
	uint8_t key[16];	/* from key_file: the client hash key all taps share */
	char key_file[PATH_MAX];
	char database[1024]; /* a libpq connection string */
	unsigned interval;   /* seconds between pushes */
};

struct ctl_config {
	char path[PATH_MAX];
	char *eal_args[CTL_MAX_EAL_ARGS];
	unsigned n_eal_args;
	struct ctl_port ports[CTL_MAX_PORTS];
	unsigned n_ports;
	unsigned main_core; /* lcore ids */
	unsigned workers[CTL_MAX_WORKERS];
	unsigned main_cpu; /* the CPU each lcore runs on */
	unsigned worker_cpus[CTL_MAX_WORKERS];
	unsigned n_workers;
	unsigned mbufs; /* mbufs in the pool shared by all queues */
	uint16_t rx_desc;
	char listen_addr[64];
	uint16_t listen_port;
	unsigned max_orgs;   /* organisations exported one by one; 0: all */
	int64_t alert_after; /* metrics.alert_after (Unix s, UTC midnight); 0: unset */
	/* web: (exporter-toolkit's web configuration keys) */
	char tls_cert[PATH_MAX];	      /* tls_server_config.cert_file; empty: plain HTTP */
	char tls_key[PATH_MAX];		      /* tls_server_config.key_file */
	struct ctl_user users[CTL_MAX_USERS]; /* basic_auth_users */
	unsigned n_users;
	struct ctl_orgdata_cfg orgdata; /* organisations: its sources */
	char orgs_path[PATH_MAX];	/* the first source's file */
	unsigned client_capacity;	/* distinct (org, vendor, client) kept */
	unsigned client_v6_prefix;	/* IPv6 clients counted by this prefix */
	char state_dir[PATH_MAX];	/* the state file's directory; empty: none */
	unsigned state_interval;	/* seconds between snapshots */
	unsigned reload_max_org_loss;	/* percent of listed organisations a reload may drop */
	struct dp_worker_cfg worker;	/* flows: and learned: */
	struct ctl_census_cfg census;
	struct ctl_port_range tcp_ports[CTL_MAX_L4_PORTS]; /* prefilter: ports or ranges */
	unsigned n_tcp_ports;
	struct ctl_port_range udp_ports[CTL_MAX_L4_PORTS];
	unsigned n_udp_ports;
	char pf_program[PATH_MAX];  /* prefilter.program: the AF_XDP build's object */
	struct ctl_vendor *vendors; /* one per (vendor, role), vendor by vendor */
	unsigned n_vendors;
	unsigned n_groups; /* vendors as configured */
};

/* Client keys (ctl_clients): one per vendor role, then one per vendor for
 * its product use - the union of its roles but web. */
static inline unsigned
ctl_config_client_keys(const struct ctl_config *c)
{
	return c->n_vendors + c->n_groups;
}

static inline unsigned
ctl_config_product_key(const struct ctl_config *c, unsigned group)
{
	return c->n_vendors + group;
}

/* Fills also[ctl_config_client_keys(c)] for ctl_clients_union: each
 * product role's clients also count under its vendor's product key. */
void ctl_config_client_union(const struct ctl_config *c, uint16_t *also);

/* The key a vendor role is known by in the state file: the vendor's name
 * for role other (as before roles existed), "NAME/ROLE" for the others. */
void ctl_vendor_key(const struct ctl_vendor *v, char *out, size_t cap);

/* The name of the vendor whose roles have group group ("?" for none). */
const char *ctl_config_group_name(const struct ctl_config *c, unsigned group);

/* The state file's name of client key k (ctl_config_client_keys): a vendor
 * role's ctl_vendor_key, or "NAME/+product". */
void ctl_config_key_name(const struct ctl_config *c, unsigned k, char *out, size_t cap);

int ctl_config_load(const char *path, struct ctl_config **out, char *err, size_t err_len);

/* Whether a reload from running to c may go ahead: 0, or -EINVAL with
 * "FILE: FIELD: ..." in err naming the first field that needs a restart.
 * The schema (ctl_config.c) lists, section by section, the fields that
 * need one; every other field is applied by a reload. */
int ctl_config_reloadable(const struct ctl_config *running, const struct ctl_config *c, char *err,
			  size_t err_len);
void ctl_config_free(struct ctl_config *c);

#endif
