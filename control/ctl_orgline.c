/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_orgline.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ctl_csv.h"
#include "ctl_file.h"

#define LINE_MAX_LEN 4096

/* "AS15169", "as15169" or "15169": 1 to 4294967295. */
int
ctl_orgline_asn(const char *s, uint32_t *out)
{
	unsigned long long v = 0;

	if (strncasecmp(s, "AS", 2) == 0)
		s += 2;
	if (*s == '\0')
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || (v = v * 10 + (unsigned)(*s - '0')) > UINT32_MAX)
			return -EINVAL;
	}
	if (v == 0)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int
ctl_orgline_err(struct ctl_orgline *r, const char *field, const char *fmt, const char *a)
{
	int n = snprintf(r->err, r->err_len, "%s:%d: %s: ", r->o->src[r->src].path, r->line, field);

	if (n >= 0 && (size_t)n < r->err_len)
		snprintf(r->err + n, r->err_len - (size_t)n, fmt, a);
	if (!r->skip)
		return -EINVAL;
	fprintf(stderr, "tapcensus: warning: %s; row skipped\n", r->err);
	r->o->src[r->src].skipped++;
	r->err[0] = '\0';
	return 0;
}

/* Each line of the file, trimmed, with its number in r->line; comment
 * lines are given too (the formats put meaning in some). */
int
ctl_orgline_each(struct ctl_orgline *r, int (*fn)(struct ctl_orgline *r, char *line, void *arg),
		 void *arg)
{
	const char *path = r->o->src[r->src].path;
	char line[LINE_MAX_LEN + 2];
	int rc = 0;
	FILE *f = ctl_file_open(path);

	if (f == NULL) {
		rc = -errno;
		snprintf(r->err, r->err_len, "%s: cannot open: %s", path, ctl_file_error(errno));
		return rc;
	}
	r->line = 0;
	for (;;) {
		size_t n = 0;
		bool nul = false;
		int c;
		char *s;

		/* A line by hand, so that a NUL in it is seen (a C string would
		 * end there and the rest of the line be read as nothing). */
		while ((c = getc(f)) != EOF && c != '\n') {
			nul |= c == '\0';
			if (n <= LINE_MAX_LEN)
				line[n] = (char)c;
			n++;
		}
		if (c == EOF && n == 0)
			break;
		line[n <= LINE_MAX_LEN ? n : LINE_MAX_LEN + 1] = '\0';
		r->line++;
		if (n > LINE_MAX_LEN) {
			rc = ctl_orgline_err(r, "(record)", "line longer than %s bytes", "4096");
		} else if (nul) {
			rc = ctl_orgline_err(r, "(record)", "a NUL byte in the line%s", "");
		} else {
			if (r->line == 1 && n >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
				memmove(line, line + 3, strlen(line + 3) + 1);
			s = ctl_csv_trim(line);
			if (*s != '\0')
				rc = fn(r, s, arg);
		}
		if (rc != 0 || c == EOF)
			break;
	}
	if (rc == 0 && ferror(f)) {
		rc = -EIO;
		snprintf(r->err, r->err_len, "%s: read error", path);
	}
	if (rc == -ENOMEM)
		snprintf(r->err, r->err_len, "%s: out of memory", path);
	fclose(f);
	return rc;
}
