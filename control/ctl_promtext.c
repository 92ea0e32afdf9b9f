/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_promtext.h"

#include <inttypes.h>

void
ctl_promtext_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void
ctl_promtext_label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

void
ctl_promtext_vendor(FILE *f, const char *vendor, const char *role)
{
	fputs("vendor=", f);
	ctl_promtext_label(f, vendor);
	fputs(",role=", f);
	ctl_promtext_label(f, role);
}

void
ctl_promtext_scalar(FILE *f, const char *name, const char *type, const char *help, uint64_t value)
{
	ctl_promtext_family(f, name, type, help);
	fprintf(f, "%s %" PRIu64 "\n", name, value);
}
