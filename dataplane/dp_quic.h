/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_quic.h - the CRYPTO frames of a QUIC client Initial packet: version 1
 * (RFC 9000, RFC 9001) and version 2 (RFC 9369).
 *
 * dp_quic_open() reads the first packet of a UDP datagram.  For a client
 * Initial of a known version it derives the Initial keys from the
 * Destination Connection ID (RFC 9001 5.2), removes header protection
 * (5.4), decrypts the payload with AEAD_AES_128_GCM (5.3) using OpenSSL's
 * libcrypto, and lists the CRYPTO frames of the plaintext (RFC 9000 19.6)
 * with their stream offsets.  Frame data points into plain, which must hold
 * len bytes.  Only PADDING, PING, ACK, CRYPTO and CONNECTION_CLOSE may
 * appear in an Initial (RFC 9000 12.4); anything else is malformed.
 *
 * Returns (enum dp_quic_rc):
 *   DP_QUIC_OK            *n frames in out (at most max; more is malformed).
 *   DP_QUIC_NOT_INITIAL   a short header, or another long-header type.
 *   DP_QUIC_VERSION_NEG   a Version Negotiation packet (version 0).
 *   DP_QUIC_VERSION_UNKNOWN  a long header of a version we cannot read.
 *   DP_QUIC_MALFORMED     bad header, lengths, frames, or authentication.
 *   DP_QUIC_TRUNCATED     the datagram ends inside the packet.
 *
 * A struct dp_quic holds preallocated cipher contexts: one per thread.
 * dp_quic_create() returns NULL when libcrypto cannot provide AES-128.
 */
#ifndef DP_QUIC_H
#define DP_QUIC_H

#include <stdint.h>

#define DP_QUIC_V1 0x00000001u
#define DP_QUIC_V2 0x6b3343cfu
#define DP_QUIC_MAX_CID 20
#define DP_QUIC_MAX_FRAMES 64

enum dp_quic_rc {
	DP_QUIC_OK = 0,
	DP_QUIC_NOT_INITIAL,
	DP_QUIC_VERSION_NEG,
	DP_QUIC_VERSION_UNKNOWN,
	DP_QUIC_MALFORMED,
	DP_QUIC_TRUNCATED,
};

struct dp_quic_keys {
	uint8_t key[16], iv[12], hp[16];
};

struct dp_quic_crypto {
	uint64_t off;
	const uint8_t *data;
	uint32_t len;
};

struct dp_quic;

struct dp_quic *dp_quic_create(void);
void dp_quic_free(struct dp_quic *q);

/* The client's Initial keys for a version and DCID; 0 or -ENOTSUP. */
int dp_quic_client_keys(uint32_t version, const uint8_t *dcid, uint32_t dcid_len,
			struct dp_quic_keys *k);

enum dp_quic_rc dp_quic_open(struct dp_quic *q, const uint8_t *p, uint32_t len, uint8_t *plain,
			     struct dp_quic_crypto *out, unsigned max, unsigned *n);

#endif
