/* SPDX-License-Identifier: BSD-3-Clause */
/* The census generator's organisations and captures (tc_census.h). */
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tb_pkt.h"
#include "tb_rnd.h"
#include "tc_census.h"

/* ---- The captures ---- */

/* Does this session rest on the name alone (its server is not the
 * vendor's)? */
int
session_name_only(const struct session *s)
{
	int no = orgs[s->org].name_only;

	return no == NAME_ONLY_ALL || (no == NAME_ONLY_ODD && s->client % 2 == 1);
}

/* The session's client, and its server: one of the vendor's configured
 * prefixes (config/tapcensus.yaml: 203.0.113.196/30, 2001:db8:5d::/64),
 * or another's for a name-only session. */
static void
client_addr(int org, int client, int name_only, struct tb_spec *s)
{
	memset(s->src, 0, 16);
	if (org < 32 && client % 2 == 0) {
		/* 198.51.100.(8 * org + 1 + client)/29 */
		s->family = 4;
		s->src[0] = 198;
		s->src[1] = 51;
		s->src[2] = 100;
		s->src[3] = (uint8_t)(8 * org + 1 + client);
		tb_addr(name_only ? "203.0.113.10" : "203.0.113.197", s->dst);
	} else {
		/* 2001:db8:1XX:C::1, a /64 of its own in the org's /48 */
		tb_addr("2001:db8::1", s->src);
		s->src[4] = 0x01;
		s->src[5] = (uint8_t)org;
		s->src[7] = (uint8_t)client;
		s->family = 6;
		tb_addr(name_only ? "2001:db8:5a::10" : "2001:db8:5d::10", s->dst);
	}
}

int
write_captures(const char *dir)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *dump[MAX_TAPS] = {0};
	uint64_t last_us[MAX_TAPS] = {0};
	uint16_t sport = 20000;
	uint8_t frame[4096], pl[2048];
	char path[4096];
	int rc = -1;

	for (int t = 0; t < n_taps; t++) {
		snprintf(path, sizeof(path), "%s/tap%d.pcap", dir, t);
		if ((dump[t] = pcap_dump_open(dead, path)) == NULL) {
			fprintf(stderr, "tc_census: %s: %s\n", path, pcap_geterr(dead));
			goto out;
		}
	}
	for (size_t i = 0; i < n_sess; i++) {
		const struct session *s = &sess[i];
		struct tb_spec c2s = {0}, s2c;
		uint32_t cseq = rnd(), sseq = rnd(), len;
		uint64_t t = s->t_us > last_us[s->tap] ? s->t_us : last_us[s->tap] + 1000;
		static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
		/* client or server, flags, payload: the session's frames */
		struct step {
			int dir;
			uint8_t flags;
			const uint8_t *p;
			uint32_t len;
		} steps[8];
		unsigned n = 0;

		client_addr(s->org, s->client, session_name_only(s), &c2s);
		c2s.proto = IPPROTO_TCP;
		c2s.sport = sport;
		c2s.dport = s->http ? 80 : 443;
		sport = sport >= 60000 ? 20000 : sport + 1;
		s2c = c2s;
		memcpy(s2c.src, c2s.dst, 16);
		memcpy(s2c.dst, c2s.src, 16);
		s2c.sport = c2s.dport;
		s2c.dport = c2s.sport;
		len = s->http ? tb_http_get(pl, sizeof(pl), s->name, "/bases/index.xml")
			      : tb_tls_client_hello(pl, sizeof(pl), s->name, false, rnd() % 100);
		steps[n++] = (struct step){0, 0x02, NULL, 0};
		steps[n++] = (struct step){1, 0x12, NULL, 0};
		steps[n++] = (struct step){0, 0x10, NULL, 0};
		steps[n++] = (struct step){0, 0x18, pl, len};
		steps[n++] = (struct step){1, 0x18, (const uint8_t *)ok, sizeof(ok) - 1};
		steps[n++] = (struct step){0, 0x11, NULL, 0};
		steps[n++] = (struct step){1, 0x11, NULL, 0};
		steps[n++] = (struct step){0, 0x10, NULL, 0};
		for (unsigned k = 0; k < n; k++) {
			struct tb_spec *sp = steps[k].dir ? &s2c : &c2s;
			uint32_t *seq = steps[k].dir ? &sseq : &cseq;
			struct pcap_pkthdr h;
			uint32_t fl;

			sp->tcp_flags = steps[k].flags;
			sp->seq = *seq;
			sp->payload = steps[k].p;
			sp->plen = steps[k].len;
			fl = tb_frame(sp, frame, sizeof(frame));
			if (fl == 0)
				goto out;
			*seq += steps[k].len + ((steps[k].flags & 0x03) ? 1 : 0);
			h.ts.tv_sec = epoch + (time_t)(t / 1000000);
			h.ts.tv_usec = (suseconds_t)(t % 1000000);
			h.caplen = h.len = fl;
			pcap_dump((u_char *)dump[s->tap], &h, frame);
			t += 200;
		}
		last_us[s->tap] = t;
	}
	rc = 0;
out:
	for (int t = 0; t < n_taps; t++)
		if (dump[t] != NULL)
			pcap_dump_close(dump[t]);
	pcap_close(dead);
	return rc;
}

int
write_orgs(const char *dir)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/orgs.csv", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "prefix,org_id,name,country,sector,government\n");
	for (unsigned o = 0; o < n_orgs; o++) {
		const struct org *g = &orgs[o];

		if (o < 32)
			fprintf(f, "198.51.100.%u/29,%s,\"%s\",%s,\"%s\",%s\n", 8 * o, g->id,
				g->name, g->cc, g->sector, g->gov ? "true" : "false");
		fprintf(f, "2001:db8:1%02x::/48,%s,\"%s\",%s,\"%s\",%s\n", o, g->id, g->name, g->cc,
			g->sector, g->gov ? "true" : "false");
	}
	return fclose(f);
}
