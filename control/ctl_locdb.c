/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_locdb.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_file.h"

/* The format's sizes (libloc's format.h, version 1), written out: its
 * structs are private to libloc.  Every field is big-endian. */
#define MAGIC "LOCDBXX"
#define MAGIC_LEN 8 /* 7 bytes and the version */
#define HEADER_LEN (8 + 4 * 13 + 2 * 2 + 2 * 2048 + 32)
#define AS_LEN 8       /* number, name */
#define NETWORK_LEN 12 /* country[2], (pad), asn, flags, padding */
#define NODE_LEN 12    /* zero, one, network */
#define COUNTRY_LEN 8  /* code[2], continent[2], name */
#define NO_NETWORK 0xffffffffu
#define MAX_DEPTH 128

static uint32_t
be32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return be32toh(v);
}

struct section {
	uint64_t off, len;
	unsigned rec; /* record size, 1 for the pool */
};

/* The tree from node 0: a tree, its leaves every network once.  NULL, or
 * why not. */
static const char *
check_tree(const uint8_t *nodes, uint64_t n_nodes, uint64_t n_nets, uint64_t *leaves)
{
	struct {
		uint32_t node;
		uint32_t depth;
	} *stack = NULL;
	uint8_t *seen = NULL, *net_seen = NULL;
	size_t top = 0;
	const char *why = NULL;

	*leaves = 0;
	if (n_nodes == 0)
		return n_nets == 0 ? NULL : "networks but no network tree";
	seen = calloc((size_t)(n_nodes + 7) / 8, 1);
	net_seen = calloc((size_t)(n_nets + 8) / 8, 1);
	/* Each level pushes at most two nodes. */
	stack = malloc(sizeof(*stack) * (2 * MAX_DEPTH + 2));
	if (seen == NULL || net_seen == NULL || stack == NULL) {
		why = "out of memory";
		goto out;
	}
	stack[top].node = 0;
	stack[top++].depth = 0;
	seen[0] |= 1;
	while (top > 0 && why == NULL) {
		uint32_t n = stack[top - 1].node, depth = stack[--top].depth;
		const uint8_t *p = nodes + (size_t)n * NODE_LEN;
		uint32_t child[2] = {be32_at(p), be32_at(p + 4)}, net = be32_at(p + 8);

		if (net != NO_NETWORK) {
			if (net >= n_nets) {
				why = "a tree node names a network past the networks section";
				break;
			}
			if (net_seen[net / 8] & (1u << (net % 8))) {
				why = "two tree nodes name the same network";
				break;
			}
			net_seen[net / 8] |= (uint8_t)(1u << (net % 8));
			(*leaves)++;
		}
		for (int k = 0; k < 2; k++) {
			uint32_t c = child[k];

			if (c == 0)
				continue; /* none: the root is never a child */
			if (c >= n_nodes) {
				why = "a tree node points past the network tree";
				break;
			}
			if (seen[c / 8] & (1u << (c % 8))) {
				why = "the network tree is not a tree (a node is reached twice)";
				break;
			}
			if (depth + 1 > MAX_DEPTH) {
				why = "the network tree is deeper than 128 bits";
				break;
			}
			seen[c / 8] |= (uint8_t)(1u << (c % 8));
			stack[top].node = c;
			stack[top++].depth = depth + 1;
		}
	}
	if (why == NULL && *leaves != n_nets)
		why = "the network tree does not reach every network the file declares";
out:
	free(stack);
	free(seen);
	free(net_seen);
	return why;
}

/* The mapped file: NULL, or why it cannot be read as a location database. */
static const char *
check_file(const uint8_t *d, uint64_t size, uint64_t *networks, uint64_t *leaves)
{
	const uint8_t *h = d + MAGIC_LEN;
	struct section s[5];
	uint64_t pool_off, pool_len;
	const char *why;

	/* size >= MAGIC_LEN + HEADER_LEN: ctl_locdb_open checked it. */
	if (memcmp(d, MAGIC, 7) != 0)
		return "not a location database (no LOCDBXX magic)";
	if (d[7] != 1)
		return "a location database of a version other than 1";
	/* After created_at (8) and vendor, description, licence (12). */
	s[0] = (struct section){be32_at(h + 20), be32_at(h + 24), AS_LEN};
	s[1] = (struct section){be32_at(h + 28), be32_at(h + 32), NETWORK_LEN};
	s[2] = (struct section){be32_at(h + 36), be32_at(h + 40), NODE_LEN};
	s[3] = (struct section){be32_at(h + 44), be32_at(h + 48), COUNTRY_LEN};
	s[4] = (struct section){be32_at(h + 52), be32_at(h + 56), 1};
	for (unsigned i = 0; i < 5; i++) {
		if (s[i].off + s[i].len > size)
			return i == 4 ? "the string pool runs past the end of the file (truncated?)"
				      : "a section runs past the end of the file (truncated?)";
		if (s[i].len % s[i].rec != 0)
			return "a section is not a whole number of its records";
	}
	pool_off = s[4].off;
	pool_len = s[4].len;
	if (pool_len == 0 || d[pool_off + pool_len - 1] != '\0')
		return "the string pool does not end in NUL";
	for (unsigned k = 0; k < 3; k++)
		if (be32_at(h + 8 + 4 * k) >= pool_len)
			return "the vendor, description or licence is outside the string pool";
	for (uint64_t i = 0; i < s[0].len / AS_LEN; i++)
		if (be32_at(d + s[0].off + i * AS_LEN + 4) >= pool_len)
			return "an AS name is outside the string pool";
	for (uint64_t i = 0; i < s[3].len / COUNTRY_LEN; i++)
		if (be32_at(d + s[3].off + i * COUNTRY_LEN + 4) >= pool_len)
			return "a country name is outside the string pool";
	*networks = s[1].len / NETWORK_LEN;
	why = check_tree(d + s[2].off, s[2].len / NODE_LEN, *networks, leaves);
	return why;
}

int
ctl_locdb_open(const char *path, FILE **f, uint64_t *networks, char *err, size_t err_len)
{
	FILE *file = ctl_file_open(path);
	uint64_t leaves = 0;
	const char *why = NULL;
	struct stat st;
	void *map;
	int fd, rc;

	*f = NULL;
	*networks = 0;
	if (file == NULL) {
		rc = -errno;
		snprintf(err, err_len, "%s: cannot open: %s", path, ctl_file_error(errno));
		return rc;
	}
	fd = fileno(file);
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		fclose(file);
		return rc;
	}
	if (st.st_size < MAGIC_LEN + HEADER_LEN) {
		why = "shorter than a location database's header (truncated?)";
	} else {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			rc = -errno;
			snprintf(err, err_len, "%s: cannot map: %s", path, strerror(errno));
			fclose(file);
			return rc;
		}
		why = check_file(map, (uint64_t)st.st_size, networks, &leaves);
		munmap(map, (size_t)st.st_size);
	}
	if (why != NULL) {
		snprintf(err, err_len, "%s: damaged location database: %s", path, why);
		fclose(file);
		return strcmp(why, "out of memory") == 0 ? -ENOMEM : -EINVAL;
	}
	*f = file;
	return 0;
}
