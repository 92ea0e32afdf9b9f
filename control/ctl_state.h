/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_state.h - a section of the state file, as the module that owns it
 * writes and reads it: the writer's growing buffer and the reader's
 * bounded cursor.  ctl_persist.c frames the file (header, name lists,
 * checksum, generations: ctl_persist.h) and calls each module's pair in
 * the file's order:
 *   ctl_snapshot_state_write/_read    the dataplane totals and the
 *                                     (organisation, vendor, signal) counters
 *   ctl_clients_state_write/_read     the unique-client sets
 *   ctl_workers_learned_write/_read   the learned server addresses
 *   ctl_unlisted_state_write/_read    the unlisted names (version 2)
 *   ctl_census_state_write/_read      the census's key fingerprint, unsent
 *                                     sketches and pushed totals (version 3)
 *
 * Invariants: a write never fails midway - a buffer that cannot grow sets
 * oom and takes nothing more (the file is then not written).  A read past
 * the end sets short_read and yields zeros; every reader stops at it, and
 * the file is then refused whole.  Organisations, vendors and signals are
 * stored by index into the file's own name lists; in->omap/vmap/smap map
 * them to the running indexes (-1: no longer configured: the entry is
 * counted in in->dropped, not restored).
 *
 * Errors: a section reader returns 0 (short_read tells a short file),
 * -EBADMSG for contents this build cannot read, or another negative errno
 * it documents, with a line told in in->msg.
 */
#ifndef CTL_STATE_H
#define CTL_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTL_STATE_NAME_MAX 255 /* bytes of a stored name */

struct ctl_state_out {
	uint8_t *b;
	size_t len, cap;
	bool oom;
};

void ctl_state_put(struct ctl_state_out *o, const void *p, size_t n);
/* A u16 length and the bytes, cut at CTL_STATE_NAME_MAX. */
void ctl_state_put_name(struct ctl_state_out *o, const char *s);
#define CTL_STATE_PUT(o, v) ctl_state_put((o), &(v), sizeof(v))
/* Overwrites n bytes already put at offset at (a count known only after
 * the entries it counts); nothing once oom. */
void ctl_state_put_at(struct ctl_state_out *o, size_t at, const void *p, size_t n);

struct ctl_state_in {
	const uint8_t *p, *end;
	bool short_read;
	uint32_t version; /* the file's format version */
	const int32_t *vmap, *omap, *smap;
	uint32_t nv, no, ns; /* the file's vendors, organisations, signals */
	uint64_t dropped;    /* entries of organisations or vendors gone */
	char *msg;	     /* lines told, appended, NUL-terminated */
	size_t msg_cap;
};

void ctl_state_get(struct ctl_state_in *in, void *dst, size_t n);
/* A stored name into out (cap > CTL_STATE_NAME_MAX); a longer one is a
 * short read. */
void ctl_state_get_name(struct ctl_state_in *in, char *out, size_t cap);
#define CTL_STATE_GET(i, v) ctl_state_get((i), &(v), sizeof(v))

/* A list of names (u32 count, then each name) mapped by find onto the
 * running indexes (-1: gone): a calloc'd array of *n, or NULL (a short
 * read, more than max names, out of memory). */
int32_t *ctl_state_get_names(struct ctl_state_in *in, uint32_t *n, uint32_t max,
			     int32_t (*find)(const void *, const char *), const void *ctx);

/* Appends a line (printf format) to msg (NUL-terminated, cap bytes in
 * all), cut at its capacity; ctl_state_tell appends to in->msg. */
void ctl_state_msg(char *msg, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ctl_state_tell(struct ctl_state_in *in, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
