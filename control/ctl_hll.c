/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_hll.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

/* The header: version 1 in the top nibble of byte 0 (the type below it);
 * registerWidth - 1 and log2m; sparse on and the explicit cutoff (63:
 * auto). */
#define HDR_PARAMS ((uint8_t)(((CTL_HLL_REGWIDTH - 1) << 5) | CTL_HLL_LOG2M))
#define HDR_CUTOFF ((uint8_t)((1 << 6) | 63))
#define TYPE_SPARSE 3
#define SHORT_WORD (CTL_HLL_LOG2M + CTL_HLL_REGWIDTH)

void
ctl_hll_init(struct ctl_hll *h)
{
	memset(h, 0, sizeof(*h));
	h->type = CTL_HLL_EMPTY;
}

void
ctl_hll_fini(struct ctl_hll *h)
{
	free(h->vals);
	free(h->regs);
	ctl_hll_init(h);
}

/* The register of a hash: its low log2m bits index it; the value is the
 * position of the lowest 1 bit of the rest (0 when none), capped. */
static void
reg_add(uint8_t *regs, uint64_t hash)
{
	uint64_t rest = hash >> CTL_HLL_LOG2M;
	unsigned p = rest == 0 ? 0 : (unsigned)__builtin_ctzll(rest) + 1;
	unsigned max = (1u << CTL_HLL_REGWIDTH) - 1;
	uint8_t *r = &regs[hash & (CTL_HLL_REGS - 1)];

	if (p > max)
		p = max;
	if (*r < p)
		*r = (uint8_t)p;
}

static int
promote(struct ctl_hll *h)
{
	uint8_t *regs = calloc(CTL_HLL_REGS, 1);

	if (regs == NULL)
		return -ENOMEM;
	for (unsigned i = 0; i < h->n; i++)
		reg_add(regs, h->vals[i]);
	free(h->vals);
	h->vals = NULL;
	h->n = h->cap = 0;
	h->regs = regs;
	h->type = CTL_HLL_REGISTERS;
	return 0;
}

/* Where hash is, or goes, among the explicit values (ascending as signed). */
static unsigned
find(const struct ctl_hll *h, uint64_t hash, bool *present)
{
	unsigned lo = 0, hi = h->n;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if ((int64_t)h->vals[mid] < (int64_t)hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	*present = lo < h->n && h->vals[lo] == hash;
	return lo;
}

int
ctl_hll_add(struct ctl_hll *h, uint64_t hash)
{
	bool present;
	unsigned at;
	int rc;

	if (h->type == CTL_HLL_REGISTERS) {
		reg_add(h->regs, hash);
		return 0;
	}
	at = find(h, hash, &present);
	if (present)
		return 0;
	if (h->n == CTL_HLL_EXPLICIT_MAX) {
		if ((rc = promote(h)) != 0)
			return rc;
		reg_add(h->regs, hash);
		return 0;
	}
	if (h->n == h->cap) {
		uint16_t cap = h->cap ? (uint16_t)(h->cap * 2) : 4;
		uint64_t *v;

		if (cap > CTL_HLL_EXPLICIT_MAX)
			cap = CTL_HLL_EXPLICIT_MAX;
		if ((v = realloc(h->vals, cap * sizeof(*v))) == NULL)
			return -ENOMEM;
		h->vals = v;
		h->cap = cap;
	}
	memmove(&h->vals[at + 1], &h->vals[at], (h->n - at) * sizeof(*h->vals));
	h->vals[at] = hash;
	h->n++;
	h->type = CTL_HLL_EXPLICIT;
	return 0;
}

int
ctl_hll_union(struct ctl_hll *a, const struct ctl_hll *b)
{
	int rc;

	if (b->type == CTL_HLL_EXPLICIT) {
		for (unsigned i = 0; i < b->n; i++)
			if ((rc = ctl_hll_add(a, b->vals[i])) != 0)
				return rc;
		return 0;
	}
	if (b->type != CTL_HLL_REGISTERS)
		return 0;
	if (a->type != CTL_HLL_REGISTERS && (rc = promote(a)) != 0)
		return rc;
	for (unsigned i = 0; i < CTL_HLL_REGS; i++)
		if (a->regs[i] < b->regs[i])
			a->regs[i] = b->regs[i];
	return 0;
}

double
ctl_hll_cardinality(const struct ctl_hll *h)
{
	/* As the extension estimates: the raw HyperLogLog estimate, linear
	 * counting while small, the large-range correction near 2^L. */
	const double m = CTL_HLL_REGS;
	const double two_to_l = (double)(1ull << (((1u << CTL_HLL_REGWIDTH) - 2) + CTL_HLL_LOG2M));
	double sum = 0, estimate;
	unsigned zeros = 0;

	if (h->type == CTL_HLL_EMPTY)
		return 0;
	if (h->type == CTL_HLL_EXPLICIT)
		return h->n;
	for (unsigned i = 0; i < CTL_HLL_REGS; i++) {
		sum += 1.0 / (double)(1ull << h->regs[i]);
		zeros += h->regs[i] == 0;
	}
	estimate = (0.7213 / (1.0 + 1.079 / m)) * m * m / sum;
	if (zeros != 0 && estimate < 5.0 * m / 2.0)
		return m * log(m / zeros);
	if (estimate <= two_to_l / 30.0)
		return estimate;
	return -two_to_l * log(1.0 - estimate / two_to_l);
}

/* Bits into a byte array, high bits first. */
static void
put_bits(uint8_t *out, size_t *bit, uint32_t v, unsigned width)
{
	for (unsigned k = width; k-- > 0; (*bit)++)
		if (v & (1u << k))
			out[*bit / 8] |= (uint8_t)(0x80u >> (*bit % 8));
}

static uint32_t
get_bits(const uint8_t *in, size_t *bit, unsigned width)
{
	uint32_t v = 0;

	for (unsigned k = 0; k < width; k++, (*bit)++)
		v = v << 1 | ((in[*bit / 8] >> (7 - *bit % 8)) & 1u);
	return v;
}

size_t
ctl_hll_pack(const struct ctl_hll *h, uint8_t *out)
{
	size_t len = 3, bit = 0;
	unsigned filled = 0;

	out[1] = HDR_PARAMS;
	out[2] = HDR_CUTOFF;
	if (h->type == CTL_HLL_EMPTY) {
		out[0] = 0x10 | CTL_HLL_EMPTY;
		return len;
	}
	if (h->type == CTL_HLL_EXPLICIT) {
		out[0] = 0x10 | CTL_HLL_EXPLICIT;
		for (unsigned i = 0; i < h->n; i++)
			for (int k = 7; k >= 0; k--)
				out[len++] = (uint8_t)(h->vals[i] >> (8 * k));
		return len;
	}
	for (unsigned i = 0; i < CTL_HLL_REGS; i++)
		filled += h->regs[i] != 0;
	/* SPARSE while its short-words take fewer bits than FULL's registers. */
	if ((size_t)filled * SHORT_WORD < (size_t)CTL_HLL_REGS * CTL_HLL_REGWIDTH) {
		out[0] = 0x10 | TYPE_SPARSE;
		memset(out + 3, 0, (filled * SHORT_WORD + 7) / 8);
		for (unsigned i = 0; i < CTL_HLL_REGS; i++)
			if (h->regs[i] != 0)
				put_bits(out + 3, &bit,
					 (uint32_t)i << CTL_HLL_REGWIDTH | h->regs[i], SHORT_WORD);
	} else {
		out[0] = 0x10 | CTL_HLL_REGISTERS;
		memset(out + 3, 0, CTL_HLL_REGS * CTL_HLL_REGWIDTH / 8);
		for (unsigned i = 0; i < CTL_HLL_REGS; i++)
			put_bits(out + 3, &bit, h->regs[i], CTL_HLL_REGWIDTH);
	}
	return len + (bit + 7) / 8;
}

int
ctl_hll_unpack(struct ctl_hll *h, const uint8_t *in, size_t len)
{
	size_t bit = 0, n;
	int rc = 0;

	ctl_hll_init(h);
	if (len < 3 || in[0] >> 4 != 1 || in[1] != HDR_PARAMS || in[2] != HDR_CUTOFF)
		return -EINVAL;
	switch (in[0] & 0x0f) {
	case CTL_HLL_EMPTY:
		return len == 3 ? 0 : -EINVAL;
	case CTL_HLL_EXPLICIT:
		n = (len - 3) / 8;
		if ((len - 3) % 8 != 0 || n > CTL_HLL_EXPLICIT_MAX)
			return -EINVAL;
		for (size_t i = 0; i < n && rc == 0; i++) {
			uint64_t v = 0;

			for (int k = 0; k < 8; k++)
				v = v << 8 | in[3 + i * 8 + (size_t)k];
			if (i > 0 && (int64_t)v <= (int64_t)h->vals[h->n - 1])
				rc = -EINVAL; /* not ascending */
			else
				rc = ctl_hll_add(h, v);
		}
		break;
	case TYPE_SPARSE:
	case CTL_HLL_REGISTERS:
		if ((h->regs = calloc(CTL_HLL_REGS, 1)) == NULL)
			return -ENOMEM;
		h->type = CTL_HLL_REGISTERS;
		if ((in[0] & 0x0f) == CTL_HLL_REGISTERS) {
			if (len != CTL_HLL_PACKED_MAX)
				rc = -EINVAL;
			for (unsigned i = 0; rc == 0 && i < CTL_HLL_REGS; i++)
				h->regs[i] = (uint8_t)get_bits(in + 3, &bit, CTL_HLL_REGWIDTH);
			break;
		}
		n = (len - 3) * 8 / SHORT_WORD;
		for (size_t i = 0; rc == 0 && i < n; i++) {
			uint32_t w = get_bits(in + 3, &bit, SHORT_WORD);

			h->regs[w >> CTL_HLL_REGWIDTH] =
			    (uint8_t)(w & ((1u << CTL_HLL_REGWIDTH) - 1));
		}
		break;
	default:
		rc = -EINVAL;
	}
	if (rc != 0)
		ctl_hll_fini(h);
	return rc;
}

/* SipHash-2-4's 64-bit output, read little-endian as its reference does;
 * ctx holds the key (EVP_MAC_init with no key starts over with it). */
static uint64_t
mac_run(EVP_MAC_CTX *ctx, const uint8_t key[CTL_HLL_KEY_LEN], const uint8_t *msg, size_t len)
{
	unsigned int size = 8;
	OSSL_PARAM params[] = {OSSL_PARAM_construct_uint(OSSL_MAC_PARAM_SIZE, &size),
			       OSSL_PARAM_construct_end()};
	uint8_t out[8] = {0};
	size_t outlen = 0;
	uint64_t v = 0;

	if (ctx != NULL &&
	    EVP_MAC_init(ctx, key, key ? CTL_HLL_KEY_LEN : 0, key ? params : NULL) == 1 &&
	    EVP_MAC_update(ctx, msg, len) == 1 &&
	    EVP_MAC_final(ctx, out, &outlen, sizeof(out)) == 1)
		for (int k = 7; k >= 0; k--)
			v = v << 8 | out[k];
	return v;
}

uint64_t
ctl_hll_siphash(const uint8_t key[CTL_HLL_KEY_LEN], const uint8_t *msg, size_t len)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "SIPHASH", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	uint64_t v = mac_run(ctx, key, msg, len);

	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return v;
}

/* The family byte and the address (IPv6 cut to v6_prefix bits). */
static size_t
client_msg(uint8_t msg[17], uint8_t family, const uint8_t *addr, unsigned v6_prefix)
{
	size_t n = family == 4 ? 4 : 16;

	msg[0] = family;
	memcpy(msg + 1, addr, n);
	if (family == 6)
		for (unsigned b = v6_prefix; b < 128; b++)
			msg[1 + b / 8] &= (uint8_t) ~(0x80u >> (b % 8));
	return 1 + n;
}

int
ctl_hll_hasher_init(struct ctl_hll_hasher *h, const uint8_t key[CTL_HLL_KEY_LEN])
{
	uint8_t probe = 0;
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "SIPHASH", NULL);

	h->ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	EVP_MAC_free(mac); /* the context keeps its own reference */
	if (h->ctx == NULL)
		return -ENOMEM;
	mac_run(h->ctx, key, &probe, 1); /* the key set once */
	return 0;
}

uint64_t
ctl_hll_hasher_client(struct ctl_hll_hasher *h, uint8_t family, const uint8_t *addr,
		      unsigned v6_prefix)
{
	uint8_t msg[17];
	size_t n = client_msg(msg, family, addr, v6_prefix);

	return mac_run(h->ctx, NULL, msg, n);
}

void
ctl_hll_hasher_fini(struct ctl_hll_hasher *h)
{
	EVP_MAC_CTX_free(h->ctx);
	h->ctx = NULL;
}

int
ctl_hll_key_fingerprint(const uint8_t key[CTL_HLL_KEY_LEN], char out[CTL_HLL_FP_LEN + 1])
{
	static const char domain[] = "tapcensus census key";
	uint8_t msg[sizeof(domain) - 1 + CTL_HLL_KEY_LEN], d[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	int rc;

	memcpy(msg, domain, sizeof(domain) - 1);
	memcpy(msg + sizeof(domain) - 1, key, CTL_HLL_KEY_LEN);
	rc = EVP_Digest(msg, sizeof(msg), d, &len, EVP_sha256(), NULL) == 1 && len >= 8 ? 0 : -EIO;
	for (unsigned i = 0; i < CTL_HLL_FP_LEN / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", rc == 0 ? d[i] : 0);
	memset(msg, 0, sizeof(msg));
	return rc;
}
