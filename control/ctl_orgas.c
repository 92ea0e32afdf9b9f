/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_orgas.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl_csv.h"
#include "ctl_file.h"
#include "ctl_orgline.h"
#include "ctl_orgs.h"

#define MAX_FIELDS 32
#define GOVERNMENT_CATEGORY "Government and Public Administration"

struct asorg {
	char id[CTL_ORG_ID_LEN];
	char name[CTL_ORG_NAME_LEN];
	char country[3];
	int line; /* in its file */
};

/* One source's word on one AS; merged by ctl_asmap_finish. */
struct asrow {
	uint32_t asn;
	uint32_t seq;
	char org_id[CTL_ORG_ID_LEN]; /* "" when the row does not say */
	char sector[CTL_ORG_SECTOR_LEN];
	int8_t government; /* -1 when the row does not say */
	int32_t org;	   /* index in orgs after finish, -1 none */
};

struct ctl_asmap {
	struct asorg *orgs;
	size_t n_orgs, cap_orgs;
	struct asrow *rows;
	size_t n_rows, cap_rows;
	uint32_t seq;
};

struct ctl_asmap *
ctl_asmap_new(void)
{
	return calloc(1, sizeof(struct ctl_asmap));
}

void
ctl_asmap_free(struct ctl_asmap *m)
{
	if (m == NULL)
		return;
	free(m->orgs);
	free(m->rows);
	free(m);
}

static void *
grow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 256;
	void *n;

	if (need <= *cap)
		return p;
	while (c < need)
		c *= 2;
	n = realloc(p, c * elem);
	if (n != NULL)
		*cap = c;
	return n;
}

static struct asrow *
new_row(struct ctl_asmap *m, uint32_t asn)
{
	struct asrow *r, *rows = grow(m->rows, &m->cap_rows, m->n_rows + 1, sizeof(*r));

	if (rows == NULL)
		return NULL;
	m->rows = rows;
	r = &m->rows[m->n_rows++];
	memset(r, 0, sizeof(*r));
	r->asn = asn;
	r->seq = m->seq++;
	r->government = -1;
	r->org = -1;
	return r;
}

/* ---- CAIDA AS2Org ---- */

_Static_assert(CTL_ORG_ID_LEN == 64, "as2org_line's messages say 63 characters");

enum as2org_part { PART_NONE, PART_ORG, PART_AUT };

#define AS2ORG_ORG_FORMAT "org_id|changed|org_name|country|source"
#define AS2ORG_AUT_FORMAT "aut|changed|aut_name|org_id|opaque_id|source"

struct as2org_state {
	struct ctl_asmap *m;
	enum as2org_part part;
};

static int
as2org_line(struct ctl_orgline *r, char *s, void *arg)
{
	struct as2org_state *st = arg;
	char *f[MAX_FIELDS];
	int n;

	if (*s == '#') {
		if (strncmp(s, "# format:", 9) != 0)
			return 0;
		/* The fields as CAIDA writes them, every one: a file of another
		 * layout would be read into the wrong fields. */
		st->part = strcmp(s + 9, AS2ORG_ORG_FORMAT) == 0   ? PART_ORG
			   : strcmp(s + 9, AS2ORG_AUT_FORMAT) == 0 ? PART_AUT
								   : PART_NONE;
		if (st->part == PART_NONE)
			return ctl_orgline_err(r, "# format",
					       "'%s' is neither '" AS2ORG_ORG_FORMAT
					       "' nor '" AS2ORG_AUT_FORMAT "'",
					       s + 9);
		return 0;
	}
	if (st->part == PART_NONE)
		return ctl_orgline_err(r, "(record)",
				       "a row before a '# format:org_id|...' or "
				       "'# format:aut|...' line%s",
				       "");
	n = ctl_csv_split(s, '|', f, MAX_FIELDS);
	if (st->part == PART_ORG) {
		struct asorg *org, *orgs;

		if (n < 5)
			return ctl_orgline_err(
			    r, "(record)",
			    "expected 5 fields: org_id|changed|org_name|country|source%s", "");
		if (f[0][0] == '\0')
			return ctl_orgline_err(r, "org_id", "empty%s", "");
		if (strlen(f[0]) >= sizeof(org->id)) /* cut, two would merge */
			return ctl_orgline_err(r, "org_id", "longer than 63 characters%s", "");
		orgs = grow(st->m->orgs, &st->m->cap_orgs, st->m->n_orgs + 1, sizeof(*org));
		if (orgs == NULL)
			return -ENOMEM;
		st->m->orgs = orgs;
		org = &orgs[st->m->n_orgs++];
		memset(org, 0, sizeof(*org));
		org->line = r->line;
		if (ctl_orgs_clean_id(f[0], org->id, sizeof(org->id)) ||
		    ctl_orgs_clean_name(f[2][0] ? f[2] : f[0], org->name, sizeof(org->name)))
			r->o->src[r->src].cleaned++;
		if (ctl_orgs_country_ok(f[3]))
			memcpy(org->country, f[3], 3);
		return 0;
	} else {
		struct asrow *row;
		uint32_t asn;

		if (n < 6)
			return ctl_orgline_err(
			    r, "(record)",
			    "expected 6 fields: aut|changed|aut_name|org_id|opaque_id|source%s",
			    "");
		if (ctl_orgline_asn(f[0], &asn) != 0)
			return ctl_orgline_err(r, "aut", "'%s' is not an AS number (1-4294967295)",
					       f[0]);
		if (strlen(f[3]) >= sizeof(row->org_id))
			return ctl_orgline_err(r, "org_id", "longer than 63 characters%s", "");
		if ((row = new_row(st->m, asn)) == NULL)
			return -ENOMEM;
		ctl_orgs_clean_id(f[3], row->org_id, sizeof(row->org_id));
		r->o->src[r->src].rows++;
		return 0;
	}
}

static int
by_id_line(const void *a, const void *b)
{
	const struct asorg *x = *(const struct asorg *const *)a,
			   *y = *(const struct asorg *const *)b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* The organisations this file added (from first on) have ids of their own:
 * a second row of an id would silently take the first one's place. */
static int
unique_ids(struct ctl_orgline *r, const struct ctl_asmap *m, size_t first)
{
	size_t n = m->n_orgs - first;
	const struct asorg **p = malloc((n ? n : 1) * sizeof(*p));
	int rc = 0;

	if (p == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		p[i] = &m->orgs[first + i];
	qsort(p, n, sizeof(*p), by_id_line);
	for (size_t i = 1; i < n && rc == 0; i++)
		if (strcmp(p[i]->id, p[i - 1]->id) == 0) {
			char first_on[16];

			snprintf(first_on, sizeof(first_on), "%d", p[i - 1]->line);
			r->line = p[i]->line;
			r->skip = false; /* which of the two is meant cannot be told */
			snprintf(r->err, r->err_len,
				 "%s:%d: org_id: '%s' is given twice (first on line %s)",
				 r->o->src[r->src].path, p[i]->line, p[i]->id, first_on);
			rc = -EINVAL;
		}
	free(p);
	return rc;
}

int
ctl_asmap_read_as2org(struct ctl_asmap *m, struct ctl_orgs *o, unsigned src, bool skip, char *err,
		      size_t err_len)
{
	struct ctl_orgline r = {o, src, skip, err, err_len, 0};
	struct as2org_state st = {m, PART_NONE};
	size_t orgs = m->n_orgs;
	uint64_t rows = o->src[src].rows;
	int rc = ctl_orgline_each(&r, as2org_line, &st);

	if (rc == 0)
		rc = unique_ids(&r, m, orgs);
	if (rc == 0 && m->n_orgs == orgs && o->src[src].rows == rows) {
		snprintf(err, err_len, "%s: no organisation and no AS row (an empty or cut file)",
			 o->src[src].path);
		return -EINVAL;
	}
	return rc;
}

/* ---- ASdb, or asn,sector,government ---- */

void
ctl_asmap_sector_label(const char *category, char *out, size_t cap)
{
	size_t w = 0;
	bool dash = false;

	for (const unsigned char *s = (const unsigned char *)category; *s && w + 1 < cap; s++) {
		if (isalnum(*s)) {
			if (dash && w > 0 && w + 2 < cap)
				out[w++] = '-';
			dash = false;
			out[w++] = (char)tolower(*s);
		} else {
			dash = true;
		}
	}
	while (w > 0 && out[w - 1] == '-')
		w--;
	out[w] = '\0';
}

enum asdb_form { FORM_NONE, FORM_ASDB, FORM_SIMPLE };

struct asdb_state {
	struct ctl_asmap *m;
	enum asdb_form form;
};

static int
asdb_line(struct ctl_orgline *r, char *s, void *arg)
{
	struct asdb_state *st = arg;
	char *f[MAX_FIELDS];
	struct asrow row = {0}, *added;
	int n;

	if (*s == '#')
		return 0;
	if (st->form == FORM_NONE) {
		/* The header says which of the two forms this is. */
		if (strncasecmp(s, "asn,sector,government", 21) == 0)
			st->form = FORM_SIMPLE;
		else if (strncasecmp(s, "ASN,", 4) == 0)
			st->form = FORM_ASDB;
		else
			return snprintf(r->err, r->err_len,
					"%s:%d: (header): expected ASdb's 'ASN,Category 1 - Layer "
					"1,...' or 'asn,sector,government'",
					r->o->src[r->src].path, r->line),
			       -EINVAL;
		return 0;
	}
	n = ctl_csv_split(s, ',', f, MAX_FIELDS);
	if (n < 0)
		return ctl_orgline_err(r, "(record)", "unbalanced quotes%s", "");
	if (n > MAX_FIELDS)
		return ctl_orgline_err(r, "(record)",
				       "more than %s fields (an ASN and its category pairs)", "32");
	if (n < (st->form == FORM_SIMPLE ? 3 : 2))
		return ctl_orgline_err(r, "(record)",
				       st->form == FORM_SIMPLE
					   ? "expected 3 fields: asn,sector,government%s"
					   : "expected the ASN and a category%s",
				       "");
	for (int i = 0; i < n; i++)
		f[i] = ctl_csv_trim(f[i]);
	if (ctl_orgline_asn(f[0], &row.asn) != 0)
		return ctl_orgline_err(r, st->form == FORM_SIMPLE ? "asn" : "ASN",
				       "'%s' is not an AS number (1-4294967295)", f[0]);
	row.government = -1;
	if (st->form == FORM_SIMPLE) {
		bool gov;

		if (f[1][0] == '\0' || strlen(f[1]) >= CTL_ORG_SECTOR_LEN ||
		    ctl_orgs_clean_id(f[1], row.sector, sizeof(row.sector)))
			return ctl_orgline_err(
			    r, "sector", "'%s': use 1-47 letters, digits, '-', '_' or '.'", f[1]);
		if (ctl_orgs_parse_bool(f[2], &gov) != 0)
			return ctl_orgline_err(r, "government", "'%s' is not true/false/yes/no/1/0",
					       f[2]);
		row.government = gov;
	} else {
		/* Categories come in pairs (layer 1, layer 2); the first layer 1
		 * is the sector, and any layer 1 may say government. */
		ctl_asmap_sector_label(f[1], row.sector, sizeof(row.sector));
		row.government = 0;
		for (int i = 1; i < n; i += 2)
			if (strcasecmp(f[i], GOVERNMENT_CATEGORY) == 0)
				row.government = 1;
		if (row.sector[0] == '\0')
			row.government = row.government ? 1 : -1;
	}
	if ((added = new_row(st->m, row.asn)) == NULL)
		return -ENOMEM;
	memcpy(added->sector, row.sector, sizeof(row.sector));
	added->government = row.government;
	r->o->src[r->src].rows++;
	return 0;
}

int
ctl_asmap_read_asdb(struct ctl_asmap *m, struct ctl_orgs *o, unsigned src, bool skip, char *err,
		    size_t err_len)
{
	struct ctl_orgline r = {o, src, skip, err, err_len, 0};
	struct asdb_state st = {m, FORM_NONE};
	int rc = ctl_orgline_each(&r, asdb_line, &st);

	if (rc == 0 && st.form == FORM_NONE) {
		snprintf(err, err_len,
			 "%s: (header): empty; expected ASdb's 'ASN,Category 1 - "
			 "Layer 1,...' or 'asn,sector,government'",
			 o->src[src].path);
		rc = -EINVAL;
	}
	return rc;
}

/* ---- Merged ---- */

static int
by_id(const void *a, const void *b)
{
	return strcmp(((const struct asorg *)a)->id, ((const struct asorg *)b)->id);
}

static int
by_asn(const void *a, const void *b)
{
	const struct asrow *x = a, *y = b;

	if (x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
ctl_asmap_finish(struct ctl_asmap *m)
{
	size_t w = 0;

	if (m->n_orgs > 0)
		qsort(m->orgs, m->n_orgs, sizeof(*m->orgs), by_id);
	if (m->n_rows > 0)
		qsort(m->rows, m->n_rows, sizeof(*m->rows), by_asn);
	for (size_t i = 0; i < m->n_rows; i++) {
		struct asrow *r = &m->rows[i], *k;

		if (w == 0 || m->rows[w - 1].asn != r->asn) {
			m->rows[w++] = *r;
			continue;
		}
		k = &m->rows[w - 1]; /* a later source's word on the same AS */
		if (r->org_id[0] != '\0')
			memcpy(k->org_id, r->org_id, sizeof(k->org_id));
		if (r->sector[0] != '\0')
			memcpy(k->sector, r->sector, sizeof(k->sector));
		if (r->government >= 0)
			k->government = r->government;
	}
	m->n_rows = w;
	for (size_t i = 0; i < m->n_rows; i++) {
		struct asorg key, *org;

		if (m->rows[i].org_id[0] == '\0')
			continue;
		memcpy(key.id, m->rows[i].org_id, sizeof(key.id));
		org = m->n_orgs == 0 ? NULL
				     : bsearch(&key, m->orgs, m->n_orgs, sizeof(*m->orgs), by_id);
		m->rows[i].org = org ? (int32_t)(org - m->orgs) : -1;
	}
	return 0;
}

bool
ctl_asmap_get(const struct ctl_asmap *m, uint32_t asn, struct ctl_as_view *out)
{
	size_t lo = 0, hi = m->n_rows;

	memset(out, 0, sizeof(*out));
	out->government = -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct asrow *r = &m->rows[mid];

		if (r->asn == asn) {
			if (r->org >= 0) {
				const struct asorg *org = &m->orgs[r->org];

				out->org_id = org->id;
				out->org_name = org->name;
				out->org_country = org->country[0] ? org->country : NULL;
			}
			out->sector = r->sector[0] ? r->sector : NULL;
			out->government = r->government;
			return true;
		}
		if (r->asn < asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}
