/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_config_sections.h - between the schema (ctl_config.c) and the
 * sections it keeps in files of their own (ctl_config_dpdk.c,
 * ctl_config_vendors.c, ctl_config_sources.c, ctl_config_orgs.c, ctl_config_web.c,
 * ctl_config_census.c).  Not for other modules: they read struct
 * ctl_config.
 */
#ifndef CTL_CONFIG_SECTIONS_H
#define CTL_CONFIG_SECTIONS_H

#include <stddef.h>

#include "ctl_config.h"
#include "ctl_yaml.h"

/* dpdk: EAL arguments, ports, the main lcore and the worker lcores. */
int ctl_config_parse_dpdk(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c);

/* organisations: one CSV file, or {sources, on_error, max_age_days}. */
int ctl_config_parse_organisations(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c);

/* vendors: a list of vendors (or includes of one), each with its names,
 * patterns and prefixes, at its own level (role other) and by role. */
int ctl_config_parse_vendors(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c);

/* web: the listener's TLS certificate and key, basic-auth users. */
int ctl_config_parse_web(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c);

/* metrics: the listener's address and port, the exported organisations. */
int ctl_config_parse_metrics(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c);

/* persistence: the state file's directory and interval. */
int ctl_config_parse_persistence(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c);

/* census: the tap's name, the client-hash key file, the database. */
int ctl_config_parse_census(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c);

/* report: the census report's event markers (checked, not kept). */
int ctl_config_parse_report(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c);

/* sources: of the role at field path fp (ctl_config_sources.c): each
 * {document, url, read, grade}, grade A-D (E refused); *best is the best
 * grade, 'Z' for none. */
int ctl_config_parse_sources(struct ctl_yaml *x, yaml_node_t *n, const char *fp, char *best);

/* confidence: of n (a role or vendor) into v->confidence, derived from
 * best (documented: A or B; reported: C or D) unless stated, and never
 * stated above what the sources hold. */
int ctl_config_parse_confidence(struct ctl_yaml *x, yaml_node_t *n, const char *fp, char best,
				struct ctl_vendor *v);

/* Frees what one entry of vendors holds (not the entry itself). */
void ctl_config_vendor_free(struct ctl_vendor *v);

/* What a reload may not change in vendors: their roles' number, names and
 * order (counters and learned addresses are indexed by vendor role); the
 * names and patterns of each role change by a reload. */
int ctl_config_vendors_reloadable(const struct ctl_config *running, const struct ctl_config *c,
				  char *err, size_t err_len);

#endif
