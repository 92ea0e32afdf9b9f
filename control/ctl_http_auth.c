/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_http_auth.h"

#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

void
ctl_http_auth_init(struct ctl_http_auth *a)
{
	memset(a, 0, sizeof(*a));
	pthread_mutex_init(&a->lock, NULL);
}

void
ctl_http_auth_fini(struct ctl_http_auth *a)
{
	OPENSSL_cleanse(a->verified, sizeof(a->verified));
	pthread_mutex_destroy(&a->lock);
}

void
ctl_http_auth_set(struct ctl_http_auth *a, const struct ctl_user *users, unsigned n)
{
	pthread_mutex_lock(&a->lock);
	a->n_users = n < CTL_MAX_USERS ? n : CTL_MAX_USERS;
	if (a->n_users > 0)
		memcpy(a->users, users, a->n_users * sizeof(*users));
	memset(a->has_verified, 0, sizeof(a->has_verified));
	pthread_mutex_unlock(&a->lock);
}

unsigned
ctl_http_auth_users(struct ctl_http_auth *a)
{
	unsigned n;

	pthread_mutex_lock(&a->lock);
	n = a->n_users;
	pthread_mutex_unlock(&a->lock);
	return n;
}

bool
ctl_http_auth_check(struct ctl_http_auth *h, const char *user, const char *pass)
{
	unsigned char digest[SHA256_DIGEST_LENGTH];
	struct crypt_data *cd;
	char hash[CTL_BCRYPT_LEN + 1];
	bool ok = false;
	unsigned i;

	SHA256((const unsigned char *)pass, strlen(pass), digest);
	pthread_mutex_lock(&h->lock);
	for (i = 0; i < h->n_users && strcmp(h->users[i].name, user) != 0; i++)
		;
	if (i == h->n_users) {
		pthread_mutex_unlock(&h->lock);
		return false;
	}
	if (h->has_verified[i] && CRYPTO_memcmp(h->verified[i], digest, sizeof(digest)) == 0) {
		pthread_mutex_unlock(&h->lock);
		return true;
	}
	memcpy(hash, h->users[i].hash, sizeof(hash));
	pthread_mutex_unlock(&h->lock);

	/* crypt_rn, libxcrypt's: returns NULL rather than a failure token, and
	 * is not one of the sanitizers' interceptors (whose crypt_r stands in
	 * for libcrypt's at link time and then has nothing to call). */
	cd = calloc(1, sizeof(*cd)); /* 32 KiB: not on a connection thread's stack */
	if (cd != NULL) {
		const char *out = crypt_rn(pass, hash, cd, (int)sizeof(*cd));

		ok = out != NULL && out[0] == '$' && CRYPTO_memcmp(out, hash, sizeof(hash)) == 0;
		free(cd);
	}
	if (ok) {
		pthread_mutex_lock(&h->lock);
		/* The users may have been replaced meanwhile: match by name. */
		for (i = 0; i < h->n_users; i++)
			if (strcmp(h->users[i].name, user) == 0 &&
			    strcmp(h->users[i].hash, hash) == 0) {
				memcpy(h->verified[i], digest, sizeof(digest));
				h->has_verified[i] = true;
			}
		pthread_mutex_unlock(&h->lock);
	}
	OPENSSL_cleanse(digest, sizeof(digest));
	return ok;
}
