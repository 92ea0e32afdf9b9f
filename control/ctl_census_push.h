/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_census_push.h - a batch (ctl_census_store.h) into the census
 * database (config/census.sql), one transaction, on a thread of its own
 * (libpq); the final push at a stop on the caller's.  Before any row: the
 * census key's fingerprint is checked against the database's (another key
 * refused: -EKEYREJECTED), and the tap's name claimed for this process
 * (another live instance under it refused: -EADDRINUSE).  The final push
 * of a process that pushed releases the name.  Every database call is
 * bounded (connect 10 s, statement 30 s, lock 10 s, a silent peer 30 s).
 *
 * Threads: the control thread calls every function; while a push is under
 * way its batch is the push thread's to read, and the caller's again once
 * ctl_census_push_poll reports the end.  Errors: -EIO (the database's
 * message in err), -EKEYREJECTED, -EADDRINUSE, -EAGAIN (no thread).
 */
#ifndef CTL_CENSUS_PUSH_H
#define CTL_CENSUS_PUSH_H

#include <stdbool.h>
#include <stddef.h>

#include "ctl_census_store.h"
#include "ctl_config.h"

struct ctl_census_push;

/* fingerprint: the census key's (ctl_hll_key_fingerprint).  NULL when out
 * of memory or without randomness for the instance id. */
struct ctl_census_push *ctl_census_push_create(const struct ctl_census_cfg *cfg,
					       const char *fingerprint);
/* Waits for a push under way. */
void ctl_census_push_free(struct ctl_census_push *p);

/* Starts pushing b (none may be under way). 0 or -EAGAIN. */
int ctl_census_push_start(struct ctl_census_push *p, const struct ctl_census_batch *b);

/* Is a push under way? */
bool ctl_census_push_running(const struct ctl_census_push *p);

/* Has the push under way ended (wait: waits for it)?  Then true, its
 * result in *rc and its error, one line, in err ("" none). */
bool ctl_census_push_poll(struct ctl_census_push *p, bool wait, int *rc, char *err, size_t len);

/* The final push of a stop, here: b sent, the tap's name released. */
int ctl_census_push_final(struct ctl_census_push *p, const struct ctl_census_batch *b, char *err,
			  size_t len);

/* Did a push of this process go through (the name is ours to release)? */
bool ctl_census_push_claimed(const struct ctl_census_push *p);

#endif
