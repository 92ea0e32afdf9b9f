/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_api.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_counters.h"

static int
by_id(const void *a, const void *b)
{
	return strcmp(((const struct ctl_api_org *)a)->org.id,
		      ((const struct ctl_api_org *)b)->org.id);
}

struct ctl_api_table *
ctl_api_build(const struct ctl_view *v)
{
	const struct ctl_snapshot *s = v->snap;
	struct ctl_api_table *t = calloc(1, sizeof(*t));
	unsigned n = v->n_active;

	if (t == NULL)
		return NULL;
	t->generated = v->now;
	t->configured = v->orgs_listed;
	t->n_vendors = s->n_vendors;
	t->total = s->total;
	t->flows_active = v->flows_active;
	t->reloads_ok = v->reload.ok;
	t->reloads_failed = v->reload.failed;
	t->vendors = calloc(s->n_vendors, sizeof(*t->vendors));
	t->roles = calloc(s->n_vendors, sizeof(*t->roles));
	t->orgs = calloc(n ? n : 1, sizeof(*t->orgs));
	t->stats = calloc((size_t)(n ? n : 1) * s->n_vendors, sizeof(*t->stats));
	if (t->vendors == NULL || t->roles == NULL || t->orgs == NULL || t->stats == NULL) {
		ctl_api_free(t);
		return NULL;
	}
	for (unsigned vd = 0; vd < s->n_vendors; vd++) {
		ctl_vendor_key(&v->cfg->vendors[vd], t->vendors[vd], sizeof(t->vendors[vd]));
		snprintf(t->roles[vd], sizeof(t->roles[vd]), "%s", v->cfg->vendors[vd].role);
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t o = v->active[i];
		struct ctl_api_org *ao = &t->orgs[t->n];

		ao->org = v->orgs->orgs[o];
		ao->v = &t->stats[(size_t)t->n++ * s->n_vendors];
		for (unsigned vd = 0; vd < s->n_vendors; vd++) {
			struct ctl_api_vendor *av = &ao->v[vd];
			struct ctl_view_vendor vv;

			ctl_view_vendor(v, o, vd, &vv);
			for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++) {
				av->sessions[sig] = vv.ctr[sig].sessions;
				av->name_only += vv.ctr[sig].name_only;
			}
			av->pkts = vv.pkts;
			av->bytes = vv.bytes;
			av->last_seen = vv.last_seen;
			memcpy(av->clients, vv.clients, sizeof(av->clients));
		}
	}
	/* Sorted by id for ctl_api_find; each keeps its pointer to its rows. */
	qsort(t->orgs, t->n, sizeof(*t->orgs), by_id);
	return t;
}

void
ctl_api_free(struct ctl_api_table *t)
{
	if (t == NULL)
		return;
	free(t->vendors);
	free(t->roles);
	free(t->orgs);
	free(t->stats);
	free(t);
}

const struct ctl_api_org *
ctl_api_find(const struct ctl_api_table *t, const char *id)
{
	struct ctl_api_org key;

	snprintf(key.org.id, sizeof(key.org.id), "%s", id);
	return bsearch(&key, t->orgs, t->n, sizeof(*t->orgs), by_id);
}

/* RFC 8259 section 7: quote, backslash and control characters escaped;
 * other bytes (UTF-8 included) as they are. */
static void
json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int
ctl_api_json_org(FILE *f, const struct ctl_api_table *t, const struct ctl_api_org *o)
{
	fputs("{\"id\":", f);
	json_string(f, o->org.id);
	fputs(",\"name\":", f);
	json_string(f, o->org.name);
	fputs(",\"country\":", f);
	json_string(f, o->org.country);
	fputs(",\"sector\":", f);
	json_string(f, o->org.sector);
	fprintf(f, ",\"government\":%s,\"vendors\":{", o->org.government ? "true" : "false");
	for (unsigned vd = 0; vd < t->n_vendors; vd++) {
		const struct ctl_api_vendor *v = &o->v[vd];

		if (vd)
			fputc(',', f);
		json_string(f, t->vendors[vd]);
		fputs(":{\"role\":", f);
		json_string(f, t->roles[vd]);
		fputs(",\"sessions\":{", f);
		for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++)
			fprintf(f, "%s\"%s\":%" PRIu64, sig ? "," : "", dp_signal_name(sig),
				v->sessions[sig]);
		fprintf(f,
			"},\"name_only_sessions\":%" PRIu64 ",\"packets\":%" PRIu64
			",\"bytes\":%" PRIu64 ",\"unique_clients\":{",
			v->name_only, v->pkts, v->bytes);
		for (unsigned w = 0; w < CTL_WIN_COUNT; w++)
			fprintf(f, "%s\"%s\":%" PRIu64, w ? "," : "", ctl_window_names[w],
				v->clients[w]);
		fprintf(f, "},\"last_seen\":%" PRIu64 "}", v->last_seen);
	}
	fputs("}}", f);
	return ferror(f) ? -EIO : 0;
}

/* One value of a family of the counter table (ctl_counters.h), with its
 * comma (flows_active comes last). */
static void
json_value(void *arg, const struct ctl_ctr_desc *d, const char *value, uint64_t v)
{
	char key[64];

	fprintf(arg, "\"%s\":%" PRIu64 ",", ctl_ctr_key(d->key, value, key, sizeof(key)), v);
}

int
ctl_api_json_dataplane(FILE *f, const struct ctl_api_table *t)
{
	fprintf(f, "{\"generated\":%" PRIu64 ",", t->generated);
	for (unsigned i = 0; i < ctl_ctr_table_len; i++)
		ctl_ctr_each(&ctl_ctr_table[i], &t->total, json_value, f);
	fprintf(f, "\"flows_active\":%" PRIu64 "}\n", t->flows_active);
	return ferror(f) ? -EIO : 0;
}

int
ctl_api_json_orgs(FILE *f, const struct ctl_api_table *t)
{
	fprintf(f, "{\"generated\":%" PRIu64 ",\"organisations_configured\":%u,\"vendors\":[",
		t->generated, t->configured);
	for (unsigned vd = 0; vd < t->n_vendors; vd++) {
		if (vd)
			fputc(',', f);
		json_string(f, t->vendors[vd]);
	}
	fputs("],\"organisations\":[", f);
	for (unsigned i = 0; i < t->n; i++) {
		if (i)
			fputc(',', f);
		ctl_api_json_org(f, t, &t->orgs[i]);
	}
	fputs("]}\n", f);
	return ferror(f) ? -EIO : 0;
}
