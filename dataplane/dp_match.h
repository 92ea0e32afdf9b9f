/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_match.h - vendor names matched by one Hyperscan block-mode database.
 *
 * The control plane compiles a struct dp_match from every vendor's domain
 * suffixes and regexes and allocates each worker a scratch of its own
 * (dp_match_scratch_fit, in the worker's generation): a scratch is never
 * shared between threads.  A domain suffix matches on a label boundary: "example.com"
 * matches "example.com" and "a.example.com", never "notexample.com" nor
 * "example.com.evil.test".  Regexes are the vendor's own, matched caseless
 * against the whole extracted name.  With no patterns at all (vendors known
 * only by server prefixes) there is no database: nothing matches, and the
 * scratch stays NULL.
 *
 * Payload signatures (DP_MATCH_PAYLOAD) are the vendor's regexes over raw
 * payload bytes, compiled into a second database in Hyperscan's stream mode
 * (HS_FLAG_SINGLEMATCH, as written: no caseless flag added): a worker keeps
 * one stream per direction of a flow and feeds it the flow's first bytes;
 * a match may span packets.  The same scratch serves both databases.
 *
 * A name (or a scan) that matches several vendors of one group keeps those
 * of the highest rank (struct dp_match_pattern).
 *
 * Errors: negative errno.  dp_match_compile() gives -EINVAL for a pattern
 * Hyperscan refuses (its message and the pattern's index in *err_msg and
 * *err_index), -ENOMEM otherwise.  dp_match_name() gives -EIO when the scan
 * fails; the caller counts it.
 */
#ifndef DP_MATCH_H
#define DP_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include <hs/hs.h>

enum dp_match_kind { DP_MATCH_DOMAIN, DP_MATCH_REGEX, DP_MATCH_PAYLOAD };

/* Within a group (the roles of one vendor), the matching patterns of the
 * highest rank decide: a name matched by a role's suffix (rank: its labels)
 * and by the vendor's own suffix (rank 0) counts for the role alone.
 * Equal ranks all count.  Different groups never outrank each other. */
struct dp_match_pattern {
	const char *expr;
	enum dp_match_kind kind;
	unsigned vendor; /* < DP_MAX_VENDORS */
	unsigned group;	 /* vendors with one group outrank each other */
	unsigned rank;
};

struct dp_match;

int dp_match_compile(const struct dp_match_pattern *pats, unsigned n, struct dp_match **out,
		     char *err_msg, size_t err_len, int *err_index);
void dp_match_free(struct dp_match *m);

/* Grows *s (allocated when NULL) to fit m's databases too, so that one
 * scratch serves two generations of them.  0 or -ENOMEM; *s unchanged
 * when m has none. */
int dp_match_scratch_fit(const struct dp_match *m, hs_scratch_t **s);

/* Is there a payload database (any payload signature)? */
int dp_match_has_payload(const struct dp_match *m);

/* A new stream (NULL with no payload database or no memory). */
hs_stream_t *dp_match_stream_open(const struct dp_match *m);

/* Scans the next bytes of a stream; ORs matching vendors into *vendors.
 * -EIO when the scan fails. */
int dp_match_stream_scan(const struct dp_match *m, hs_stream_t *s, hs_scratch_t *scratch,
			 const uint8_t *d, uint32_t len, uint64_t *vendors);

/* Frees a stream; matches at its end are not reported. */
void dp_match_stream_close(hs_stream_t *s, hs_scratch_t *scratch);

/* Sets *vendors to the bitmask of vendors whose patterns match name. */
int dp_match_name(const struct dp_match *m, hs_scratch_t *scratch, const char *name, size_t len,
		  uint64_t *vendors);

#endif
