/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_unlisted.h - the names that decided flows for a vendor's own level
 * (role other): hosts under the vendor's domains that no role of its
 * catalogue lists, counted by name so the catalogue can be kept current
 * from what the taps see (tapcensus_vendor_unlisted_names_total).
 *
 * A bounded table (the space-saving algorithm): at most `capacity` names;
 * while there are fewer, every count is exact.  When a new name finds the
 * table full it takes the place of the least counted one and starts from
 * that count plus one - an overestimate by at most the count it replaced,
 * which each entry's error gives; names with more than
 * capacity-th of the sessions are never lost.  Names only: no client
 * address.  Fed and read by the control thread alone.
 */
#ifndef CTL_UNLISTED_H
#define CTL_UNLISTED_H

#include <stdint.h>

#include "ctl_state.h"
#include "dp_worker_types.h"

#define CTL_UNLISTED_NAMES 1024 /* names tracked */
#define CTL_UNLISTED_TOP 20	/* exported per vendor */

struct ctl_unlisted_entry {
	uint64_t count;
	uint64_t error; /* count may be over by this much (a replaced name's) */
	uint32_t hash;
	uint8_t vendor;
	uint8_t len;
	char name[DP_NAME_EVENT_MAX + 1]; /* NUL-terminated, lower case */
};

struct ctl_unlisted {
	struct ctl_unlisted_entry *e;
	unsigned n, capacity;
	uint64_t replaced; /* names that took a least-counted one's place */
};

/* 0, or -ENOMEM. */
int ctl_unlisted_init(struct ctl_unlisted *u, unsigned capacity);
void ctl_unlisted_fini(struct ctl_unlisted *u);

/* One session decided by ev's name. */
void ctl_unlisted_add(struct ctl_unlisted *u, const struct dp_name_event *ev);

/* ev's name with count and error, from the state file: added to an entry
 * of the same name, or a new one (left out when the table is full). */
void ctl_unlisted_restore(struct ctl_unlisted *u, const struct dp_name_event *ev, uint64_t count,
			  uint64_t error);

/* The at most max entries of vendor with the highest counts (ties by
 * name), into out; their number. */
unsigned ctl_unlisted_top(const struct ctl_unlisted *u, unsigned vendor,
			  const struct ctl_unlisted_entry **out, unsigned max);

/* The state file's section of the unlisted names (ctl_state.h, format 2):
 * u64 count, { u16 vendor (by the file's list), u64 count, u64 error,
 * name }, u64 replaced.  The read restores the names of the vendors whose
 * bit is set in vendors (those that keep unlisted names), counting the
 * rest in in->dropped.  0, or -EBADMSG. */
void ctl_unlisted_state_write(struct ctl_state_out *o, const struct ctl_unlisted *u);
int ctl_unlisted_state_read(struct ctl_state_in *in, struct ctl_unlisted *u, uint64_t vendors);

#endif
