/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_lookup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_csv.h"

int
ctl_lookup_run(FILE *in, FILE *out, const char *name, const struct ctl_orgs *o,
	       const struct dp_lpm *t)
{
	/* A line of any length is one line, one answer (a fixed buffer once
	 * split a long line in two and misaligned every answer after it). */
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, invalid = 0, rc;

	while (getline(&line, &cap, in) != -1) {
		char *s = ctl_csv_trim(line);
		uint8_t a[16] = {0};
		const struct ctl_org *org;
		uint8_t family;

		lineno++;
		if (*s == '\0' || *s == '#')
			continue;
		if (inet_pton(AF_INET, s, a) == 1) {
			family = 4;
		} else if (inet_pton(AF_INET6, s, a) == 1) {
			family = 6;
		} else {
			fprintf(stderr, "tapcensus: %s:%d: not an IPv4 or IPv6 address\n", name,
				lineno);
			fputs("invalid\n", out);
			invalid++;
			continue;
		}
		org = &o->orgs[dp_lpm_lookup(t, family, a)];
		fprintf(out, "%s\t%u\t%s\t%s\t%s\n", org->id, org->asn, org->country, org->sector,
			org->government ? "true" : "false");
	}
	rc = ferror(in) || fflush(out) != 0 ? -EIO : invalid;
	free(line);
	return rc;
}
