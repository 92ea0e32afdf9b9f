/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_persist.h - the state file: what must survive a restart.
 *
 * Written by the control thread every persistence.interval seconds and at
 * exit: every counter (the dataplane totals and each (organisation, vendor,
 * signal) counter set), the unique-client sets with their last-seen times,
 * the learned server addresses, the unlisted names, and the census's
 * unsent sketches and pushed session totals.  Organisations, vendors and signals are
 * stored by name, so a restart with an edited organisation table keeps what
 * still matches (what no longer does is reported, not silently dropped).
 *
 * Files in the state directory:
 *   state      the newest generation
 *   state.1    the one before
 *   state.tmp  being written
 * A write goes to state.tmp, is fsync'd, state becomes state.1, state.tmp
 * becomes state, and the directory is fsync'd: a crash at any point leaves
 * a whole generation under one of the two names.
 *
 * Format, host byte order (a marker word rejects a foreign one):
 *   magic "TCSTATE\0", u32 0x01020304, u32 version
 *   u64 written (unix s), u64 packets (received, all time, it covers)
 *   name lists: vendors, organisations, signals (u32 count, then each u16
 *     length and bytes)
 *   u32 count, u64 dataplane totals (struct dp_wstats)
 *   u32 count, { u32 org, u16 vendor, u16 signal, u64 sessions, pkts[2],
 *     bytes[2], last_seen, (version 4) name_only } (struct dp_org_ctr)
 *   u64 count, { u32 org, u8 vendor, u8 family, u16 0, addr[16], u32 seen }
 *   u64 count, { u8 family, addr[16], u64 vendors (bits by the file's
 *     vendor list), u32 expires }
 *   (version 2) u64 count, { u16 vendor, u64 count, u64 error, name }
 *     the unlisted names, u64 replaced
 *   (version 3) the census (ctl_census.h): u64 count, { u32 day, name
 *     organisation, name vendor, u16 length, the packed sketch } unsent;
 *     u64 count, { name organisation, name vendor, u8 signal, u64 total,
 *     (version 5) u64 name-only total } the session totals as last pushed
 *   SHA-256 of everything before it (32 bytes)
 * After the name lists each section is written and read by the module that
 * owns it (ctl_state.h names each pair); its layout is in that module's
 * header.
 *
 * Errors: ctl_persist_write returns 0 or a negative errno with a message
 * naming the file.  ctl_persist_restore returns 0 when it restored a
 * generation or found none (info->restored says which); a newest
 * generation that fails its checksum (truncated, corrupt) is passed over
 * for the one before.  It returns -EBADMSG when no generation is usable
 * though one exists (nothing is then restored, and nothing should be
 * written over them).  Every event is told in info->msg lines.
 */
#ifndef CTL_PERSIST_H
#define CTL_PERSIST_H

#include <stddef.h>
#include <stdint.h>

#include "ctl_census.h"
#include "ctl_clients.h"
#include "ctl_config.h"
#include "ctl_orgs.h"
#include "ctl_snapshot.h"
#include "dp_learned.h"

/* The state writes' counters, kept by the writer (ctl_app_write_state;
 * struct ctl_app holds them, the snapshot points at them). */
struct ctl_persist_stats {
	uint64_t writes_ok, writes_failed;
	uint64_t written; /* unix time of the last good write, 0 after a failure */
};

struct ctl_persist_src {
	const struct ctl_config *cfg;
	const struct ctl_orgs *orgs;
	const struct ctl_snapshot *snap; /* totals and counters, collected */
	const struct ctl_clients *clients;
	const struct dp_learned *learned;
	const struct ctl_census *census; /* NULL: none */
};

struct ctl_persist_info {
	int restored;			     /* 0 none found, 1 the newest, 2 the one before */
	uint64_t written;		     /* its time */
	uint64_t packets;		     /* packets it covers */
	uint64_t counters, clients, learned; /* entries restored */
	uint64_t sketches;		     /* unsent census sketches restored */
	uint64_t dropped;		     /* entries whose organisation or vendor is gone */
	char msg[1024];			     /* what happened, one line per event */
};

int ctl_persist_write(const char *dir, const struct ctl_persist_src *s, uint64_t now, char *err,
		      size_t err_len);

/* Into snap's base counters, the client set and the learned table (entries
 * already expired at now are left out); the census's sketches and totals
 * into feed->census, and each restored client fed to it
 * (ctl_census_feed_client). */
int ctl_persist_restore(const char *dir, const struct ctl_config *cfg, const struct ctl_orgs *orgs,
			struct ctl_snapshot *snap, struct ctl_clients *clients,
			struct dp_learned *learned, const struct ctl_census_feed *feed,
			uint32_t now, struct ctl_persist_info *info);

/* Before the tables are built: the organisations the usable state file
 * (the newest generation that checks, as ctl_persist_restore picks it)
 * names and orgs does not list are parked in orgs, so their counters and
 * clients are restored and kept.  Returns how many, or -ENOMEM. */
int ctl_persist_park(const char *dir, const struct ctl_config *cfg, struct ctl_orgs *orgs);

#endif
