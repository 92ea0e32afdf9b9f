/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_clients.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

const char *const ctl_window_names[CTL_WIN_COUNT] = {"1d", "30d", "all"};
const uint32_t ctl_window_secs[CTL_WIN_COUNT] = {86400, 30 * 86400, 0};

#define EVICT_PROBE 64 /* entries looked at for one to replace */
#define LONGEST_WINDOW (30u * 86400u)

struct ctl_clients {
	struct rte_hash *set;
	uint32_t *seen;		/* by the set's key position */
	uint8_t *unverified;	/* by key position: no evidence the address is real yet */
	uint8_t *corro;		/* by key position: a session of it was corroborated */
	uint64_t *counts;	/* [org * n_vendors + vendor]: verified, since the first start */
	uint64_t *counts_corro; /* of those, the corroborated */
	unsigned n_orgs, n_vendors, capacity, v6_prefix;
	uint64_t entries, full, stale, n_unverified;
	uint64_t evicted[CTL_EVICT_COUNT];
	uint32_t cursor; /* where the next search for room starts */
	/* Events of the generation before a reload carry the old index:
	 * prev_map takes it to this set's.  gen 0 takes every event as is. */
	uint16_t gen, prev_gen;
	uint32_t *prev_map;
	unsigned n_prev;
	uint16_t *also; /* [vendor]: a second key it counts under, or NO_ALSO */
};

#define NO_ALSO UINT16_MAX

struct ctl_clients *
ctl_clients_create(unsigned capacity, unsigned n_orgs, unsigned n_vendors, unsigned ipv6_prefix)
{
	static unsigned seq;
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
	    .name = name,
	    .entries = capacity,
	    .key_len = sizeof(struct dp_client_event),
	    .hash_func = rte_hash_crc,
	    .socket_id = SOCKET_ID_ANY,
	    /* Extendable buckets: the set holds capacity entries whatever
	     * their hashes, so room is only ever a question of capacity. */
	    .extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct ctl_clients *c;

	if (ipv6_prefix < 1 || ipv6_prefix > 128) {
		rte_errno = EINVAL;
		return NULL;
	}
	c = rte_zmalloc("ctl_clients", sizeof(*c), 0);
	if (c == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	c->n_orgs = n_orgs;
	c->n_vendors = n_vendors;
	c->capacity = capacity;
	c->v6_prefix = ipv6_prefix;
	c->counts =
	    rte_zmalloc("ctl_client_counts", (size_t)n_orgs * n_vendors * sizeof(*c->counts), 0);
	c->counts_corro = rte_zmalloc("ctl_client_counts_corro",
				      (size_t)n_orgs * n_vendors * sizeof(*c->counts_corro), 0);
	/* Key positions run below the hash's entry count (plus its spare). */
	c->seen = rte_zmalloc("ctl_client_seen", ((size_t)capacity + 64) * sizeof(*c->seen), 0);
	c->unverified = rte_zmalloc("ctl_client_unverified", (size_t)capacity + 64, 0);
	c->corro = rte_zmalloc("ctl_client_corro", (size_t)capacity + 64, 0);
	snprintf(name, sizeof(name), "clients%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	c->set = c->counts && c->counts_corro && c->seen && c->unverified && c->corro
		     ? rte_hash_create(&p)
		     : NULL;
	if (c->set == NULL) {
		ctl_clients_free(c);
		rte_errno = ENOMEM;
		return NULL;
	}
	return c;
}

void
ctl_clients_free(struct ctl_clients *c)
{
	if (c == NULL)
		return;
	rte_hash_free(c->set);
	free(c->prev_map);
	rte_free(c->seen);
	rte_free(c->unverified);
	rte_free(c->corro);
	rte_free(c->counts);
	rte_free(c->counts_corro);
	free(c->also);
	rte_free(c);
}

int
ctl_clients_union(struct ctl_clients *c, const uint16_t *also)
{
	uint16_t *a = malloc(c->n_vendors * sizeof(*a));

	if (a == NULL)
		return -ENOMEM;
	for (unsigned v = 0; v < c->n_vendors; v++) {
		if (also[v] != NO_ALSO && (also[v] >= c->n_vendors || also[also[v]] != NO_ALSO)) {
			free(a);
			return -EINVAL;
		}
		a[v] = also[v];
	}
	free(c->also);
	c->also = a;
	return 0;
}

/* The key a client is counted under: IPv4 whole, IPv6 cut to the prefix. */
static void
client_key(const struct ctl_clients *c, const struct dp_client_event *ev, struct dp_client_event *k)
{
	*k = *ev;
	k->gen = 0;
	k->vendor &= (uint8_t)~DP_CLIENT_UNVERIFIED;
	if (k->family == 4) {
		memset(k->addr + 4, 0, 12);
		return;
	}
	for (unsigned b = 0; b < 16; b++) {
		unsigned keep = c->v6_prefix > b * 8 ? c->v6_prefix - b * 8 : 0;

		if (keep < 8)
			k->addr[b] &= (uint8_t)(0xff00u >> keep);
	}
}

/* Room for a new client, taken from an entry that counts for less: one
 * last seen before the longest window, else - for a verified newcomer, or
 * an unverified one replacing an older of its kind - the oldest unverified
 * among EVICT_PROBE entries from a rolling cursor.  A verified client that
 * is still in a window is never replaced. */
static bool
make_room(struct ctl_clients *c, bool verified, uint32_t now)
{
	int32_t victim = -1, pos;
	const void *key, *vkey = NULL;
	void *data;

	for (unsigned i = 0; i < EVICT_PROBE; i++) {
		if ((pos = rte_hash_iterate(c->set, &key, &data, &c->cursor)) < 0) {
			c->cursor = 0;
			if ((pos = rte_hash_iterate(c->set, &key, &data, &c->cursor)) < 0)
				return false;
		}
		if (c->seen[pos] < now && now - c->seen[pos] >= LONGEST_WINDOW) {
			victim = pos;
			vkey = key;
			break;
		}
		if (c->unverified[pos] && (victim < 0 || c->seen[pos] < c->seen[victim])) {
			victim = pos;
			vkey = key;
		}
	}
	if (victim < 0 ||
	    (!verified && !c->unverified[victim] && now - c->seen[victim] < LONGEST_WINDOW))
		return false;
	c->evicted[c->unverified[victim] ? CTL_EVICT_UNVERIFIED : CTL_EVICT_EXPIRED]++;
	c->n_unverified -= c->unverified[victim];
	c->unverified[victim] = 0;
	c->corro[victim] = 0;
	rte_hash_del_key(c->set, vkey);
	c->entries--;
	return true;
}

/* The entry at pos (verified) gains a corroborated session. */
static void
mark_corro(struct ctl_clients *c, int pos, const struct dp_client_event *key)
{
	if (c->corro[pos])
		return;
	c->corro[pos] = 1;
	if (!c->unverified[pos])
		c->counts_corro[(size_t)key->org * c->n_vendors + key->vendor]++;
}

/* One key: the client under ev's vendor, in this generation; corro: the
 * event is a corroborated session's decision.  *posp (when not NULL) gets
 * the entry's position, or -1. */
static int
add_one(struct ctl_clients *c, const struct dp_client_event *ev, uint32_t now, bool corro,
	int *posp)
{
	bool verified = !(ev->vendor & DP_CLIENT_UNVERIFIED);
	struct dp_client_event key;
	size_t k;
	int pos;

	if (posp != NULL)
		*posp = -1;
	client_key(c, ev, &key);
	k = (size_t)key.org * c->n_vendors + key.vendor;
	if ((pos = rte_hash_lookup(c->set, &key)) >= 0) {
		if (posp != NULL)
			*posp = pos;
		if (c->seen[pos] < now)
			c->seen[pos] = now;
		if (corro)
			mark_corro(c, pos, &key);
		if (!verified || !c->unverified[pos])
			return 0;
		/* The evidence came: it counts from now on. */
		c->unverified[pos] = 0;
		c->n_unverified--;
		c->counts[k]++;
		c->counts_corro[k] += c->corro[pos];
		return 1;
	}
	if ((c->entries >= c->capacity && !make_room(c, verified, now)) ||
	    (pos = rte_hash_add_key(c->set, &key)) < 0) {
		c->full++;
		return -ENOSPC;
	}
	if (posp != NULL)
		*posp = pos;
	c->seen[pos] = now;
	c->unverified[pos] = !verified;
	c->corro[pos] = corro;
	c->entries++;
	if (verified) {
		c->counts[k]++;
		c->counts_corro[k] += corro;
	} else {
		c->n_unverified++;
	}
	return verified;
}

/* ev in this set's generation (*out), or -ESTALE: of a generation older
 * than the one before, or of an organisation a reload removed. */
static int
current_gen(const struct ctl_clients *c, const struct dp_client_event *ev,
	    struct dp_client_event *out)
{
	*out = *ev;
	if (c->gen == 0 || ev->gen == c->gen)
		return 0;
	if (ev->gen != c->prev_gen || ev->org >= c->n_prev || c->prev_map[ev->org] == UINT32_MAX)
		return -ESTALE;
	out->org = c->prev_map[ev->org];
	out->gen = c->gen;
	return 0;
}

/* ev, in this set's generation, counted. */
static int
add_current(struct ctl_clients *c, const struct dp_client_event *ev, uint32_t now, bool corro)
{
	struct dp_client_event key;
	unsigned vendor = ev->vendor & (unsigned)~DP_CLIENT_UNVERIFIED;
	int rc, pos;

	if (ev->org >= c->n_orgs || vendor >= c->n_vendors)
		return -EINVAL;
	rc = add_one(c, ev, now, corro, &pos);
	if (c->also == NULL || c->also[vendor] == NO_ALSO)
		return rc;
	/* The union holds verified clients only: spoofed sources take one
	 * entry each, not two.  It is corroborated once one of its roles is,
	 * whichever came first, the evidence or the corroborated session. */
	key = *ev;
	key.vendor = (uint8_t)c->also[vendor];
	if (!(ev->vendor & DP_CLIENT_UNVERIFIED)) {
		add_one(c, &key, now, pos >= 0 && c->corro[pos], NULL);
	} else if (pos >= 0 && !c->unverified[pos] && c->corro[pos]) {
		struct dp_client_event k;
		int upos;

		client_key(c, &key, &k);
		if ((upos = rte_hash_lookup(c->set, &k)) >= 0)
			mark_corro(c, upos, &k);
	}
	return rc;
}

int
ctl_clients_add(struct ctl_clients *c, const struct dp_client_event *ev, uint32_t now,
		bool corroborated)
{
	struct dp_client_event cur;

	if (current_gen(c, ev, &cur) != 0) {
		c->stale++;
		return -ESTALE;
	}
	return add_current(c, &cur, now, corroborated);
}

unsigned
ctl_clients_add_burst(struct ctl_clients *c, struct dp_client_sighting *s, unsigned n)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < n; i++) {
		struct dp_client_event ev;

		if (current_gen(c, &s[i].ev, &ev) != 0) {
			c->stale++;
			continue;
		}
		s[kept] = s[i];
		s[kept].ev = ev;
		add_current(c, &ev, s[kept].seen, s[kept].decided && !s[kept].name_only);
		kept++;
	}
	return kept;
}

uint64_t
ctl_clients_count(const struct ctl_clients *c, uint32_t org, unsigned vendor)
{
	return c->counts[(size_t)org * c->n_vendors + vendor];
}

int
ctl_clients_iterate(const struct ctl_clients *c,
		    int (*fn)(void *arg, const struct dp_client_event *key, uint32_t seen,
			      bool corroborated),
		    void *arg)
{
	const void *key;
	void *data;
	uint32_t it = 0;
	int32_t pos;
	int rc;

	while ((pos = rte_hash_iterate(c->set, &key, &data, &it)) >= 0) {
		struct dp_client_event k = *(const struct dp_client_event *)key;

		if (c->unverified[pos])
			k.vendor |= DP_CLIENT_UNVERIFIED;
		if ((rc = fn(arg, &k, c->seen[pos], c->corro[pos] != 0)) != 0)
			return rc;
	}
	return 0;
}

struct windows {
	const struct ctl_clients *c;
	uint32_t now;
	uint64_t *out, *unverified, *corro;
};

static int
count_windows(void *arg, const struct dp_client_event *k, uint32_t seen, bool corroborated)
{
	const struct windows *w = arg;
	unsigned vendor = k->vendor & (unsigned)~DP_CLIENT_UNVERIFIED;
	size_t at = ((size_t)k->org * w->c->n_vendors + vendor) * CTL_WIN_COUNT;
	uint64_t *o = k->vendor & DP_CLIENT_UNVERIFIED
			  ? (w->unverified ? w->unverified + (size_t)vendor * CTL_WIN_COUNT : NULL)
			  : w->out + at;
	uint64_t *oc = w->corro != NULL && corroborated && !(k->vendor & DP_CLIENT_UNVERIFIED)
			   ? w->corro + at
			   : NULL;

	for (unsigned i = 0; o != NULL && i < CTL_WIN_COUNT; i++) {
		/* Seen after now (a clock set back) counts as now. */
		bool in =
		    ctl_window_secs[i] == 0 || seen >= w->now || w->now - seen < ctl_window_secs[i];

		o[i] += in;
		if (oc != NULL)
			oc[i] += in;
	}
	return 0;
}

void
ctl_clients_windows(const struct ctl_clients *c, uint32_t now, uint64_t *out, uint64_t *unverified,
		    uint64_t *corroborated)
{
	struct windows w = {c, now, out, unverified, corroborated};
	size_t cells = (size_t)c->n_orgs * c->n_vendors;

	memset(out, 0, cells * CTL_WIN_COUNT * sizeof(*out));
	if (unverified != NULL)
		memset(unverified, 0, (size_t)c->n_vendors * CTL_WIN_COUNT * sizeof(*unverified));
	if (corroborated != NULL)
		memset(corroborated, 0, cells * CTL_WIN_COUNT * sizeof(*corroborated));
	ctl_clients_iterate(c, count_windows, &w);
	/* Since the first start: every client counted once, entries replaced
	 * for room included. */
	for (size_t i = 0; i < cells; i++) {
		out[i * CTL_WIN_COUNT + CTL_WIN_ALL] = c->counts[i];
		if (corroborated != NULL)
			corroborated[i * CTL_WIN_COUNT + CTL_WIN_ALL] = c->counts_corro[i];
	}
}

uint64_t
ctl_clients_entries(const struct ctl_clients *c)
{
	return c->entries;
}

uint64_t
ctl_clients_full(const struct ctl_clients *c)
{
	return c->full;
}

uint64_t
ctl_clients_unverified(const struct ctl_clients *c)
{
	return c->n_unverified;
}

uint64_t
ctl_clients_evicted(const struct ctl_clients *c, enum ctl_evict why)
{
	return c->evicted[why];
}

unsigned
ctl_clients_capacity(const struct ctl_clients *c)
{
	return c->capacity;
}

struct regen {
	struct ctl_clients *to;
	const uint32_t *map;
};

static int
regen_one(void *arg, const struct dp_client_event *key, uint32_t seen, bool corroborated)
{
	const struct regen *r = arg;
	struct dp_client_event ev = *key;

	if (r->map[key->org] == UINT32_MAX)
		return 0; /* its organisation is gone */
	ev.org = r->map[key->org];
	ev.gen = r->to->gen;
	return ctl_clients_add(r->to, &ev, seen, corroborated) < 0 ? -ENOSPC : 0;
}

struct ctl_clients *
ctl_clients_regen(const struct ctl_clients *c, unsigned n_orgs, const uint32_t *map, uint16_t gen)
{
	struct ctl_clients *n = ctl_clients_create(c->capacity, n_orgs, c->n_vendors, c->v6_prefix);
	struct regen r = {n, map};

	if (n == NULL)
		return NULL;
	if (c->also != NULL && ctl_clients_union(n, c->also) != 0) {
		ctl_clients_free(n);
		rte_errno = ENOMEM;
		return NULL;
	}
	n->gen = gen;
	n->prev_gen = c->gen != 0 ? c->gen : (uint16_t)(gen - 1);
	n->n_prev = c->n_orgs;
	n->prev_map = malloc(c->n_orgs * sizeof(*map));
	if (n->prev_map == NULL || ctl_clients_iterate(c, regen_one, &r) != 0) {
		ctl_clients_free(n);
		rte_errno = ENOMEM;
		return NULL;
	}
	memcpy(n->prev_map, map, c->n_orgs * sizeof(*map));
	n->full = c->full;
	n->stale = c->stale;
	memcpy(n->evicted, c->evicted, sizeof(n->evicted));
	/* Since-start counts go by organisation, like the entries. */
	memset(n->counts, 0, (size_t)n_orgs * n->n_vendors * sizeof(*n->counts));
	memset(n->counts_corro, 0, (size_t)n_orgs * n->n_vendors * sizeof(*n->counts_corro));
	for (unsigned o = 0; o < c->n_orgs; o++)
		for (unsigned v = 0; map[o] != UINT32_MAX && v < c->n_vendors; v++) {
			n->counts[(size_t)map[o] * n->n_vendors + v] +=
			    c->counts[(size_t)o * c->n_vendors + v];
			n->counts_corro[(size_t)map[o] * n->n_vendors + v] +=
			    c->counts_corro[(size_t)o * c->n_vendors + v];
		}
	return n;
}

uint64_t
ctl_clients_stale(const struct ctl_clients *c)
{
	return c->stale;
}
