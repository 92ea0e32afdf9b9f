/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_pq.h - what the census push asks of libpq: a statement with text
 * parameters, and rows sent by COPY in chunks, each chunk merged by one
 * statement.
 *
 * Errors: every call returns 0 or -EIO with the server's or libpq's
 * message in err (at most len bytes with its NUL).
 */
#ifndef CTL_PQ_H
#define CTL_PQ_H

#include <stddef.h>

#include <libpq-fe.h>

/* sql with n text parameters v (NULL: SQL NULL); a command or query. */
int ctl_pq_exec(PGconn *db, const char *sql, int n, const char *const *v, char *err, size_t len);

/* One COPY text line of n fields into the copy under way: backslash,
 * tab, newline and carriage return escaped; a line longer than the
 * census's longest row is refused. */
int ctl_pq_copy_line(PGconn *db, const char *const *f, unsigned n, char *err, size_t len);

/* Sends row i of what ctx holds (ctl_pq_copy_line). */
typedef int (*ctl_pq_line_fn)(PGconn *db, const void *ctx, size_t i, char *err, size_t len);

/* n rows, chunk at a time: COPYed into the (temporary) table, merged by
 * merge ($1: tap), the table emptied.  A failed line abandons its COPY
 * (the server discards it). */
int ctl_pq_copy_merge(PGconn *db, const char *tap, const char *table, const char *merge, size_t n,
		      size_t chunk, ctl_pq_line_fn line, const void *ctx, char *err, size_t len);

#endif
