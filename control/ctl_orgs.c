/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_orgs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_hash.h>
#include <rte_jhash.h>

#define NFIELDS 6
#define LINE_MAX_LEN 4096

static const char *const field_names[NFIELDS] = {"prefix", "org_id", "name",
						 "country", "sector", "government"};

/* Split one RFC 4180 record in place; returns the field count or -1. */
static int
split_csv(char *line, char **fields, int max)
{
	int n = 0;
	char *r = line, *w;

	while (n < max) {
		fields[n++] = w = r;
		if (*r == '"') {
			r++;
			for (;;) {
				if (*r == '\0')
					return -1; /* unterminated quote */
				if (*r == '"' && r[1] == '"') {
					*w++ = '"';
					r += 2;
				} else if (*r == '"') {
					r++;
					break;
				} else {
					*w++ = *r++;
				}
			}
			if (*r != ',' && *r != '\0')
				return -1;
		} else {
			while (*r != ',' && *r != '\0')
				*w++ = *r++;
		}
		if (*r == '\0') {
			*w = '\0';
			return n;
		}
		*w = '\0';
		r++;
	}
	return n + 1; /* more fields than max */
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static int
parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"true", "yes", "1"}, *const no[] = {"false", "no", "0"};

	for (int i = 0; i < 3; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int
valid_id(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

struct load {
	const char *path;
	char *err;
	size_t err_len;
	struct ctl_orgs *o;
	unsigned cap_orgs, cap_prefixes;
	struct rte_hash *pfx; /* prefix -> row index */
};

static int
lerr(struct load *l, int line, int field, const char *fmt, const char *a)
{
	int o = snprintf(l->err, l->err_len, "%s:%d: %s: ", l->path, line,
			 field >= 0 ? field_names[field] : "(record)");

	if (o >= 0 && (size_t)o < l->err_len)
		snprintf(l->err + o, l->err_len - (size_t)o, fmt, a);
	return -EINVAL;
}

static int
grow(void **p, unsigned *cap, unsigned need, size_t elem)
{
	void *n;
	unsigned c = *cap ? *cap : 64;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	n = realloc(*p, (size_t)c * elem);
	if (n == NULL)
		return -ENOMEM;
	*p = n;
	*cap = c;
	return 0;
}

/* RFC 3629 4: the offset of the first byte of s that is not part of a
 * well-formed UTF-8 sequence (overlong forms, surrogates and code points
 * past U+10FFFF included), or -1; *control is set when the first problem
 * is a control character (C0, DEL or C1) rather than bad UTF-8. */
static long
bad_utf8(const char *str, bool *control)
{
	const unsigned char *s = (const unsigned char *)str;

	for (long i = 0; s[i];) {
		unsigned c = s[i], n, cp, min;

		*control = c < 0x20 || c == 0x7f;
		if (*control)
			return i;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			n = 1, cp = c & 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			n = 2, cp = c & 0x0f, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			n = 3, cp = c & 0x07, min = 0x10000;
		else
			return i;
		for (unsigned k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		*control = cp >= 0x80 && cp <= 0x9f;
		if (*control)
			return i;
		i += 1 + n;
	}
	return -1;
}

static int
add_row(struct load *l, int line, char **f)
{
	struct ctl_orgs *o = l->o;
	struct ctl_org org = {0};
	struct ctl_org_prefix *cp;
	char key[CTL_ORG_ID_LEN] = {0};
	void *found;
	const char *why;
	bool control;
	uint32_t idx;
	long bad;
	int rc;

	for (int i = 0; i < NFIELDS; i++)
		f[i] = trim(f[i]);
	if ((rc = grow((void **)&o->prefixes, &l->cap_prefixes, o->n_prefixes + 1,
		       sizeof(*o->prefixes))))
		return rc;
	cp = &o->prefixes[o->n_prefixes];
	memset(cp, 0, sizeof(*cp));
	cp->line = line;
	if (dp_prefix_parse(f[0], &cp->p, &why))
		return lerr(l, line, 0, why, NULL);
	if (!valid_id(f[1]) || strlen(f[1]) >= CTL_ORG_ID_LEN)
		return lerr(l, line, 1, "'%s': use 1-63 letters, digits, '-', '_' or '.'", f[1]);
	if (strcmp(f[1], "unattributed") == 0 || strcmp(f[1], "other") == 0)
		return lerr(l, line, 1, "'%s' is reserved", f[1]);
	if (f[2][0] == '\0' || strlen(f[2]) >= CTL_ORG_NAME_LEN)
		return lerr(l, line, 2, "must be 1-127 characters%s", "");
	if ((bad = bad_utf8(f[2], &control)) >= 0) {
		char at[24];

		snprintf(at, sizeof(at), "%ld", bad + 1);
		return lerr(l, line, 2,
			    control ? "a control character at byte %s" : "not valid UTF-8 at byte %s",
			    at);
	}
	if (strlen(f[3]) != 2 || f[3][0] < 'A' || f[3][0] > 'Z' || f[3][1] < 'A' || f[3][1] > 'Z')
		return lerr(l, line, 3, "'%s' is not an ISO 3166-1 alpha-2 code (two capitals)", f[3]);
	if (!valid_id(f[4]) || strlen(f[4]) >= CTL_ORG_SECTOR_LEN)
		return lerr(l, line, 4, "'%s': use 1-47 letters, digits, '-', '_' or '.'", f[4]);
	if (parse_bool(f[5], &org.government))
		return lerr(l, line, 5, "'%s' is not true/false/yes/no/1/0", f[5]);
	snprintf(org.id, sizeof(org.id), "%s", f[1]);
	snprintf(org.name, sizeof(org.name), "%s", f[2]);
	memcpy(org.country, f[3], 3);
	snprintf(org.sector, sizeof(org.sector), "%s", f[4]);

	if (rte_hash_lookup_data(l->pfx, &cp->p, &found) >= 0) {
		char other[32];

		snprintf(other, sizeof(other), "%d", o->prefixes[(uintptr_t)found].line);
		return lerr(l, line, 0, "the same prefix is on line %s", other);
	}
	memcpy(key, org.id, strlen(org.id));
	if (rte_hash_lookup_data(o->ids, key, &found) >= 0) {
		const struct ctl_org *prev = &o->orgs[(uintptr_t)found];

		idx = (uint32_t)(uintptr_t)found;
		if (strcmp(prev->name, org.name) || strcmp(prev->country, org.country) ||
		    strcmp(prev->sector, org.sector) || prev->government != org.government)
			return lerr(l, line, 1,
				    "'%s' appears earlier with another name, country, sector or "
				    "government flag",
				    org.id);
	} else {
		if (o->n_orgs == CTL_ORGS_MAX)
			return lerr(l, line, 1, "more than %s organisations", "1048576");
		if ((rc = grow((void **)&o->orgs, &l->cap_orgs, o->n_orgs + 1, sizeof(*o->orgs))))
			return rc;
		idx = o->n_orgs++;
		o->orgs[idx] = org;
		if (rte_hash_add_key_data(o->ids, key, (void *)(uintptr_t)idx) < 0)
			return -ENOMEM;
	}
	cp->org = idx;
	if (rte_hash_add_key_data(l->pfx, &cp->p, (void *)(uintptr_t)o->n_prefixes) < 0)
		return -ENOMEM;
	o->n_prefixes++;
	return 0;
}

static struct rte_hash *
make_hash(const char *name, uint32_t key_len, uint32_t entries)
{
	char n[64];
	static unsigned seq;
	struct rte_hash_parameters p = {
		.name = n,
		.entries = entries,
		.key_len = key_len,
		.hash_func = rte_jhash,
		.socket_id = SOCKET_ID_ANY,
	};

	snprintf(n, sizeof(n), "%s%u", name, __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	return rte_hash_create(&p);
}

static int
by_address(const void *a, const void *b)
{
	const struct ctl_org_prefix *x = a, *y = b;
	int c = (int)x->p.family - (int)y->p.family;

	if (c == 0)
		c = memcmp(x->p.addr, y->p.addr, sizeof(x->p.addr));
	if (c == 0)
		c = (int)x->p.len - (int)y->p.len;
	return c;
}

/* Prefixes inside another organisation's: sorted by address then length,
 * every prefix comes after those that contain it, so one pass with a stack
 * of the enclosing prefixes (at most one per length) finds them. */
static int
count_nested(struct ctl_orgs *o)
{
	struct ctl_org_prefix *v = malloc(o->n_prefixes * sizeof(*v));
	const struct ctl_org_prefix *stack[129];
	unsigned depth = 0;

	if (v == NULL)
		return -ENOMEM;
	memcpy(v, o->prefixes, o->n_prefixes * sizeof(*v));
	qsort(v, o->n_prefixes, sizeof(*v), by_address);
	for (unsigned i = 0; i < o->n_prefixes; i++) {
		while (depth > 0 && (stack[depth - 1]->p.family != v[i].p.family ||
				     !dp_prefix_contains(&stack[depth - 1]->p, v[i].p.addr)))
			depth--;
		if (depth > 0 && stack[depth - 1]->org != v[i].org) {
			o->n_nested++;
			if (o->nested_line == 0 || v[i].line < o->nested_line)
				o->nested_line = v[i].line;
		}
		stack[depth++] = &v[i];
	}
	free(v);
	return 0;
}

int
ctl_orgs_load(const char *path, struct ctl_orgs **out, char *err, size_t err_len)
{
	struct load l = {path, err, err_len, NULL, 0, 0, NULL};
	char line[LINE_MAX_LEN + 2];
	int lineno = 0, rc = -ENOMEM;
	bool first = true;
	uint32_t entries;
	FILE *f;

	*out = NULL;
	f = fopen(path, "r");
	if (f == NULL) {
		rc = -errno;
		snprintf(err, err_len, "%s: cannot open: %s", path, strerror(errno));
		return rc;
	}
	/* Size the look-up tables by the file: one entry a line at most. */
	while (fgets(line, sizeof(line), f) != NULL)
		lineno++;
	rewind(f);
	entries = (uint32_t)lineno + lineno / 4 + 1024;
	lineno = 0;
	l.o = calloc(1, sizeof(*l.o));
	if (l.o != NULL)
		l.o->ids = make_hash("orgids", CTL_ORG_ID_LEN, entries);
	l.pfx = make_hash("orgpfx", sizeof(struct dp_prefix), entries);
	if (l.o == NULL || l.o->ids == NULL || l.pfx == NULL ||
	    grow((void **)&l.o->orgs, &l.cap_orgs, 1, sizeof(*l.o->orgs)))
		goto err_free;
	l.o->ids_cap = entries;
	memset(&l.o->orgs[0], 0, sizeof(l.o->orgs[0]));
	snprintf(l.o->orgs[0].id, CTL_ORG_ID_LEN, "unattributed");
	snprintf(l.o->orgs[0].name, CTL_ORG_NAME_LEN, "Unattributed clients");
	snprintf(l.o->orgs[0].country, 3, "ZZ");
	snprintf(l.o->orgs[0].sector, CTL_ORG_SECTOR_LEN, "unknown");
	l.o->n_orgs = 1;

	while (fgets(line, sizeof(line), f) != NULL) {
		char *fields[NFIELDS + 1], *s;
		int n;

		lineno++;
		/* A UTF-8 byte-order mark, as spreadsheets write one. */
		if (lineno == 1 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
			memmove(line, line + 3, strlen(line + 3) + 1);
		if (strlen(line) > LINE_MAX_LEN) {
			rc = lerr(&l, lineno, -1, "line longer than %s bytes", "4096");
			goto err_free;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if (first && strncasecmp(s, "prefix,", 7) == 0) {
			first = false;
			continue; /* header */
		}
		first = false;
		n = split_csv(s, fields, NFIELDS);
		if (n != NFIELDS) {
			rc = lerr(&l, lineno, -1,
				  n < 0 ? "unbalanced quotes%s"
					: "expected 6 fields: prefix,org_id,name,country,sector,"
					  "government%s",
				  "");
			goto err_free;
		}
		if ((rc = add_row(&l, lineno, fields)))
			goto err_free;
	}
	if (ferror(f)) {
		rc = -EIO;
		snprintf(err, err_len, "%s: read error", path);
		goto err_free;
	}
	if (l.o->n_prefixes == 0) {
		rc = -EINVAL;
		snprintf(err, err_len, "%s: organisations: no prefix in the table (every client "
				       "would be unattributed)", path);
		goto err_free;
	}
	if ((rc = count_nested(l.o)) != 0)
		goto err_free;
	l.o->cap_orgs = l.cap_orgs;
	*out = l.o;
	l.o = NULL;
err_free:
	ctl_orgs_free(l.o);
	rte_hash_free(l.pfx);
	fclose(f);
	return rc;
}

void
ctl_orgs_free(struct ctl_orgs *o)
{
	if (o == NULL)
		return;
	rte_hash_free(o->ids);
	free(o->orgs);
	free(o->prefixes);
	free(o);
}

/* A bigger id hash with every organisation in it. */
static int
rehash(struct ctl_orgs *o, uint32_t entries)
{
	struct rte_hash *h = make_hash("orgids", CTL_ORG_ID_LEN, entries);

	if (h == NULL)
		return -ENOMEM;
	for (uint32_t i = 1; i < o->n_orgs; i++) {
		char key[CTL_ORG_ID_LEN] = {0};

		memcpy(key, o->orgs[i].id, strlen(o->orgs[i].id));
		if (rte_hash_add_key_data(h, key, (void *)(uintptr_t)i) < 0) {
			rte_hash_free(h);
			return -ENOSPC;
		}
	}
	rte_hash_free(o->ids);
	o->ids = h;
	o->ids_cap = entries;
	return 0;
}

int
ctl_orgs_park(struct ctl_orgs *o, const struct ctl_org *org, uint32_t *idx)
{
	char key[CTL_ORG_ID_LEN] = {0};
	int rc;

	if (ctl_orgs_find(o, org->id) >= 0)
		return -EEXIST;
	if (o->n_orgs > CTL_ORGS_MAX)
		return -ENOSPC;
	if ((rc = grow((void **)&o->orgs, &o->cap_orgs, o->n_orgs + 1, sizeof(*o->orgs))))
		return rc;
	memcpy(key, org->id, strnlen(org->id, CTL_ORG_ID_LEN - 1));
	for (int tries = 0; rte_hash_add_key_data(o->ids, key, (void *)(uintptr_t)o->n_orgs) < 0;
	     tries++)
		if (tries == 4 || (rc = rehash(o, o->ids_cap * 2)) != 0)
			return rc ? rc : -ENOSPC;
	o->orgs[o->n_orgs] = *org;
	o->orgs[o->n_orgs].parked = true;
	*idx = o->n_orgs++;
	o->n_parked++;
	return 0;
}

int32_t
ctl_orgs_find(const struct ctl_orgs *o, const char *id)
{
	char key[CTL_ORG_ID_LEN] = {0};
	size_t len = strlen(id);
	void *found;

	if (strcmp(id, o->orgs[0].id) == 0)
		return 0;
	if (len >= sizeof(key))
		return -1; /* longer than any organisation id */
	memcpy(key, id, len);
	return rte_hash_lookup_data(o->ids, key, &found) >= 0 ? (int32_t)(uintptr_t)found : -1;
}

void
ctl_orgs_tell_nested(const struct ctl_orgs *o, const char *path)
{
	if (o->n_nested > 0)
		fprintf(stderr, "tapcensus: warning: %s:%d: prefix: %u prefixes lie inside another "
				"organisation's prefix, this the first; the longest match attributes "
				"their clients (tapcensus_organisation_prefixes_nested)\n",
			path, o->nested_line, o->n_nested);
}
