/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer: frames through dp_parse_frame (tags, MPLS, GRE, ERSPAN, VXLAN,
 * IPv4, IPv6, TCP, UDP).  Checks what the parser promises: pointers inside
 * the frame, payload within it, tunnel depth bounded. */
#include <stdint.h>
#include <stdlib.h>

#include "dp_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp_pkt p;
	enum dp_parse_rc rc;

	if (size > UINT32_MAX)
		return 0;
	rc = dp_parse_frame(data, (uint32_t)size, &p);
	if (p.encap > DP_PARSE_MAX_ENCAP)
		abort();
	if (rc == DP_PARSE_OK &&
	    (p.payload < data || p.payload + p.payload_len > data + size || p.saddr < data ||
	     p.daddr + (p.family == 4 ? 4 : 16) > data + size))
		abort();
	return 0;
}
