/* SPDX-License-Identifier: BSD-3-Clause */
/* tc_gen's capture: the whole pcap and its split by RX queue (as a
 * symmetric RSS key splits a capture) and in two parts. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "tc_gen.h"

/* PATH.<tag>0 .. PATH.<tag>(n-1): the files a capture is split into. */
static int
open_split(pcap_t *dead, const char *path, char tag, unsigned n, pcap_dumper_t **out)
{
	for (unsigned i = 0; i < n; i++) {
		char p[4096];

		snprintf(p, sizeof(p), "%s.%c%u", path, tag, i);
		if ((out[i] = pcap_dump_open(dead, p)) == NULL) {
			fprintf(stderr, "tc_gen: %s: %s\n", p, pcap_geterr(dead));
			return -1;
		}
	}
	return 0;
}

int
tc_out_open(struct tc_out *o, const char *path)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	int rc = 0;

	o->dump = pcap_dump_open(dead, path);
	if (o->dump == NULL) {
		fprintf(stderr, "tc_gen: %s: %s\n", path, pcap_geterr(dead));
		rc = 1;
	} else if ((o->n_queues > 1 && open_split(dead, path, 'q', o->n_queues, o->qdump)) ||
		   open_split(dead, path, 'p', o->n_parts, o->pdump)) {
		rc = 1;
	}
	pcap_close(dead);
	return rc;
}

void
tc_out_frame(struct tc_out *o, const uint8_t *frame, uint32_t len, uint32_t gap_us)
{
	struct pcap_pkthdr h;

	o->ts_us += gap_us;
	/* --side: the other direction's frames, and frames of no flow, are
	 * not on this tap. */
	if (o->side >= 0 && o->dir != o->side)
		return;
	if (o->packets == 0)
		o->first_us = o->ts_us;
	h.ts.tv_sec = (time_t)(o->epoch + o->ts_us / 1000000);
	h.ts.tv_usec = (suseconds_t)(o->ts_us % 1000000);
	h.caplen = h.len = len;
	pcap_dump((u_char *)o->dump, &h, frame);
	if (o->n_queues > 1)
		pcap_dump((u_char *)o->qdump[o->queue], &h, frame);
	if (o->n_parts > 1)
		pcap_dump((u_char *)o->pdump[o->part], &h, frame);
	o->part_packets[o->part]++;
	o->packets++;
}

/* FNV-1a over the client's and server's addresses and ports, which the
 * flow holds once whatever the direction. */
unsigned
tc_out_queue(const struct tc_out *o, const struct tb_spec *c)
{
	uint32_t h = 2166136261u;

	if (o->pin >= 0)
		return (unsigned)o->pin;
	for (int i = 0; i < 16; i++)
		h = (h ^ c->src[i] ^ ((uint32_t)c->dst[i] << 8)) * 16777619u;
	h = (h ^ c->sport ^ ((uint32_t)c->dport << 16)) * 16777619u;
	return o->n_queues > 1 ? h % o->n_queues : 0;
}

void
tc_out_close(struct tc_out *o)
{
	pcap_dump_close(o->dump);
	for (unsigned q = 0; o->n_queues > 1 && q < o->n_queues; q++)
		pcap_dump_close(o->qdump[q]);
	for (unsigned q = 0; q < o->n_parts; q++)
		pcap_dump_close(o->pdump[q]);
}
