/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_match.h - vendor names matched by one Hyperscan block-mode database.
 *
 * The control plane compiles a struct dp_match from every vendor's domain
 * suffixes and regexes, allocates one scratch prototype with it, and each
 * worker clones its own scratch (hs_clone_scratch): a scratch is never shared
 * between threads.  A domain suffix matches on a label boundary: "example.com"
 * matches "example.com" and "a.example.com", never "notexample.com" nor
 * "example.com.evil.test".  Regexes are the vendor's own, matched caseless
 * against the whole extracted name.  With no patterns at all (vendors known
 * only by server prefixes) there is no database: nothing matches, and the
 * scratch a worker clones is NULL.
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

enum dp_match_kind { DP_MATCH_DOMAIN, DP_MATCH_REGEX };

struct dp_match_pattern {
	const char *expr;
	enum dp_match_kind kind;
	unsigned vendor; /* < DP_MAX_VENDORS */
};

struct dp_match;

int dp_match_compile(const struct dp_match_pattern *pats, unsigned n, struct dp_match **out,
		     char *err_msg, size_t err_len, int *err_index);
void dp_match_free(struct dp_match *m);

/* The prototype scratch owned by m; clone it for each worker. */
int dp_match_scratch_clone(const struct dp_match *m, hs_scratch_t **out);

/* Sets *vendors to the bitmask of vendors whose patterns match name. */
int dp_match_name(const struct dp_match *m, hs_scratch_t *scratch, const char *name, size_t len,
		  uint64_t *vendors);

#endif
