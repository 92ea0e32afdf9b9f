/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_opts.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "dp_parse.h"

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: tapcensus -c CONFIG [options]\n"
		"  -c, --config FILE       YAML configuration (required)\n"
		"  -r, --pcap FILE         offline: replay FILE through net_pcap instead of the\n"
		"                          configured ports, to its end, then print the summary;\n"
		"                          given N times, N RX queues, one file each, served by\n"
		"                          the first N configured workers\n"
		"  -o, --metrics-out FILE  write the final exposition to FILE (- for standard\n"
		"                          output; a device or FIFO is written in place)\n"
		"      --serve             offline: serve /metrics while replaying too\n"
		"      --infinite          offline: replay the file in a loop (benchmarks)\n"
		"      --pace PPS          offline: each worker receives at most PPS packets a\n"
		"                          second (a replay that lasts, for reloads under way)\n"
		"      --linger            offline: after the replay, keep serving (and writing\n"
		"                          the state) until SIGINT or SIGTERM\n"
		"  -d, --duration SEC      stop after SEC seconds, print per-worker rates\n"
		"      --no-summary        do not print the summary table\n"
		"      --lookup FILE       print the organisation of each address in FILE (one\n"
		"                          a line, - for standard input): org_id, AS, country,\n"
		"                          sector, government; then exit (no port is opened)\n");
}

int
ctl_opts_parse(int argc, char **argv, struct ctl_opts *o)
{
	static const struct option lo[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"pcap", required_argument, NULL, 'r'},
	    {"metrics-out", required_argument, NULL, 'o'},
	    {"duration", required_argument, NULL, 'd'},
	    {"serve", no_argument, NULL, 's'},
	    {"infinite", no_argument, NULL, 'i'},
	    {"linger", no_argument, NULL, 'l'},
	    {"no-summary", no_argument, NULL, 'n'},
	    {"lookup", required_argument, NULL, 'L'},
	    {"pace", required_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "c:r:o:d:h", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'r':
			if (o->n_pcaps == CTL_MAX_WORKERS) {
				fprintf(stderr, "tapcensus: --pcap: at most %d files\n",
					CTL_MAX_WORKERS);
				return -EINVAL;
			}
			o->pcaps[o->n_pcaps++] = optarg;
			o->pcap = o->pcaps[0];
			break;
		case 'o':
			o->metrics_out = optarg;
			break;
		case 'd':
			o->duration = strtod(optarg, NULL);
			if (o->duration <= 0) {
				fprintf(stderr,
					"tapcensus: --duration: '%s' is not a positive number\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 's':
			o->serve = true;
			break;
		case 'i':
			o->infinite = true;
			break;
		case 'l':
			o->linger = true;
			break;
		case 'n':
			o->no_summary = true;
			break;
		case 'L':
			o->lookup = optarg;
			break;
		case 'P': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || v == 0 || v > 100000000) {
				fprintf(stderr,
					"tapcensus: --pace: '%s' is not a packet rate "
					"(1-100000000 a second)\n",
					optarg);
				return -EINVAL;
			}
			o->pace = (uint32_t)v;
			break;
		}
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (o->config == NULL || optind != argc) {
		usage(stderr);
		return -EINVAL;
	}
	if (o->lookup != NULL && (o->pcap != NULL || o->serve || o->duration > 0)) {
		fprintf(stderr,
			"tapcensus: --lookup runs alone (no --pcap, --serve, --duration)\n");
		return -EINVAL;
	}
	if (o->linger && o->pcap == NULL) {
		fprintf(stderr, "tapcensus: --linger needs --pcap\n");
		return -EINVAL;
	}
	if (o->pace != 0 && o->pcap == NULL) {
		fprintf(stderr, "tapcensus: --pace needs --pcap\n");
		return -EINVAL;
	}
	if (o->infinite && o->pcap == NULL) {
		fprintf(stderr, "tapcensus: --infinite needs --pcap\n");
		return -EINVAL;
	}
	return 0;
}

/* The pcap link types the parser reads (libpcap's DLT_ values, which
 * pcap_datalink gives: LINKTYPE_RAW 101 is DLT_RAW). */
static int
link_of(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
		return DP_LINK_ETHERNET;
	case DLT_RAW:
#ifdef DLT_IPV4
	case DLT_IPV4:
	case DLT_IPV6:
#endif
		return DP_LINK_RAW;
	case DLT_LINUX_SLL:
		return DP_LINK_SLL;
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		return DP_LINK_SLL2;
#endif
	default:
		return -1;
	}
}

/* The file's link type into *link and, unless counting is off, its
 * packets into *n (net_pcap gives no end-of-file signal). */
/* A record whose microsecond field is 10^6 or more (libpcap reads it as
 * a signed 32-bit number: 2^31 and more come negative): its position and
 * the stamp net_pcap will make of it, into bad. */
static int
note_bad_stamp(struct dp_bad_stamps *bad, uint64_t pos, const struct pcap_pkthdr *h)
{
	uint64_t *p = realloc(bad->pos, (bad->n + 1) * sizeof(*p)), *s;

	if (p == NULL)
		return -ENOMEM;
	bad->pos = p;
	if ((s = realloc(bad->stamp, (bad->n + 1) * sizeof(*s))) == NULL)
		return -ENOMEM;
	bad->stamp = s;
	bad->pos[bad->n] = pos;
	bad->stamp[bad->n++] = (uint64_t)h->ts.tv_sec * 1000000 + (uint64_t)h->ts.tv_usec;
	return 0;
}

static int
pcap_read(const char *path, bool count, uint8_t *link, long long *n, uint64_t *first,
	  struct dp_bad_stamps *bad)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p = pcap_open_offline(path, errbuf);
	int l;

	*n = 0;
	if (p == NULL) {
		fprintf(stderr, "tapcensus: %s: %s\n", path, errbuf);
		return -1;
	}
	l = link_of(pcap_datalink(p));
	if (l < 0) {
		const char *name = pcap_datalink_val_to_name(pcap_datalink(p));

		fprintf(stderr,
			"tapcensus: %s: link type %s (%d) is not read; Ethernet, raw IP "
			"(RAW, IPV4, IPV6) and Linux cooked captures (LINUX_SLL, LINUX_SLL2) "
			"are\n",
			path, name ? name : "unknown", pcap_datalink(p));
		pcap_close(p);
		return -1;
	}
	*link = (uint8_t)l;
	*first = 0;
	while ((count || *n == 0) && pcap_next_ex(p, &h, &d) == 1) {
		if ((h->ts.tv_usec < 0 || h->ts.tv_usec >= 1000000) &&
		    note_bad_stamp(bad, (uint64_t)*n, h) != 0) {
			fprintf(stderr, "tapcensus: %s: out of memory\n", path);
			pcap_close(p);
			return -1;
		}
		if (*n == 0)
			*first = (uint64_t)h->ts.tv_sec;
		(*n)++;
	}
	if (bad->n > 0)
		fprintf(stderr,
			"tapcensus: warning: %s: %u records hold a microsecond field of "
			"10^6 or more (the first: record %" PRIu64 "); dropped as they "
			"arrive (tapcensus_packets_dropped_total{reason=\"capture_time\"})\n",
			path, bad->n, bad->pos[0] + 1);
	if (!count)
		*n = 0;
	pcap_close(p);
	return 0;
}

int
ctl_opts_pcap_read(struct ctl_opts *o, long long *expected)
{
	*expected = -1;
	for (unsigned i = 0; i < o->n_pcaps; i++) {
		long long k;
		uint64_t first;

		if (pcap_read(o->pcaps[i], !o->infinite, &o->links[i], &k, &first, &o->bad[i]) != 0)
			return -1;
		if (first != 0 && (o->capture_t0 == 0 || first < o->capture_t0))
			o->capture_t0 = first;
		if (!o->infinite)
			*expected = (*expected < 0 ? 0 : *expected) + k;
	}
	return 0;
}

void
ctl_opts_free(struct ctl_opts *o)
{
	for (unsigned i = 0; i < CTL_MAX_WORKERS; i++) {
		free(o->bad[i].pos);
		free(o->bad[i].stamp);
		memset(&o->bad[i], 0, sizeof(o->bad[i]));
	}
}

int
ctl_opts_offline(struct ctl_config *cfg, const struct ctl_opts *o)
{
	struct ctl_port *p = &cfg->ports[0];
	size_t used = 0;

	if (o->n_pcaps > cfg->n_workers) {
		fprintf(stderr,
			"tapcensus: %u --pcap files need %u workers; %s gives %u in "
			"dpdk.workers\n",
			o->n_pcaps, o->n_pcaps, cfg->path, cfg->n_workers);
		return -EINVAL;
	}
	memset(cfg->ports, 0, sizeof(cfg->ports));
	snprintf(p->name, sizeof(p->name), "net_pcap_offline0");
	for (unsigned i = 0; i < o->n_pcaps; i++) {
		int w;

		if (strchr(o->pcaps[i], ',') != NULL) {
			fprintf(stderr,
				"tapcensus: --pcap %s: a path with a comma cannot be given "
				"to net_pcap\n",
				o->pcaps[i]);
			return -EINVAL;
		}
		w = snprintf(p->args + used, sizeof(p->args) - used, "%srx_pcap=%s", i ? "," : "",
			     o->pcaps[i]);
		if (w < 0 || (size_t)w >= sizeof(p->args) - used) {
			fprintf(stderr, "tapcensus: --pcap: the paths are too long together\n");
			return -E2BIG;
		}
		used += (size_t)w;
	}
	if (o->infinite && snprintf(p->args + used, sizeof(p->args) - used, ",infinite_rx=1") >=
			       (int)(sizeof(p->args) - used)) {
		fprintf(stderr, "tapcensus: --pcap: the paths are too long together\n");
		return -E2BIG;
	}
	p->rx_queues = (uint16_t)o->n_pcaps;
	cfg->n_ports = 1;
	cfg->n_workers = o->n_pcaps;
	return 0;
}
