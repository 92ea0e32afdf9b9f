/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer: one extractor (TLS SNI, HTTP Host, DNS qname, DNS answers or
 * QUIC Initial, chosen at build time by FUZZ_TLS / FUZZ_HTTP / FUZZ_DNS /
 * FUZZ_DNSANS / FUZZ_QUIC) on arbitrary payloads.  Checks the dp_name
 * invariants on every name it returns, and for QUIC that every CRYPTO frame
 * lies inside the decrypted plaintext (the ClientHello in it is then read
 * as the dataplane reads it). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dp_dns.h"
#include "dp_dnsans.h"
#include "dp_http.h"
#include "dp_quic.h"
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
#elif defined(FUZZ_DNSANS)
	struct dp_dns_addr a[DP_DNS_MAX_ADDRS];
	unsigned na;

	rc = dp_dns_answers(data, (uint32_t)size, &n, a, &na);
	if (na > DP_DNS_MAX_ADDRS)
		abort();
	for (unsigned i = 0; i < na; i++)
		if (a[i].family != 4 && a[i].family != 6)
			abort();
#elif defined(FUZZ_QUIC)
	static struct dp_quic *q;
	static uint8_t plain[65536];
	struct dp_quic_crypto fr[DP_QUIC_MAX_FRAMES];
	unsigned nf;
	bool ech;

	if (q == NULL && (q = dp_quic_create()) == NULL)
		abort();
	if (size > sizeof(plain))
		return 0;
	rc = DP_NAME_NONE;
	if (dp_quic_open(q, data, (uint32_t)size, plain, fr, DP_QUIC_MAX_FRAMES, &nf) ==
	    DP_QUIC_OK) {
		for (unsigned i = 0; i < nf; i++)
			if (fr[i].data < plain || fr[i].data + fr[i].len > plain + size)
				abort();
		if (nf > 0 && fr[0].off == 0)
			rc = dp_tls_hello_sni(fr[0].data, fr[0].len, &n, &ech);
	}
#else
	rc = dp_dns_qname(data, (uint32_t)size, &n);
#endif
	if (rc > DP_NAME_MALFORMED)
		abort();
	if (rc == DP_NAME_FOUND) {
		if (n.len == 0 || n.len > DP_NAME_MAX || strlen(n.s) != n.len)
			abort();
		for (size_t i = 0; i < n.len; i++)
			if (!((n.s[i] >= 'a' && n.s[i] <= 'z') ||
			      (n.s[i] >= '0' && n.s[i] <= '9') || n.s[i] == '-' || n.s[i] == '_' ||
			      n.s[i] == '.') ||
			    (n.s[i] == '.' && (i == 0 || n.s[i - 1] == '.')))
				abort();
		if (n.s[n.len - 1] == '.')
			abort();
	}
	return 0;
}
