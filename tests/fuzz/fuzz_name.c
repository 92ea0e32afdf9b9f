/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer: one extractor (TLS SNI, HTTP Host or DNS qname, chosen at
 * build time by FUZZ_TLS / FUZZ_HTTP / FUZZ_DNS) on arbitrary payloads.
 * Checks the dp_name invariants on every name it returns. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dp_dns.h"
#include "dp_http.h"
#include "dp_tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp_name n;
	enum dp_name_rc rc;

	if (size > UINT32_MAX)
		return 0;
#if defined(FUZZ_TLS)
	bool ech;

	rc = dp_tls_sni(data, (uint32_t)size, &n, &ech);
#elif defined(FUZZ_HTTP)
	rc = dp_http_host(data, (uint32_t)size, &n);
#else
	rc = dp_dns_qname(data, (uint32_t)size, &n);
#endif
	if (rc > DP_NAME_MALFORMED)
		abort();
	if (rc == DP_NAME_FOUND) {
		if (n.len == 0 || n.len > DP_NAME_MAX || strlen(n.s) != n.len)
			abort();
		for (size_t i = 0; i < n.len; i++)
			if (!((n.s[i] >= 'a' && n.s[i] <= 'z') || (n.s[i] >= '0' && n.s[i] <= '9') ||
			      n.s[i] == '-' || n.s[i] == '_' || n.s[i] == '.') ||
			    (n.s[i] == '.' && (i == 0 || n.s[i - 1] == '.')))
				abort();
		if (n.s[n.len - 1] == '.')
			abort();
	}
	return 0;
}
