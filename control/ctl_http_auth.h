/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_http_auth.h - the endpoint's basic-auth users (web.basic_auth_users):
 * bcrypt hashes checked with libxcrypt on the first sight of a password,
 * its SHA-256 remembered per user after that, so that a scrape every few
 * seconds does not cost a bcrypt each (about 0.1 s at cost 10).
 *
 * Invariants: any thread may call ctl_http_auth_check while the control
 * thread replaces the users (ctl_http_auth_set, at a reload): a password
 * verified under the old hash is never taken for the new one (the cache is
 * cleared and a late verification matches by name and hash).  Passwords
 * and their digests are wiped after use.
 */
#ifndef CTL_HTTP_AUTH_H
#define CTL_HTTP_AUTH_H

#include <pthread.h>
#include <stdbool.h>

#include <openssl/sha.h>

#include "ctl_config.h"

struct ctl_http_auth {
	pthread_mutex_t lock;
	struct ctl_user users[CTL_MAX_USERS];
	unsigned n_users;
	/* Per user: SHA-256 of the last password bcrypt accepted. */
	unsigned char verified[CTL_MAX_USERS][SHA256_DIGEST_LENGTH];
	bool has_verified[CTL_MAX_USERS];
};

void ctl_http_auth_init(struct ctl_http_auth *a);
void ctl_http_auth_fini(struct ctl_http_auth *a);

/* Replaces the users (at most CTL_MAX_USERS of n are taken). */
void ctl_http_auth_set(struct ctl_http_auth *a, const struct ctl_user *users, unsigned n);

/* How many users there are (0: the endpoint asks for no password). */
unsigned ctl_http_auth_users(struct ctl_http_auth *a);

/* Is (user, password) one of the users? */
bool ctl_http_auth_check(struct ctl_http_auth *a, const char *user, const char *pass);

#endif
