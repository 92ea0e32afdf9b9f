/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_opts.h - the command line, and the offline replay it may ask for:
 * one net_pcap port of N RX queues (one --pcap file each) in place of the
 * configured ports, served by the first N configured workers, replayed to
 * the end of the files (net_pcap gives no end-of-file signal, so the files'
 * packets are counted first).
 *
 * Errors: ctl_opts_parse and ctl_opts_offline return 0 or -EINVAL/-E2BIG
 * with the reason on stderr; ctl_opts_pcap_count returns -1 (told).
 */
#ifndef CTL_OPTS_H
#define CTL_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_worker.h"

#include "ctl_config.h"

struct ctl_opts {
	const char *config;
	const char *pcap; /* the first of pcaps[], NULL when live */
	const char *pcaps[CTL_MAX_WORKERS];
	unsigned n_pcaps;
	const char *metrics_out;
	const char *lookup; /* --lookup FILE: attribute its addresses, then exit */
	bool infinite;
	bool serve;
	bool linger;
	bool no_summary;
	double duration;
	uint32_t pace;			/* --pace PPS: offline, packets a second per worker */
	uint8_t links[CTL_MAX_WORKERS]; /* each file's enum dp_link (ctl_opts_pcap_read) */
	uint64_t capture_t0; /* the files' first packet, Unix seconds (ctl_opts_pcap_read) */
	/* Each file's records whose microsecond field is not below 10^6
	 * (ctl_opts_pcap_read; malloc'd, ctl_opts_free): their stamps
	 * cannot be told from good ones once net_pcap has made them. */
	struct dp_bad_stamps bad[CTL_MAX_WORKERS];
};

/* Parses argv into o (--help prints the usage and exits 0). */
int ctl_opts_parse(int argc, char **argv, struct ctl_opts *o);

/* Offline: cfg's ports become the one net_pcap port of o's files. */
int ctl_opts_offline(struct ctl_config *cfg, const struct ctl_opts *o);

/* Reads each file's link type into o->links (one the parser does not read
 * is refused) and the earliest first packet's time into o->capture_t0 (the
 * replay's clock starts there), and sets *expected to the packets in the files, summed, or
 * -1 when there is no end (--infinite).  0, or -1 when a file cannot be
 * read or its link type is not (told). */
int ctl_opts_pcap_read(struct ctl_opts *o, long long *expected);

/* Frees what ctl_opts_pcap_read allocated. */
void ctl_opts_free(struct ctl_opts *o);

#endif
