/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_orgdata.h"

#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <libloc/network.h>

#include "ctl_orgas.h"
#include "ctl_orgcsv.h"
#include "ctl_orgloc.h"

uint32_t
ctl_orgdata_flag(const char *name)
{
	static const struct {
		const char *name;
		uint32_t flag;
	} flags[] = {
	    {"anonymous-proxy", LOC_NETWORK_FLAG_ANONYMOUS_PROXY},
	    {"satellite", LOC_NETWORK_FLAG_SATELLITE_PROVIDER},
	    {"anycast", LOC_NETWORK_FLAG_ANYCAST},
	    {"drop", LOC_NETWORK_FLAG_DROP},
	};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strcmp(name, flags[i].name) == 0)
			return flags[i].flag;
	return 0;
}

/* UTC midnight of y-m-d, or 0 when it is no date. */
static int64_t
day(int y, int m, int d)
{
	struct tm t = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
	time_t s;

	if (y < 1990 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	s = timegm(&t);
	return s == (time_t)-1 ? 0 : (int64_t)s;
}

/* A date at the start of the file's name: YYYYMMDD (CAIDA) or YYYY-MM
 * (ASdb: the first of the month). */
static int64_t
date_from_name(const char *path)
{
	char copy[PATH_MAX];
	const char *b;
	int y, m, d, n = 0;

	snprintf(copy, sizeof(copy), "%s", path);
	b = basename(copy);
	if (sscanf(b, "%4d%2d%2d%n", &y, &m, &d, &n) == 3 && n == 8)
		return day(y, m, d);
	if (sscanf(b, "%4d-%2d%n", &y, &m, &n) == 2 && n == 7)
		return day(y, m, 1);
	return 0;
}

static void
set_date(struct ctl_orgsrc_info *s, const struct ctl_orgsrc_cfg *c)
{
	struct stat st;

	if (c->date != 0)
		s->date = c->date;
	if (s->date == 0)
		s->date = date_from_name(c->path);
	if (s->date == 0 && stat(c->path, &st) == 0)
		s->date = (int64_t)st.st_mtime;
	if (c->licence[0] != '\0')
		snprintf(s->licence, sizeof(s->licence), "%s", c->licence);
}

int
ctl_orgdata_load(const struct ctl_orgdata_cfg *cfg, struct ctl_orgs **out, char *err,
		 size_t err_len)
{
	struct ctl_asmap *as = ctl_asmap_new();
	struct ctl_orgs *o = ctl_orgs_new(1024);
	int rc = -ENOMEM;

	*out = NULL;
	err[0] = '\0';
	if (as == NULL || o == NULL)
		goto out;
	for (unsigned i = 0; i < cfg->n_src; i++)
		if (ctl_orgs_add_source(o, cfg->src[i].kind, cfg->src[i].path) < 0)
			goto out;
	/* The AS sources first: the location database's networks need them. */
	for (unsigned i = 0; i < cfg->n_src; i++) {
		const struct ctl_orgsrc_cfg *c = &cfg->src[i];

		rc = 0;
		if (c->kind == CTL_ORGSRC_AS2ORG)
			rc = ctl_asmap_read_as2org(as, o, i, cfg->skip_bad_rows, err, err_len);
		else if (c->kind == CTL_ORGSRC_ASDB)
			rc = ctl_asmap_read_asdb(as, o, i, cfg->skip_bad_rows, err, err_len);
		if (rc != 0)
			goto out;
	}
	if ((rc = ctl_asmap_finish(as)) != 0)
		goto out;
	for (unsigned i = 0; i < cfg->n_src; i++) {
		const struct ctl_orgsrc_cfg *c = &cfg->src[i];

		rc = 0;
		if (c->kind == CTL_ORGSRC_CSV)
			rc = ctl_orgcsv_read(o, i, cfg->skip_bad_rows, err, err_len);
		else if (c->kind == CTL_ORGSRC_LIBLOC)
			rc = ctl_orgloc_read(o, i, c, as, err, err_len);
		if (rc != 0)
			goto out;
		set_date(&o->src[i], c);
	}
	for (unsigned i = 0; i < cfg->n_src; i++)
		if (cfg->src[i].kind == CTL_ORGSRC_AS2ORG || cfg->src[i].kind == CTL_ORGSRC_ASDB)
			set_date(&o->src[i], &cfg->src[i]);
	if ((rc = ctl_orgs_finish(o, cfg->skip_bad_rows, err, err_len)) != 0)
		goto out;
	for (unsigned i = 0; i < o->n_src && cfg->max_age_days != 0; i++) {
		int64_t age = (int64_t)time(NULL) - o->src[i].date;

		if (o->src[i].date == 0)
			fprintf(stderr,
				"tapcensus: warning: %s: organisations: the data has no known "
				"date, and organisations.max_age_days is set "
				"(tapcensus_orgdata_stale)\n",
				o->src[i].path);
		else if (age > (int64_t)cfg->max_age_days * 86400)
			fprintf(stderr,
				"tapcensus: warning: %s: organisations: the data is %" PRId64
				" days old, more than organisations.max_age_days (%u): refresh "
				"it (tapcensus_orgdata_stale)\n",
				o->src[i].path, age / 86400, cfg->max_age_days);
	}
	*out = o;
	o = NULL;
out:
	if (rc == -ENOMEM && err[0] == '\0')
		snprintf(err, err_len, "organisations: out of memory");
	ctl_orgs_free(o);
	ctl_asmap_free(as);
	return rc;
}
