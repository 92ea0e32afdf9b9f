/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_orgs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_jhash.h>

const char *
ctl_orgsrc_kind_name(enum ctl_orgsrc_kind k)
{
	static const char *const names[] = {"csv", "libloc", "as2org", "asdb"};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
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

static struct rte_hash *
make_hash(uint32_t entries)
{
	char n[64];
	static unsigned seq;
	struct rte_hash_parameters p = {
	    .name = n,
	    .entries = entries,
	    .key_len = CTL_ORG_ID_LEN,
	    .hash_func = rte_jhash,
	    .socket_id = SOCKET_ID_ANY,
	};

	snprintf(n, sizeof(n), "orgids%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	return rte_hash_create(&p);
}

/* A bigger id hash with every organisation in it. */
static int
rehash(struct ctl_orgs *o, uint32_t entries)
{
	struct rte_hash *h = make_hash(entries);

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

struct ctl_orgs *
ctl_orgs_new(uint32_t orgs_hint)
{
	struct ctl_orgs *o = calloc(1, sizeof(*o));

	if (o == NULL)
		return NULL;
	o->ids_cap = orgs_hint + orgs_hint / 4 + 1024;
	o->ids = make_hash(o->ids_cap);
	if (o->ids == NULL || grow((void **)&o->orgs, &o->cap_orgs, 1, sizeof(*o->orgs))) {
		ctl_orgs_free(o);
		return NULL;
	}
	memset(&o->orgs[0], 0, sizeof(o->orgs[0]));
	snprintf(o->orgs[0].id, CTL_ORG_ID_LEN, "unattributed");
	snprintf(o->orgs[0].name, CTL_ORG_NAME_LEN, "Unattributed clients");
	snprintf(o->orgs[0].country, 3, "ZZ");
	snprintf(o->orgs[0].sector, CTL_ORG_SECTOR_LEN, "unknown");
	o->n_orgs = 1;
	return o;
}

int
ctl_orgs_add_source(struct ctl_orgs *o, enum ctl_orgsrc_kind kind, const char *path)
{
	struct ctl_orgsrc_info *s;

	if (o->n_src == CTL_ORG_SOURCES_MAX)
		return -ENOSPC;
	s = &o->src[o->n_src];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	snprintf(s->path, sizeof(s->path), "%s", path);
	return (int)o->n_src++;
}

/* Adds org under a new index; the id hash grows when full. */
static int
add_org(struct ctl_orgs *o, const struct ctl_org *org, bool parked, uint32_t *idx)
{
	char key[CTL_ORG_ID_LEN] = {0};
	int rc;

	if (o->n_orgs > CTL_ORGS_MAX)
		return -ENOSPC;
	if ((rc = grow((void **)&o->orgs, &o->cap_orgs, o->n_orgs + 1, sizeof(*o->orgs))))
		return rc;
	memcpy(key, org->id, strnlen(org->id, CTL_ORG_ID_LEN - 1));
	if (o->n_orgs >= o->ids_cap - o->ids_cap / 8 && (rc = rehash(o, o->ids_cap * 2)) != 0)
		return rc;
	for (int tries = 0; rte_hash_add_key_data(o->ids, key, (void *)(uintptr_t)o->n_orgs) < 0;
	     tries++)
		if (tries == 4 || (rc = rehash(o, o->ids_cap * 2)) != 0)
			return rc ? rc : -ENOSPC;
	o->orgs[o->n_orgs] = *org;
	o->orgs[o->n_orgs].parked = parked;
	*idx = o->n_orgs++;
	return 0;
}

int
ctl_orgs_intern(struct ctl_orgs *o, const struct ctl_org *org, uint32_t *idx)
{
	int32_t k = ctl_orgs_find(o, org->id);

	if (k > 0) {
		const struct ctl_org *prev = &o->orgs[k];

		*idx = (uint32_t)k;
		if (strcmp(prev->name, org->name) || strcmp(prev->country, org->country) ||
		    strcmp(prev->sector, org->sector) || prev->government != org->government)
			return -EEXIST;
		return 0;
	}
	if (o->n_orgs == CTL_ORGS_MAX)
		return -ENOSPC;
	return add_org(o, org, false, idx);
}

int
ctl_orgs_add_prefix(struct ctl_orgs *o, const struct dp_prefix *p, uint32_t org, unsigned src,
		    int line)
{
	struct ctl_org_prefix *cp;
	int rc;

	if ((rc = grow((void **)&o->prefixes, &o->cap_prefixes, o->n_prefixes + 1,
		       sizeof(*o->prefixes))))
		return rc;
	cp = &o->prefixes[o->n_prefixes++];
	memset(cp, 0, sizeof(*cp));
	cp->p = *p;
	cp->org = org;
	cp->src = (uint8_t)src;
	cp->line = line;
	return 0;
}

static int
cmp_prefix(const struct dp_prefix *x, const struct dp_prefix *y)
{
	int c = (int)x->family - (int)y->family;

	if (c == 0)
		c = memcmp(x->addr, y->addr, sizeof(x->addr));
	if (c == 0)
		c = (int)x->len - (int)y->len;
	return c;
}

/* Address order; one prefix's rows by source, then line. */
static int
by_address(const void *a, const void *b)
{
	const struct ctl_org_prefix *x = a, *y = b;
	int c = cmp_prefix(&x->p, &y->p);

	if (c == 0)
		c = (int)x->src - (int)y->src;
	if (c == 0)
		c = x->line - y->line;
	return c;
}

/* Sorted by address then length, every prefix comes after those that
 * contain it, so one pass with a stack of the enclosing prefixes (at most
 * one per length) finds those inside another organisation's. */
static void
count_nested(struct ctl_orgs *o)
{
	const struct ctl_org_prefix *stack[129];
	unsigned depth = 0;

	o->n_nested = 0;
	o->nested_line = 0;
	for (unsigned i = 0; i < o->n_prefixes; i++) {
		const struct ctl_org_prefix *v = &o->prefixes[i];

		while (depth > 0 && (stack[depth - 1]->p.family != v->p.family ||
				     !dp_prefix_contains(&stack[depth - 1]->p, v->p.addr)))
			depth--;
		if (depth > 0 && stack[depth - 1]->org != v->org) {
			o->n_nested++;
			if (o->nested_line == 0 ||
			    (v->src == o->nested_src && v->line < o->nested_line)) {
				o->nested_line = v->line;
				o->nested_src = v->src;
			}
		}
		stack[depth++] = v;
	}
}

int
ctl_orgs_finish(struct ctl_orgs *o, bool skip, char *err, size_t err_len)
{
	unsigned w = 0;

	if (o->n_prefixes > 0) /* qsort(NULL, 0) is undefined */
		qsort(o->prefixes, o->n_prefixes, sizeof(*o->prefixes), by_address);
	for (unsigned i = 0; i < o->n_prefixes; i++) {
		struct ctl_org_prefix *p = &o->prefixes[i];

		if (w > 0 && cmp_prefix(&o->prefixes[w - 1].p, &p->p) == 0) {
			struct ctl_org_prefix *kept = &o->prefixes[w - 1];

			if (kept->src != p->src) { /* a later source: it wins */
				o->src[kept->src].overridden++;
				*kept = *p;
				continue;
			}
			if (!skip) {
				snprintf(err, err_len,
					 "%s:%d: prefix: the same prefix is on line %d",
					 o->src[p->src].path, p->line, kept->line);
				return -EINVAL;
			}
			fprintf(stderr,
				"tapcensus: warning: %s:%d: prefix: the same prefix is on "
				"line %d; skipped\n",
				o->src[p->src].path, p->line, kept->line);
			o->src[p->src].skipped++;
			o->src[p->src].rows--;
			continue;
		}
		o->prefixes[w++] = *p;
	}
	o->n_prefixes = w;
	if (o->n_prefixes == 0) {
		snprintf(err, err_len,
			 "%s: organisations: no prefix in the table (every client "
			 "would be unattributed)",
			 o->n_src > 0 ? o->src[o->n_src - 1].path : "?");
		return -EINVAL;
	}
	count_nested(o);
	return 0;
}

/* RFC 3629 4: the length of the well-formed UTF-8 sequence at s that is
 * not a control character, or 0.  Bidirectional controls (Unicode UAX #9:
 * U+061C, U+200E-200F, U+202A-202E, U+2066-2069) count as controls: an
 * organisation's name must not reorder the text it lands in (a metric
 * label, the report, a CSV). */
static unsigned
good_char(const unsigned char *s)
{
	unsigned c = s[0], n, cp, min;

	if (c < 0x20 || c == 0x7f)
		return 0;
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		n = 1, cp = c & 0x1f, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		n = 2, cp = c & 0x0f, min = 0x800;
	else if ((c & 0xf8) == 0xf0)
		n = 3, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	for (unsigned k = 1; k <= n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
	    (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return 1 + n;
}

bool
ctl_orgs_clean_name(const char *in, char *out, size_t cap)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t w = 0;
	bool changed = false;

	while (*s != '\0') {
		unsigned n = good_char(s);

		if (n == 0) {
			if (w + 4 >= cap)
				break;
			snprintf(out + w, cap - w, "\\x%02x", *s);
			w += 4;
			s++;
			changed = true;
			continue;
		}
		if (w + n >= cap)
			break;
		memcpy(out + w, s, n);
		w += n;
		s += n;
	}
	changed |= *s != '\0'; /* cut */
	out[w] = '\0';
	return changed;
}

bool
ctl_orgs_clean_id(const char *in, char *out, size_t cap)
{
	size_t w = 0;
	bool changed = false;

	for (const char *s = in; *s != '\0'; s++) {
		char c = *s;

		if (w + 1 >= cap) {
			changed = true;
			break;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.')) {
			c = '_';
			changed = true;
		}
		out[w++] = c;
	}
	out[w] = '\0';
	return changed;
}

bool
ctl_orgs_country_ok(const char *cc)
{
	return cc != NULL && strlen(cc) == 2 && cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' &&
	       cc[1] <= 'Z';
}

int
ctl_orgs_parse_bool(const char *s, bool *out)
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

int
ctl_orgs_park(struct ctl_orgs *o, const struct ctl_org *org, uint32_t *idx)
{
	int rc;

	if (ctl_orgs_find(o, org->id) >= 0)
		return -EEXIST;
	if ((rc = add_org(o, org, true, idx)) == 0)
		o->n_parked++;
	return rc;
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
ctl_orgs_where(const struct ctl_orgs *o, const struct ctl_org_prefix *p, char *out, size_t cap)
{
	const char *path = p->src < o->n_src ? o->src[p->src].path : "?";

	if (p->line > 0)
		snprintf(out, cap, "%s:%d", path, p->line);
	else
		snprintf(out, cap, "%s", path);
}

void
ctl_orgs_tell_nested(const struct ctl_orgs *o)
{
	struct ctl_org_prefix at = {.src = (uint8_t)o->nested_src, .line = o->nested_line};
	char where[PATH_MAX + 16];

	if (o->n_nested == 0)
		return;
	ctl_orgs_where(o, &at, where, sizeof(where));
	fprintf(stderr,
		"tapcensus: warning: %s: prefix: %u prefixes lie inside another "
		"organisation's prefix, this the first; the longest match attributes "
		"their clients (tapcensus_organisation_prefixes_nested)\n",
		where, o->n_nested);
}
