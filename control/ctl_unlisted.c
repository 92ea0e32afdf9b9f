/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_unlisted.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int
ctl_unlisted_init(struct ctl_unlisted *u, unsigned capacity)
{
	memset(u, 0, sizeof(*u));
	u->e = calloc(capacity ? capacity : 1, sizeof(*u->e));
	if (u->e == NULL)
		return -ENOMEM;
	u->capacity = capacity;
	return 0;
}

void
ctl_unlisted_fini(struct ctl_unlisted *u)
{
	free(u->e);
	memset(u, 0, sizeof(*u));
}

/* FNV-1a over the vendor and the lower-cased name. */
static uint32_t
name_hash(unsigned vendor, const char *s, unsigned len)
{
	uint32_t h = 2166136261u ^ vendor;

	for (unsigned i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

/* The entry of ev's name (lower-cased into it), or - when there is none -
 * a new one: a free one with count 0, or with replace the least counted
 * one (its count kept in error and count); NULL when full and !replace. */
static struct ctl_unlisted_entry *
entry_of(struct ctl_unlisted *u, const struct dp_name_event *ev, bool replace)
{
	char name[DP_NAME_EVENT_MAX + 1];
	unsigned len = ev->len > DP_NAME_EVENT_MAX ? DP_NAME_EVENT_MAX : ev->len, least = 0;
	struct ctl_unlisted_entry *e;
	uint32_t h;

	for (unsigned i = 0; i < len; i++) {
		char c = ev->name[i];

		name[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	name[len] = '\0';
	h = name_hash(ev->vendor, name, len);
	for (unsigned i = 0; i < u->n; i++) {
		e = &u->e[i];
		if (e->hash == h && e->vendor == ev->vendor && e->len == len &&
		    memcmp(e->name, name, len) == 0) {
			return e;
		}
		if (e->count < u->e[least].count)
			least = i;
	}
	if (u->n < u->capacity) {
		e = &u->e[u->n++];
		e->count = 0;
		e->error = 0;
	} else if (replace && u->capacity > 0) {
		e = &u->e[least];
		e->error = e->count;
		u->replaced++;
	} else {
		return NULL;
	}
	e->hash = h;
	e->vendor = ev->vendor;
	e->len = (uint8_t)len;
	memcpy(e->name, name, len + 1);
	return e;
}

void
ctl_unlisted_add(struct ctl_unlisted *u, const struct dp_name_event *ev)
{
	struct ctl_unlisted_entry *e = entry_of(u, ev, true);

	if (e != NULL)
		e->count++;
}

void
ctl_unlisted_restore(struct ctl_unlisted *u, const struct dp_name_event *ev, uint64_t count,
		     uint64_t error)
{
	struct ctl_unlisted_entry *e = entry_of(u, ev, false);

	if (e == NULL)
		return;
	e->count += count;
	e->error += error;
}

static int
by_count(const void *a, const void *b)
{
	const struct ctl_unlisted_entry *x = *(const struct ctl_unlisted_entry *const *)a;
	const struct ctl_unlisted_entry *y = *(const struct ctl_unlisted_entry *const *)b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->name, y->name);
}

unsigned
ctl_unlisted_top(const struct ctl_unlisted *u, unsigned vendor,
		 const struct ctl_unlisted_entry **out, unsigned max)
{
	const struct ctl_unlisted_entry **all = malloc((u->n ? u->n : 1) * sizeof(*all));
	unsigned n = 0;

	if (all == NULL)
		return 0;
	for (unsigned i = 0; i < u->n; i++)
		if (u->e[i].vendor == vendor)
			all[n++] = &u->e[i];
	qsort(all, n, sizeof(*all), by_count);
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof(*out));
	free(all);
	return n;
}

void
ctl_unlisted_state_write(struct ctl_state_out *o, const struct ctl_unlisted *u)
{
	uint64_t n = u->n;

	CTL_STATE_PUT(o, n);
	for (unsigned i = 0; i < u->n; i++) {
		const struct ctl_unlisted_entry *e = &u->e[i];
		uint16_t vd = e->vendor;

		CTL_STATE_PUT(o, vd);
		CTL_STATE_PUT(o, e->count);
		CTL_STATE_PUT(o, e->error);
		ctl_state_put_name(o, e->name);
	}
	CTL_STATE_PUT(o, u->replaced);
}

int
ctl_unlisted_state_read(struct ctl_state_in *in, struct ctl_unlisted *u, uint64_t vendors)
{
	uint64_t n, replaced;

	CTL_STATE_GET(in, n);
	for (uint64_t k = 0; k < n && !in->short_read; k++) {
		struct dp_name_event ev = {0};
		uint64_t count, error;
		uint16_t vd, nl;

		CTL_STATE_GET(in, vd);
		CTL_STATE_GET(in, count);
		CTL_STATE_GET(in, error);
		CTL_STATE_GET(in, nl);
		if (in->short_read || vd >= in->nv || nl > DP_NAME_EVENT_MAX)
			return -EBADMSG;
		ctl_state_get(in, ev.name, nl);
		if (in->vmap[vd] < 0 || in->vmap[vd] >= 64 || !(vendors >> in->vmap[vd] & 1)) {
			in->dropped++;
			continue;
		}
		ev.vendor = (uint8_t)in->vmap[vd];
		ev.len = (uint8_t)nl;
		ctl_unlisted_restore(u, &ev, count, error);
	}
	CTL_STATE_GET(in, replaced);
	u->replaced += replaced;
	return 0;
}
