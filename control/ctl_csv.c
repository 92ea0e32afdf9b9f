/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_csv.h"

#include <string.h>

int
ctl_csv_split(char *line, char sep, char **fields, int max)
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
			if (*r != sep && *r != '\0')
				return -1;
		} else {
			while (*r != sep && *r != '\0')
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

char *
ctl_csv_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}
