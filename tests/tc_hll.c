/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tc_hll: sketches of given hashes, for tests/hll_check.sh to compare with
 * what PostgreSQL's hll extension builds from the same hashes.
 *   tc_hll [SPLIT] < hashes     one signed 64-bit integer a line
 * Prints three lines: the sketch of the first SPLIT hashes (all by
 * default), of the rest, and their union, each as "\xHEX CARDINALITY"
 * (PostgreSQL's bytea text and hll_cardinality's float8 text), and checks
 * that each sketch unpacks to the same bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_hll.h"

static int
print(const struct ctl_hll *h)
{
	uint8_t buf[CTL_HLL_PACKED_MAX], again[CTL_HLL_PACKED_MAX];
	size_t n = ctl_hll_pack(h, buf);
	struct ctl_hll u;

	if (ctl_hll_unpack(&u, buf, n) != 0 || ctl_hll_pack(&u, again) != n ||
	    memcmp(buf, again, n) != 0) {
		fprintf(stderr, "tc_hll: a sketch does not unpack to itself\n");
		return 1;
	}
	ctl_hll_fini(&u);
	fputs("\\x", stdout);
	for (size_t i = 0; i < n; i++)
		printf("%02x", buf[i]);
	printf(" %.15g\n", ctl_hll_cardinality(h));
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long long split = argc > 1 ? strtoull(argv[1], NULL, 10) : ~0ull, i = 0;
	struct ctl_hll a, b, u;
	char line[64];
	int rc;

	ctl_hll_init(&a);
	ctl_hll_init(&b);
	ctl_hll_init(&u);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		uint64_t v = (uint64_t)strtoll(line, NULL, 10);

		if (ctl_hll_add(i++ < split ? &a : &b, v) != 0)
			return 1;
	}
	if (ctl_hll_union(&u, &a) != 0 || ctl_hll_union(&u, &b) != 0)
		return 1;
	rc = print(&a) | print(&b) | print(&u);
	ctl_hll_fini(&a);
	ctl_hll_fini(&b);
	ctl_hll_fini(&u);
	return rc;
}
