/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_pq.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_hll.h"
#include "ctl_orgs.h"

int
ctl_pq_exec(PGconn *db, const char *sql, int n, const char *const *v, char *err, size_t len)
{
	PGresult *r = PQexecParams(db, sql, n, NULL, v, NULL, NULL, 0);
	int ok = r != NULL &&
		 (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);

	if (!ok)
		snprintf(err, len, "%s", PQerrorMessage(db));
	PQclear(r);
	return ok ? 0 : -EIO;
}

/* COPY's text form of one field into o (at most len, with its NUL):
 * backslash, tab, newline and carriage return escaped.  The length, or
 * len when it does not fit. */
static size_t
copy_field(char *o, size_t len, const char *v)
{
	size_t n = 0;

	for (; *v != '\0'; v++) {
		const char *esc = *v == '\\'   ? "\\\\"
				  : *v == '\t' ? "\\t"
				  : *v == '\n' ? "\\n"
				  : *v == '\r' ? "\\r"
					       : NULL;
		size_t k = esc != NULL ? 2 : 1;

		if (n + k >= len)
			return len;
		memcpy(o + n, esc != NULL ? esc : v, k);
		n += k;
	}
	o[n] = '\0';
	return n;
}

int
ctl_pq_copy_line(PGconn *db, const char *const *f, unsigned n, char *err, size_t len)
{
	char line[4 * CTL_ORG_NAME_LEN + 2 * CTL_HLL_PACKED_MAX + 512];
	size_t at = 0;

	for (unsigned i = 0; i < n; i++) {
		size_t k = copy_field(line + at, sizeof(line) - at - 1, f[i]);

		if (k >= sizeof(line) - at - 1) {
			snprintf(err, len, "a census row does not fit a COPY line");
			return -EIO;
		}
		at += k;
		line[at++] = i + 1 < n ? '\t' : '\n';
	}
	if (PQputCopyData(db, line, (int)at) != 1) {
		snprintf(err, len, "%s", PQerrorMessage(db));
		return -EIO;
	}
	return 0;
}

int
ctl_pq_copy_merge(PGconn *db, const char *tap, const char *table, const char *merge, size_t n,
		  size_t chunk, ctl_pq_line_fn line, const void *ctx, char *err, size_t len)
{
	const char *v[] = {tap};
	char sql[64];
	int rc = 0;

	for (size_t at = 0; rc == 0 && at < n; at += chunk) {
		PGresult *r;

		snprintf(sql, sizeof(sql), "COPY %s FROM STDIN", table);
		r = PQexec(db, sql);
		if (PQresultStatus(r) != PGRES_COPY_IN) {
			snprintf(err, len, "%s", PQerrorMessage(db));
			PQclear(r);
			return -EIO;
		}
		PQclear(r);
		for (size_t i = at; rc == 0 && i < n && i < at + chunk; i++)
			rc = line(db, ctx, i, err, len);
		/* Abandoned after a failed line: the server discards it. */
		if (PQputCopyEnd(db, rc != 0 ? "abandoned" : NULL) != 1 && rc == 0) {
			snprintf(err, len, "%s", PQerrorMessage(db));
			rc = -EIO;
		}
		while ((r = PQgetResult(db)) != NULL) {
			if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK) {
				snprintf(err, len, "%s", PQerrorMessage(db));
				rc = -EIO;
			}
			PQclear(r);
		}
		if (rc == 0)
			rc = ctl_pq_exec(db, merge, 1, v, err, len);
		snprintf(sql, sizeof(sql), "TRUNCATE %s", table);
		if (rc == 0)
			rc = ctl_pq_exec(db, sql, 0, NULL, err, len);
	}
	return rc;
}
