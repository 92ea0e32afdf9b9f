/* SPDX-License-Identifier: BSD-3-Clause */
/* QUIC client Initial packets for tests and the generator, sealed with
 * OpenSSL's HKDF and AEAD interfaces (EVP_KDF, EVP_CIPHER): a path of its
 * own, apart from dataplane/dp_quic.c, following RFC 9001 5 and RFC 9369. */
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "tb_pkt.h"

static int
hkdf(int mode, const uint8_t *key, size_t klen, const uint8_t *salt, size_t slen,
     const uint8_t *info, size_t ilen, uint8_t *out, size_t olen)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM prm[6], *q = prm;
	int rc = -1;

	if (ctx == NULL)
		goto out;
	*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	*q++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, klen);
	if (salt)
		*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, slen);
	if (info)
		*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, ilen);
	*q = OSSL_PARAM_construct_end();
	rc = EVP_KDF_derive(ctx, out, olen, prm) == 1 ? 0 : -1;
out:
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return rc;
}

static int
label(const uint8_t *secret, const char *l, uint8_t *out, size_t olen)
{
	uint8_t info[80];
	size_t n = strlen(l);

	info[0] = 0;
	info[1] = (uint8_t)olen;
	info[2] = (uint8_t)(6 + n);
	memcpy(info + 3, "tls13 ", 6);
	memcpy(info + 9, l, n);
	info[9 + n] = 0;
	return hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, secret, 32, NULL, 0, info, 10 + n, out, olen);
}

int
tb_quic_keys(uint32_t version, const uint8_t *dcid, uint32_t dcid_len, uint8_t key[16],
	     uint8_t iv[12], uint8_t hp[16])
{
	static const uint8_t s1[20] = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
				       0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};
	static const uint8_t s2[20] = {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
				       0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9};
	const char *pre = version == 1 ? "quic " : "quicv2 ";
	uint8_t initial[32], client[32];
	char l[32];

	if (hkdf(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, dcid, dcid_len, version == 1 ? s1 : s2, 20, NULL,
		 0, initial, 32) ||
	    label(initial, "client in", client, 32))
		return -1;
	snprintf(l, sizeof(l), "%skey", pre);
	if (label(client, l, key, 16))
		return -1;
	snprintf(l, sizeof(l), "%siv", pre);
	if (label(client, l, iv, 12))
		return -1;
	snprintf(l, sizeof(l), "%shp", pre);
	return label(client, l, hp, 16);
}

static uint32_t
put_varint(uint8_t *p, uint64_t v)
{
	if (v < 64) {
		p[0] = (uint8_t)v;
		return 1;
	}
	if (v < 16384) {
		p[0] = (uint8_t)(0x40 | v >> 8);
		p[1] = (uint8_t)v;
		return 2;
	}
	p[0] = (uint8_t)(0x80 | v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

uint32_t
tb_quic_initial(uint8_t *out, uint32_t cap, uint32_t version, const uint8_t dcid[8], uint32_t pn,
		const struct tb_crypto_frag *frag, unsigned n, uint32_t size)
{
	uint8_t plain[2048], key[16], iv[12], hp[16], mask[16], nonce[12];
	uint32_t h = 0, pl = 0, pn_off, total;
	EVP_CIPHER_CTX *c;
	int outl, ok;

	if (tb_quic_keys(version, dcid, 8, key, iv, hp))
		return 0;
	for (unsigned i = 0; i < n; i++) {
		plain[pl++] = 0x06;
		pl += put_varint(plain + pl, frag[i].off);
		pl += put_varint(plain + pl, frag[i].len);
		memcpy(plain + pl, frag[i].data, frag[i].len);
		pl += frag[i].len;
	}
	/* Header: Initial (v1 type 0, v2 type 1), 2-byte packet number. */
	out[h++] = (uint8_t)(0xc0 | (version == 1 ? 0 : 1) << 4 | 0x01);
	out[h++] = (uint8_t)(version >> 24);
	out[h++] = (uint8_t)(version >> 16);
	out[h++] = (uint8_t)(version >> 8);
	out[h++] = (uint8_t)version;
	out[h++] = 8;
	memcpy(out + h, dcid, 8);
	h += 8;
	out[h++] = 0; /* no source connection id */
	out[h++] = 0; /* no token */
	/* Pad the plaintext so the datagram is size bytes (RFC 9000 14.1). */
	total = h + 2 + 2 + pl + 16;
	if (size > total) {
		memset(plain + pl, 0, size - total);
		pl += size - total;
	}
	if (h + 4 + pl + 16 > cap || pl > sizeof(plain))
		return 0;
	out[h++] = (uint8_t)(0x40 | (pl + 2 + 16) >> 8);
	out[h++] = (uint8_t)(pl + 2 + 16);
	pn_off = h;
	out[h++] = (uint8_t)(pn >> 8);
	out[h++] = (uint8_t)pn;
	memcpy(nonce, iv, 12);
	nonce[10] ^= (uint8_t)(pn >> 8);
	nonce[11] ^= (uint8_t)pn;
	c = EVP_CIPHER_CTX_new();
	ok = c && EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, nonce) == 1 &&
	     EVP_EncryptUpdate(c, NULL, &outl, out, (int)h) == 1 &&
	     EVP_EncryptUpdate(c, out + h, &outl, plain, (int)pl) == 1 &&
	     EVP_EncryptFinal_ex(c, out + h + outl, &outl) == 1 &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, out + h + pl) == 1;
	ok = ok && EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, hp, NULL) == 1 &&
	     EVP_EncryptUpdate(c, mask, &outl, out + pn_off + 4, 16) == 1;
	EVP_CIPHER_CTX_free(c);
	if (!ok)
		return 0;
	out[0] ^= mask[0] & 0x0f;
	out[pn_off] ^= mask[1];
	out[pn_off + 1] ^= mask[2];
	return h + pl + 16;
}

uint32_t
tb_tls_hello_message(uint8_t *out, uint32_t cap, const char *sni, uint32_t key_share)
{
	uint8_t rec[8192];
	uint32_t n = tb_tls_client_hello_ks(rec, sizeof(rec), sni, false, 0, key_share);

	/* The record without its 5-byte header is the handshake message. */
	if (n < 5 || n - 5 > cap)
		return 0;
	memcpy(out, rec + 5, n - 5);
	return n - 5;
}
