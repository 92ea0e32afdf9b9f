/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_quic.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "dp_cursor.h"

struct dp_quic {
	EVP_CIPHER_CTX *ecb, *gcm;
	EVP_CIPHER *aes_ecb, *aes_gcm;
};

/* RFC 9001 5.2 and RFC 9369 3.3.1. */
static const uint8_t salt_v1[20] = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
				    0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};
static const uint8_t salt_v2[20] = {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
				    0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9};

#define TAG_LEN 16
#define SAMPLE_LEN 16

struct dp_quic *
dp_quic_create(void)
{
	struct dp_quic *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return NULL;
	q->ecb = EVP_CIPHER_CTX_new();
	q->gcm = EVP_CIPHER_CTX_new();
	q->aes_ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
	q->aes_gcm = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
	if (q->ecb == NULL || q->gcm == NULL || q->aes_ecb == NULL || q->aes_gcm == NULL) {
		dp_quic_free(q);
		return NULL;
	}
	return q;
}

void
dp_quic_free(struct dp_quic *q)
{
	if (q == NULL)
		return;
	EVP_CIPHER_CTX_free(q->ecb);
	EVP_CIPHER_CTX_free(q->gcm);
	EVP_CIPHER_free(q->aes_ecb);
	EVP_CIPHER_free(q->aes_gcm);
	free(q);
}

/* RFC 8446 7.1 HKDF-Expand-Label with an empty context, L <= 32 (one
 * HMAC-SHA256 block of RFC 5869 2.3). */
static int
expand_label(const uint8_t prk[32], const char *label, uint8_t *out, uint32_t l)
{
	uint8_t info[64], t[32];
	size_t ll = strlen(label);
	unsigned tl = 0;

	info[0] = 0;
	info[1] = (uint8_t)l;
	info[2] = (uint8_t)(6 + ll);
	memcpy(info + 3, "tls13 ", 6);
	memcpy(info + 9, label, ll);
	info[9 + ll] = 0;     /* context */
	info[10 + ll] = 0x01; /* T(1) */
	if (HMAC(EVP_sha256(), prk, 32, info, 11 + ll, t, &tl) == NULL || tl != 32)
		return -EIO;
	memcpy(out, t, l);
	return 0;
}

int
dp_quic_client_keys(uint32_t version, const uint8_t *dcid, uint32_t dcid_len,
		    struct dp_quic_keys *k)
{
	const uint8_t *salt;
	const char *lk, *li, *lh;
	uint8_t initial[32], client[32];
	unsigned tl = 0;

	if (version == DP_QUIC_V1) {
		salt = salt_v1;
		lk = "quic key", li = "quic iv", lh = "quic hp";
	} else if (version == DP_QUIC_V2) {
		salt = salt_v2;
		lk = "quicv2 key", li = "quicv2 iv", lh = "quicv2 hp";
	} else {
		return -ENOTSUP;
	}
	/* HKDF-Extract(salt, DCID) is HMAC(salt, DCID) (RFC 5869 2.2). */
	if (HMAC(EVP_sha256(), salt, 20, dcid, dcid_len, initial, &tl) == NULL || tl != 32)
		return -EIO;
	if (expand_label(initial, "client in", client, 32) ||
	    expand_label(client, lk, k->key, 16) || expand_label(client, li, k->iv, 12) ||
	    expand_label(client, lh, k->hp, 16))
		return -EIO;
	return 0;
}

/* RFC 9000 19: which frames an Initial may carry, and where CRYPTO's are. */
static enum dp_quic_rc
list_frames(const uint8_t *p, uint32_t len, struct dp_quic_crypto *out, unsigned max, unsigned *n)
{
	/* The frames fill the payload: running out is malformed. */
	struct dp_cur c = dp_cur_make(p, len, len);

	*n = 0;
	while (c.have > 0) {
		uint64_t type = dp_cur_varint(&c), a, b, k;
		const uint8_t *data;

		switch (type) {
		case 0x00: /* PADDING */
		case 0x01: /* PING */
			break;
		case 0x02: /* ACK */
		case 0x03: /* ACK with ECN counts */
			/* Largest, delay, range count, first range, then ranges. */
			dp_cur_varint(&c);
			dp_cur_varint(&c);
			k = dp_cur_varint(&c);
			dp_cur_varint(&c);
			if (c.st != DP_CUR_OK || k > len)
				return DP_QUIC_MALFORMED;
			for (uint64_t i = 0; i < k && c.st == DP_CUR_OK; i++) {
				dp_cur_varint(&c);
				dp_cur_varint(&c);
			}
			for (int i = 0; type == 0x03 && i < 3; i++)
				dp_cur_varint(&c);
			break;
		case 0x06: /* CRYPTO: offset, length, data */
			a = dp_cur_varint(&c);
			b = dp_cur_varint(&c);
			if (c.st != DP_CUR_OK || b > c.have || a + b > (1ull << 62) || *n == max)
				return DP_QUIC_MALFORMED;
			data = dp_cur_take(&c, (uint32_t)b);
			out[*n] = (struct dp_quic_crypto){a, data, (uint32_t)b};
			(*n)++;
			break;
		case 0x1c: /* CONNECTION_CLOSE: code, frame type, reason */
			dp_cur_varint(&c);
			dp_cur_varint(&c);
			b = dp_cur_varint(&c);
			if (c.st != DP_CUR_OK || b > c.have)
				return DP_QUIC_MALFORMED;
			dp_cur_take(&c, (uint32_t)b);
			break;
		default:
			return DP_QUIC_MALFORMED;
		}
		if (c.st != DP_CUR_OK)
			return DP_QUIC_MALFORMED;
	}
	return DP_QUIC_OK;
}

static int
hp_mask(struct dp_quic *q, const uint8_t hp[16], const uint8_t *sample, uint8_t mask[16])
{
	int outl = 0;

	if (EVP_EncryptInit_ex(q->ecb, q->aes_ecb, NULL, hp, NULL) != 1)
		return -1;
	EVP_CIPHER_CTX_set_padding(q->ecb, 0);
	if (EVP_EncryptUpdate(q->ecb, mask, &outl, sample, SAMPLE_LEN) != 1 || outl != 16)
		return -1;
	return 0;
}

static int
aead_open(struct dp_quic *q, const struct dp_quic_keys *k, uint64_t pn, const uint8_t *aad,
	  uint32_t aad_len, const uint8_t *ct, uint32_t ct_len, uint8_t *plain)
{
	uint8_t nonce[12];
	int outl = 0, fin = 0;

	/* RFC 9001 5.3: the IV XORed with the packet number, left-padded. */
	memcpy(nonce, k->iv, 12);
	for (int i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
	if (EVP_DecryptInit_ex(q->gcm, q->aes_gcm, NULL, k->key, nonce) != 1 ||
	    EVP_DecryptUpdate(q->gcm, NULL, &outl, aad, (int)aad_len) != 1 ||
	    EVP_DecryptUpdate(q->gcm, plain, &outl, ct, (int)(ct_len - TAG_LEN)) != 1 ||
	    EVP_CIPHER_CTX_ctrl(q->gcm, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
				(void *)(uintptr_t)(ct + ct_len - TAG_LEN)) != 1)
		return -1;
	if (EVP_DecryptFinal_ex(q->gcm, plain + outl, &fin) != 1)
		return -1; /* authentication failed */
	return 0;
}

enum dp_quic_rc
dp_quic_open(struct dp_quic *q, const uint8_t *p, uint32_t len, uint8_t *plain,
	     struct dp_quic_crypto *out, unsigned max, unsigned *n)
{
	uint8_t hdr[1536], mask[16]; /* the header is the AEAD associated data */
	struct dp_quic_keys k;
	uint32_t version, dcid_len, scid_len, pn_off, pn_len, type;
	const uint8_t *dcid;
	struct dp_cur c;
	uint64_t tok_len, plen, pn = 0;

	*n = 0;
	if (len < 1 || !(p[0] & 0x80))
		return DP_QUIC_NOT_INITIAL; /* a short header */
	if (len < 7)
		return DP_QUIC_TRUNCATED;
	version = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
	if (version == 0)
		return DP_QUIC_VERSION_NEG;
	if (version != DP_QUIC_V1 && version != DP_QUIC_V2)
		return DP_QUIC_VERSION_UNKNOWN;
	/* Initial is type 0 in v1, 1 in v2 (RFC 9369 3.2). */
	type = (p[0] >> 4) & 3;
	if (type != (version == DP_QUIC_V1 ? 0u : 1u))
		return DP_QUIC_NOT_INITIAL;
	if (!(p[0] & 0x40))
		return DP_QUIC_MALFORMED; /* fixed bit */
	dcid_len = p[5];
	if (dcid_len > DP_QUIC_MAX_CID)
		return DP_QUIC_MALFORMED;
	/* RFC 9000 17.2.2: the connection IDs, the token, the Length; a packet
	 * that ends within them is cut short. */
	c = dp_cur_make(p + 6, DP_CUR_UNBOUNDED, len - 6);
	dcid = dp_cur_take(&c, dcid_len);
	scid_len = dp_cur_uint(&c, 1);
	if (c.st != DP_CUR_OK)
		return DP_QUIC_TRUNCATED;
	if (scid_len > DP_QUIC_MAX_CID)
		return DP_QUIC_MALFORMED;
	dp_cur_take(&c, scid_len);
	tok_len = dp_cur_varint(&c);
	if (c.st != DP_CUR_OK || tok_len > c.have)
		return DP_QUIC_TRUNCATED;
	dp_cur_take(&c, (uint32_t)tok_len);
	plen = dp_cur_varint(&c);
	if (c.st != DP_CUR_OK)
		return DP_QUIC_TRUNCATED;
	pn_off = dp_cur_off(&c, p);
	/* The Length covers packet number and payload; the sample starts 4
	 * bytes past the packet number's start (RFC 9001 5.4.2). */
	if (plen < 4 + SAMPLE_LEN || plen > 65535)
		return DP_QUIC_MALFORMED;
	if (plen > len - pn_off)
		return DP_QUIC_TRUNCATED;
	if (pn_off + 4 > sizeof(hdr))
		return DP_QUIC_MALFORMED;
	if (dp_quic_client_keys(version, dcid, dcid_len, &k) ||
	    hp_mask(q, k.hp, p + pn_off + 4, mask))
		return DP_QUIC_MALFORMED;

	/* Remove header protection: the low 4 bits of the first byte, then
	 * the packet number bytes (RFC 9001 5.4.1). */
	memcpy(hdr, p, pn_off + 4);
	hdr[0] ^= mask[0] & 0x0f;
	pn_len = (hdr[0] & 3) + 1u;
	for (uint32_t i = 0; i < pn_len; i++) {
		hdr[pn_off + i] ^= mask[1 + i];
		pn = pn << 8 | hdr[pn_off + i];
	}
	if (plen - pn_len < TAG_LEN)
		return DP_QUIC_MALFORMED;
	/* The first Initial's packet number is small: the truncated value is
	 * the full one (RFC 9000 17.1, expected number 0). */
	if (aead_open(q, &k, pn, hdr, pn_off + pn_len, p + pn_off + pn_len, (uint32_t)plen - pn_len,
		      plain))
		return DP_QUIC_MALFORMED;
	return list_frames(plain, (uint32_t)plen - pn_len - TAG_LEN, out, max, n);
}
