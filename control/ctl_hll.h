/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_hll.h - a HyperLogLog sketch of keyed client hashes in the storage
 * format of PostgreSQL's hll extension (schema version 1, its STORAGE
 * document), so that the sketches of many taps meet in one database and
 * union there (hll_union) as if the database had built them itself.
 *
 * Parameters: the extension's defaults - 2^11 registers of 5 bits, the
 * explicit threshold "auto" (up to 160 hashes kept as they are: a small
 * set is exact), sparse on.  A sketch packs byte for byte as hll_add_agg
 * over the same hashes would (tests/hll_check.sh compares them with a
 * real server): EMPTY, EXPLICIT (the hashes, ascending as signed 64-bit,
 * big-endian), SPARSE (index/value short-words) while smaller than FULL
 * (every register, 5 bits each).  The standard error of the estimate past
 * the explicit form is 1.04 / sqrt(2048), about 2.3%.
 *
 * Client hashes: SipHash-2-4 (OpenSSL's) of the address under a key every
 * tap of a deployment shares and nothing else knows - never logged, never
 * sent - so one client hashes alike at every tap, and an explicit
 * sketch's hashes cannot be turned back into addresses without the key.
 * IPv6 clients by their prefix (clients.ipv6_prefix, /64 by default).
 *
 * Errors: ctl_hll_add and ctl_hll_union return 0 or -ENOMEM (the sketch
 * unchanged); ctl_hll_unpack returns 0 or -EINVAL (not this format or not
 * these parameters), -ENOMEM.
 */
#ifndef CTL_HLL_H
#define CTL_HLL_H

#include <stddef.h>
#include <stdint.h>

#define CTL_HLL_LOG2M 11
#define CTL_HLL_REGWIDTH 5
#define CTL_HLL_REGS (1u << CTL_HLL_LOG2M)
#define CTL_HLL_EXPLICIT_MAX 160 /* (2048 * 5 / 8) / 8: as many as fit in FULL's bytes */
#define CTL_HLL_PACKED_MAX (3 + CTL_HLL_REGS * CTL_HLL_REGWIDTH / 8)
#define CTL_HLL_KEY_LEN 16

enum ctl_hll_type { CTL_HLL_EMPTY = 1, CTL_HLL_EXPLICIT = 2, CTL_HLL_REGISTERS = 4 };

struct ctl_hll {
	uint8_t type;	/* enum ctl_hll_type */
	uint16_t n;	/* explicit hashes */
	uint16_t cap;	/* vals[] allocated */
	uint64_t *vals; /* explicit: ascending as signed */
	uint8_t *regs;	/* registers: [CTL_HLL_REGS] */
};

void ctl_hll_init(struct ctl_hll *h);
void ctl_hll_fini(struct ctl_hll *h);
int ctl_hll_add(struct ctl_hll *h, uint64_t hash);
int ctl_hll_union(struct ctl_hll *a, const struct ctl_hll *b);

/* The estimate as hll_cardinality computes it (exact while explicit). */
double ctl_hll_cardinality(const struct ctl_hll *h);

/* The storage format into out (CTL_HLL_PACKED_MAX bytes suffice); returns
 * the length. */
size_t ctl_hll_pack(const struct ctl_hll *h, uint8_t *out);
int ctl_hll_unpack(struct ctl_hll *h, const uint8_t *in, size_t len);

/* SipHash-2-4 of msg under key (64-bit output). */
uint64_t ctl_hll_siphash(const uint8_t key[CTL_HLL_KEY_LEN], const uint8_t *msg, size_t len);

/* The keyed hash of client addresses: SipHash of the family byte and the
 * address (IPv6 cut to v6_prefix bits), the key set once in a context kept
 * for every client (a tenth of the cost of setting it each time).  init: 0
 * or -ENOMEM. */
struct ctl_hll_hasher {
	void *ctx; /* EVP_MAC_CTX */
};
int ctl_hll_hasher_init(struct ctl_hll_hasher *h, const uint8_t key[CTL_HLL_KEY_LEN]);
uint64_t ctl_hll_hasher_client(struct ctl_hll_hasher *h, uint8_t family, const uint8_t *addr,
			       unsigned v6_prefix);
void ctl_hll_hasher_fini(struct ctl_hll_hasher *h);

/* The key's fingerprint, which taps, state files and the census database
 * compare (sketches of two keys cannot be merged): the first 8 bytes of
 * SHA-256("tapcensus census key" || key) in hex, CTL_HLL_FP_LEN characters
 * and a NUL.  It tells keys apart without telling the key. */
#define CTL_HLL_FP_LEN 16
int ctl_hll_key_fingerprint(const uint8_t key[CTL_HLL_KEY_LEN], char out[CTL_HLL_FP_LEN + 1]);

#endif
