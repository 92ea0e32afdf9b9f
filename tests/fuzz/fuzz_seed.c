/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_seed PCAP DIR - seed corpora from a generator pcap: every frame into
 * DIR/l2l4, and the TCP/UDP payloads that begin a ClientHello, an HTTP
 * request, a DNS query, a DNS response or a QUIC packet to port 443 into
 * DIR/tls, DIR/http, DIR/dns, DIR/dnsans, DIR/quic (at most 200 each).
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <sys/stat.h>

#include "dp_parse.h"

static int
put(const char *dir, const char *kind, unsigned *count, const uint8_t *d, uint32_t n)
{
	char path[4096];
	FILE *f;

	if (*count >= 200)
		return 0;
	snprintf(path, sizeof(path), "%s/%s/%u", dir, kind, (*count)++);
	f = fopen(path, "wb");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	fwrite(d, 1, n, f);
	return fclose(f);
}

int
main(int argc, char **argv)
{
	static const char *const kinds[] = {"l2l4", "tls", "http", "dns", "dnsans", "quic"};
	unsigned counts[6] = {0};
	char errbuf[PCAP_ERRBUF_SIZE], path[4096];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;

	if (argc != 3) {
		fprintf(stderr, "usage: fuzz_seed PCAP DIR\n");
		return 2;
	}
	p = pcap_open_offline(argv[1], errbuf);
	if (p == NULL) {
		fprintf(stderr, "fuzz_seed: %s\n", errbuf);
		return 1;
	}
	for (int k = 0; k < 6; k++) {
		snprintf(path, sizeof(path), "%s/%s", argv[2], kinds[k]);
		mkdir(argv[2], 0755);
		mkdir(path, 0755);
	}
	while (pcap_next_ex(p, &h, &d) == 1) {
		struct dp_pkt pk;
		int k = -1;

		if (put(argv[2], "l2l4", &counts[0], d, h->caplen))
			return 1;
		if (dp_parse_frame(d, h->caplen, &pk) != DP_PARSE_OK || pk.payload_len == 0)
			continue;
		if (pk.proto == 6 && pk.payload[0] == 0x16)
			k = 1;
		else if (pk.proto == 6 && pk.payload[0] >= 'A' && pk.payload[0] <= 'Z')
			k = 2;
		else if (pk.proto == 17 && pk.dport == 53)
			k = 3;
		else if (pk.proto == 17 && pk.sport == 53)
			k = 4;
		else if (pk.proto == 17 && pk.dport == 443)
			k = 5;
		if (k > 0 && put(argv[2], kinds[k], &counts[k], pk.payload, pk.payload_len))
			return 1;
	}
	pcap_close(p);
	printf("fuzz_seed: %u frames, %u tls, %u http, %u dns, %u dns answers, %u quic\n",
	       counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
	return 0;
}
