/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_counters.h - the dataplane's counters (struct dp_wstats, summed over
 * the workers by ctl_snapshot) described once, as DPDK's ethdev xstats
 * tables describe theirs: each family's Prometheus name, type and help,
 * its key in DPDK telemetry and the JSON API, and where each of its values
 * sits in struct dp_wstats.  The exposition (ctl_metrics), the telemetry
 * dict (ctl_telemetry), the JSON API (ctl_api) and the summary's packet
 * line (through the view's sums) iterate the table; nobody lists the
 * fields again.
 *
 * A family is a scalar (label NULL: one value at offset), or labelled: an
 * array of count values named by name(i) for i in [first, count), then
 * the elements in more[] (values by hand, e.g. a field kept apart).
 * Invariant: every offset is that of a uint64_t inside struct dp_wstats
 * (the table is static and checked by test_ctl_metrics).
 */
#ifndef CTL_COUNTERS_H
#define CTL_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "dp_worker_types.h"

#define CTL_CTR_MORE 6

struct ctl_ctr_elem {
	const char *value; /* the label's value, and the key's suffix; NULL ends more[] */
	size_t offset;
};

struct ctl_ctr_desc {
	const char *metric; /* the Prometheus family */
	const char *type;   /* "counter" or "gauge" */
	const char *help;
	const char *key;   /* telemetry and JSON: KEY, or KEY_VALUE per element */
	const char *label; /* NULL: a scalar */
	size_t offset;	   /* the scalar, or the array's element 0 */
	const char *(*name)(unsigned i);
	unsigned first, count; /* the array's elements shown: [first, count) */
	struct ctl_ctr_elem more[CTL_CTR_MORE];
};

extern const struct ctl_ctr_desc ctl_ctr_table[];
extern const unsigned ctl_ctr_table_len;

/* The families whose sums the summary and the view need. */
extern const struct ctl_ctr_desc *const ctl_ctr_processed; /* by outcome */
extern const struct ctl_ctr_desc *const ctl_ctr_dropped;   /* by reason */

/* fn(arg, d, value, v) for each value of d in t, in order: value is the
 * label's value (NULL for a scalar). */
typedef void (*ctl_ctr_fn)(void *arg, const struct ctl_ctr_desc *d, const char *value, uint64_t v);
void ctl_ctr_each(const struct ctl_ctr_desc *d, const struct dp_wstats *t, ctl_ctr_fn fn,
		  void *arg);

/* The sum of d's values in t. */
uint64_t ctl_ctr_sum(const struct ctl_ctr_desc *d, const struct dp_wstats *t);

/* key, or key_value (value not NULL), into out (len bytes), with what DPDK
 * telemetry refuses in a key (anything but letters, digits, "_" and "/")
 * made "_" ("tls-sni" becomes "tls_sni"). */
const char *ctl_ctr_key(const char *key, const char *value, char *out, size_t len);

#endif
