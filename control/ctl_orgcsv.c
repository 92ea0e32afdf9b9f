/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_orgcsv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl_csv.h"
#include "ctl_file.h"
#include "ctl_orgs.h"

#define NFIELDS 6
#define LINE_MAX_LEN 4096

static const char *const field_names[NFIELDS] = {"prefix",  "org_id", "name",
						 "country", "sector", "government"};

static int
valid_id(const char *s)
{
	char clean[CTL_ORG_ID_LEN];

	return *s != '\0' && strlen(s) < CTL_ORG_ID_LEN &&
	       !ctl_orgs_clean_id(s, clean, sizeof(clean));
}

struct load {
	struct ctl_orgs *o;
	unsigned src;
	char *err;
	size_t err_len;
};

static int
lerr(struct load *l, int line, int field, const char *fmt, const char *a)
{
	int o = snprintf(l->err, l->err_len, "%s:%d: %s: ", l->o->src[l->src].path, line,
			 field >= 0 ? field_names[field] : "(record)");

	if (o >= 0 && (size_t)o < l->err_len)
		snprintf(l->err + o, l->err_len - (size_t)o, fmt, a);
	return -EINVAL;
}

static int
add_row(struct load *l, int line, char **f)
{
	struct ctl_org org = {0};
	struct dp_prefix p;
	const char *why;
	uint32_t idx;
	int rc;

	for (int i = 0; i < NFIELDS; i++)
		f[i] = ctl_csv_trim(f[i]);
	if (dp_prefix_parse(f[0], &p, &why))
		return lerr(l, line, 0, why, NULL);
	if (!valid_id(f[1]))
		return lerr(l, line, 1, "'%s': use 1-63 letters, digits, '-', '_' or '.'", f[1]);
	if (strcmp(f[1], "other") == 0)
		return lerr(l, line, 1, "'%s' is reserved", f[1]);
	if (f[2][0] == '\0')
		return lerr(l, line, 2, "empty%s", "");
	if (!ctl_orgs_country_ok(f[3]))
		return lerr(l, line, 3, "'%s' is not an ISO 3166-1 alpha-2 code (two capitals)",
			    f[3]);
	if (!valid_id(f[4]) || strlen(f[4]) >= CTL_ORG_SECTOR_LEN)
		return lerr(l, line, 4, "'%s': use 1-47 letters, digits, '-', '_' or '.'", f[4]);
	if (ctl_orgs_parse_bool(f[5], &org.government))
		return lerr(l, line, 5, "'%s' is not true/false/yes/no/1/0", f[5]);
	if (strcmp(f[1], "unattributed") == 0) {
		/* A carve-out: the prefix attributes nobody (an earlier source's
		 * network, the operator's own infrastructure). */
		rc = ctl_orgs_add_prefix(l->o, &p, 0, l->src, line);
		if (rc == 0)
			l->o->src[l->src].rows++;
		return rc;
	}
	snprintf(org.id, sizeof(org.id), "%s", f[1]);
	if (ctl_orgs_clean_name(f[2], org.name, sizeof(org.name)))
		l->o->src[l->src].cleaned++;
	memcpy(org.country, f[3], 3);
	snprintf(org.sector, sizeof(org.sector), "%s", f[4]);

	rc = ctl_orgs_intern(l->o, &org, &idx);
	if (rc == -EEXIST)
		return lerr(l, line, 1,
			    "'%s' appears earlier with another name, country, sector or "
			    "government flag",
			    org.id);
	if (rc == -ENOSPC)
		return lerr(l, line, 1, "more than %s organisations", "1048576");
	if (rc == 0)
		rc = ctl_orgs_add_prefix(l->o, &p, idx, l->src, line);
	if (rc == 0)
		l->o->src[l->src].rows++;
	return rc;
}

/* A malformed row: refused, or told and skipped. */
static int
bad_row(struct load *l, bool skip, int rc)
{
	if (rc != -EINVAL || !skip)
		return rc;
	fprintf(stderr, "tapcensus: warning: %s; row skipped\n", l->err);
	l->o->src[l->src].skipped++;
	l->err[0] = '\0';
	return 0;
}

int
ctl_orgcsv_read(struct ctl_orgs *o, unsigned src, bool skip, char *err, size_t err_len)
{
	struct load l = {o, src, err, err_len};
	const char *path = o->src[src].path;
	char line[LINE_MAX_LEN + 2];
	int lineno = 0, rc = 0;
	bool first = true;
	FILE *f;

	f = ctl_file_open(path);
	if (f == NULL) {
		rc = -errno;
		snprintf(err, err_len, "%s: cannot open: %s", path, ctl_file_error(errno));
		return rc;
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		char *fields[NFIELDS + 1], *s;
		size_t len = strlen(line);
		int n;

		lineno++;
		if (len > LINE_MAX_LEN) {
			int c;

			/* The rest of the line, so the next one is read whole. */
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			rc = bad_row(&l, skip,
				     lerr(&l, lineno, -1, "line longer than %s bytes", "4096"));
			continue;
		}
		/* A UTF-8 byte-order mark, as spreadsheets write one. */
		if (lineno == 1 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
			memmove(line, line + 3, strlen(line + 3) + 1);
		s = ctl_csv_trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if (first && strncasecmp(s, "prefix,", 7) == 0) {
			first = false;
			continue; /* header */
		}
		first = false;
		n = ctl_csv_split(s, ',', fields, NFIELDS);
		if (n != NFIELDS)
			rc = bad_row(&l, skip,
				     lerr(&l, lineno, -1,
					  n < 0 ? "unbalanced quotes%s"
						: "expected 6 fields: prefix,org_id,name,country,"
						  "sector,government%s",
					  ""));
		else
			rc = bad_row(&l, skip, add_row(&l, lineno, fields));
	}
	if (rc == 0 && ferror(f)) {
		rc = -EIO;
		snprintf(err, err_len, "%s: read error", path);
	}
	if (rc == -ENOMEM)
		snprintf(err, err_len, "%s: out of memory", path);
	fclose(f);
	return rc;
}

int
ctl_orgs_load(const char *path, struct ctl_orgs **out, char *err, size_t err_len)
{
	struct ctl_orgs *o = ctl_orgs_new(1024);
	int rc, src;

	*out = NULL;
	if (o == NULL) {
		snprintf(err, err_len, "%s: out of memory", path);
		return -ENOMEM;
	}
	src = ctl_orgs_add_source(o, CTL_ORGSRC_CSV, path);
	rc = ctl_orgcsv_read(o, (unsigned)src, false, err, err_len);
	if (rc == 0)
		rc = ctl_orgs_finish(o, false, err, err_len);
	if (rc != 0) {
		ctl_orgs_free(o);
		return rc;
	}
	*out = o;
	return 0;
}
