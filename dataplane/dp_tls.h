/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_tls.h - server_name of a TLS ClientHello (RFC 8446 4.1.2, RFC 6066 3).
 *
 * dp_tls_sni() reads a TCP payload that begins a TLS record.  Only what the
 * payload holds is read: a ClientHello cut by the segment end before its
 * server_name gives DP_NAME_TRUNCATED.  *ech is set when the ClientHello
 * carries encrypted_client_hello (0xfe0d) among the extensions read.
 * Returns DP_NAME_NOT_PROTO for anything but a handshake record starting a
 * ClientHello, DP_NAME_NONE for a ClientHello without a host_name entry.
 */
#ifndef DP_TLS_H
#define DP_TLS_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_name.h"

#define DP_TLS_EXT_SERVER_NAME 0x0000
#define DP_TLS_EXT_ECH 0xfe0d

enum dp_name_rc dp_tls_sni(const uint8_t *p, uint32_t len, struct dp_name *name, bool *ech);

/* The same for a bare handshake message (QUIC carries the ClientHello in
 * CRYPTO frames, without TLS records, RFC 9001 4). */
enum dp_name_rc dp_tls_hello_sni(const uint8_t *p, uint32_t len, struct dp_name *name, bool *ech);

#endif
