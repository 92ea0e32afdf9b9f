/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_csv.h - one record of a CSV file (RFC 4180: fields in double quotes
 * may hold the separator, a doubled quote is a quote), split in place.
 * Records span one line: a quoted field does not continue on the next.
 */
#ifndef CTL_CSV_H
#define CTL_CSV_H

/* Splits line at sep into at most max fields (pointers into line, quotes
 * removed).  Returns the field count, max + 1 when there are more, or -1
 * for an unterminated quote or text after a closing quote. */
int ctl_csv_split(char *line, char sep, char **fields, int max);

/* s without leading blanks and trailing blanks and line ends (in place). */
char *ctl_csv_trim(char *s);

#endif
