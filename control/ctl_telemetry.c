/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_telemetry.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_telemetry.h>

#include "ctl_counters.h"
#include "ctl_publish.h"

/* An empty dict to nest: DPDK's nested containers are allocated by the
 * caller and handed over (keep = 0: freed with the parent). */
static struct rte_tel_data *
new_dict(void)
{
	struct rte_tel_data *d = rte_tel_data_alloc();

	if (d != NULL)
		rte_tel_data_start_dict(d);
	return d;
}

/* One value of a family of the counter table (ctl_counters.h). */
static void
tel_value(void *arg, const struct ctl_ctr_desc *d, const char *value, uint64_t v)
{
	char key[64];

	rte_tel_data_add_dict_u64(arg, ctl_ctr_key(d->key, value, key, sizeof(key)), v);
}

static int
cmd_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct ctl_api_table *t;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	t = ctl_publish_acquire()->api;
	if (t != NULL) {
		for (unsigned i = 0; i < ctl_ctr_table_len; i++)
			ctl_ctr_each(&ctl_ctr_table[i], &t->total, tel_value, d);
		rte_tel_data_add_dict_u64(d, "flows_active", t->flows_active);
		rte_tel_data_add_dict_u64(d, "organisations_configured", t->configured);
		rte_tel_data_add_dict_u64(d, "organisations_with_sessions", t->n);
		rte_tel_data_add_dict_u64(d, "reloads_ok", t->reloads_ok);
		rte_tel_data_add_dict_u64(d, "reloads_failed", t->reloads_failed);
		rte_tel_data_add_dict_u64(d, "generated", t->generated);
	}
	ctl_publish_release();
	return 0;
}

static int
cmd_orgs(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct ctl_api_table *t;
	struct rte_tel_data *ids = rte_tel_data_alloc();

	(void)cmd;
	(void)params;
	if (ids == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(d);
	rte_tel_data_start_array(ids, RTE_TEL_STRING_VAL);
	t = ctl_publish_acquire()->api;
	if (t != NULL) {
		rte_tel_data_add_dict_u64(d, "count", t->n);
		for (unsigned i = 0; i < t->n && i < RTE_TEL_MAX_ARRAY_ENTRIES; i++)
			rte_tel_data_add_array_string(ids, t->orgs[i].org.id);
	}
	ctl_publish_release();
	rte_tel_data_add_dict_container(d, "ids", ids, 0);
	return 0;
}

static int
cmd_org(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct ctl_api_table *t;
	const struct ctl_api_org *o;
	int rc = 0;

	(void)cmd;
	if (params == NULL || params[0] == '\0')
		return -EINVAL; /* DPDK answers null: the command needs ,ID */
	t = ctl_publish_acquire()->api;
	o = t != NULL ? ctl_api_find(t, params) : NULL;
	if (o == NULL) {
		rc = -ENOENT;
		goto out;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "id", o->org.id);
	rte_tel_data_add_dict_string(d, "name", o->org.name);
	rte_tel_data_add_dict_string(d, "country", o->org.country);
	rte_tel_data_add_dict_string(d, "sector", o->org.sector);
	rte_tel_data_add_dict_string(d, "government", o->org.government ? "true" : "false");
	for (unsigned vd = 0; vd < t->n_vendors; vd++) {
		const struct ctl_api_vendor *v = &o->v[vd];
		struct rte_tel_data *vt = new_dict();
		char name[64];

		if (vt == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++)
			rte_tel_data_add_dict_u64(
			    vt, ctl_ctr_key("sessions", dp_signal_name(sig), name, sizeof(name)),
			    v->sessions[sig]);
		rte_tel_data_add_dict_string(vt, "role", t->roles[vd]);
		rte_tel_data_add_dict_u64(vt, "packets", v->pkts);
		rte_tel_data_add_dict_u64(vt, "bytes", v->bytes);
		for (unsigned w = 0; w < CTL_WIN_COUNT; w++)
			rte_tel_data_add_dict_u64(
			    vt,
			    ctl_ctr_key("unique_clients", ctl_window_names[w], name, sizeof(name)),
			    v->clients[w]);
		rte_tel_data_add_dict_u64(vt, "last_seen", v->last_seen);
		rte_tel_data_add_dict_container(
		    d, ctl_ctr_key(t->vendors[vd], NULL, name, sizeof(name)), vt, 0);
	}
out:
	ctl_publish_release();
	return rc;
}

int
ctl_telemetry_register(void)
{
	static const struct {
		const char *cmd;
		telemetry_cb fn;
		const char *help;
	} cmds[] = {
	    {"/tapcensus/stats", cmd_stats,
	     "tapcensus dataplane totals: packets received, processed by outcome, dropped by "
	     "reason, flows, reloads. Takes no parameters"},
	    {"/tapcensus/orgs", cmd_orgs,
	     "Ids of the organisations with sessions to a vendor. Takes no parameters"},
	    {"/tapcensus/org", cmd_org,
	     "One organisation's sessions, traffic and unique clients by vendor. Parameter: "
	     "the organisation id"},
	};

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		int rc = rte_telemetry_register_cmd(cmds[i].cmd, cmds[i].fn, cmds[i].help);

		if (rc != 0)
			return rc;
	}
	return 0;
}
