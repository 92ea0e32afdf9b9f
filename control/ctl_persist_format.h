/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_persist_format.h - between the state file's writer (ctl_persist.c)
 * and its reader (ctl_persist_restore.c): the constants of the format
 * ctl_persist.h describes, and its checksum.
 */
#ifndef CTL_PERSIST_FORMAT_H
#define CTL_PERSIST_FORMAT_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define MAGIC "TCSTATE"
#define ORDER 0x01020304u
#define VERSION                                                                                    \
	6u /* 2: the unlisted names after the learned addresses; 3: the census                     \
	    * after them; 4: organisation counters with name_only; 5: census                       \
	    * session totals with their name-only total; 6: each client                            \
	    * with a flags byte (1: corroborated); 1 to 5 are read too */
#define DIGEST 32

/* SHA-256 of d: 0, or -EIO. */
static inline int
ctl_persist_sha256(const uint8_t *d, size_t n, uint8_t out[DIGEST])
{
	unsigned len = 0;

	return EVP_Digest(d, n, out, &len, EVP_sha256(), NULL) == 1 && len == DIGEST ? 0 : -EIO;
}

#endif
