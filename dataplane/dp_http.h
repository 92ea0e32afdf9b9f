/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_http.h - Host of an HTTP/1.x request head (RFC 9112 3, RFC 9110 7.2).
 *
 * dp_http_host() reads a TCP payload that begins a request.  It returns
 * DP_NAME_NOT_PROTO unless the payload starts with a known method and a
 * space; DP_NAME_TRUNCATED when the head ends before a Host line was seen;
 * DP_NAME_MALFORMED for a request line without an HTTP/1.x version, two
 * Host fields (RFC 9112 3.2 makes that a 400) or a Host that is no name;
 * DP_NAME_NONE when the head has no Host, or a Host that is an IP literal.
 * At most DP_HTTP_MAX_HEAD bytes are read.
 */
#ifndef DP_HTTP_H
#define DP_HTTP_H

#include <stdint.h>

#include "dp_name.h"

#define DP_HTTP_MAX_HEAD 8192

enum dp_name_rc dp_http_host(const uint8_t *p, uint32_t len, struct dp_name *name);

#endif
