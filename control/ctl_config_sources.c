/* SPDX-License-Identifier: BSD-3-Clause */
/* A catalogue role's evidence: its sources with their grades, and the
 * confidence they support (ctl_config.h: struct ctl_vendor). */
#include "ctl_config_sections.h"

#include <stdio.h>
#include <string.h>

/* sources: where a role's names come from - [{document, url, read,
 * grade}], read a date (YYYY-MM-DD), grade the evidence: A the vendor's
 * documentation, B an artefact the vendor issued (code, a certificate), C
 * maintained third-party data, D reports; E (unverified list entries)
 * is refused, as is a source with no grade.  Kept of them: the best grade
 * (*best, 'Z' for none).  The catalogue is the record of the rest. */
int
ctl_config_parse_sources(struct ctl_yaml *x, yaml_node_t *n, const char *fp, char *best)
{
	static const char *const keys[] = {"document", "url", "read", "grade", NULL};
	char f[200], buf[512];
	int rc;

	*best = 'Z';
	ctl_yaml_fieldf(f, sizeof(f), "%s.sources", fp);
	if ((rc = ctl_yaml_want(x, n, YAML_SEQUENCE_NODE, f)))
		return rc;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *s = ctl_yaml_node(x, *it), *c;
		unsigned i = (unsigned)(it - n->data.sequence.items.start);
		int64_t when;

		ctl_yaml_fieldf(f, sizeof(f), "%s.sources[%u]", fp, i);
		if ((rc = ctl_yaml_want(x, s, YAML_MAPPING_NODE, f)) ||
		    (rc = ctl_yaml_keys(x, s, f, keys)))
			return rc;
		for (const char *const *k = keys; *k; k++) {
			ctl_yaml_fieldf(f, sizeof(f), "%s.sources[%u].%s", fp, i, *k);
			if ((c = ctl_yaml_get(x, s, *k)) == NULL) {
				if (strcmp(*k, "url") == 0)
					continue;
				return ctl_yaml_err(x, s, f, "missing");
			}
			if ((rc = ctl_yaml_str(x, c, f, buf, sizeof(buf))))
				return rc;
		}
		ctl_yaml_fieldf(f, sizeof(f), "%s.sources[%u].grade", fp, i);
		c = ctl_yaml_get(x, s, "grade");
		ctl_yaml_str(x, c, f, buf, sizeof(buf));
		if (strcmp(buf, "E") == 0)
			return ctl_yaml_err(x, c, f,
					    "grade E (an unverified list entry) is never a "
					    "source: find a better one or leave the name out");
		if (strlen(buf) != 1 || buf[0] < 'A' || buf[0] > 'D')
			return ctl_yaml_err(x, c, f,
					    "'%s': one of A (the vendor's documentation), B "
					    "(its artefact), C (maintained third-party data), "
					    "D (a report)",
					    buf);
		if (buf[0] < *best)
			*best = buf[0];
		ctl_yaml_fieldf(f, sizeof(f), "%s.sources[%u].read", fp, i);
		if ((rc = ctl_yaml_date(x, ctl_yaml_get(x, s, "read"), f, &when)))
			return rc;
	}
	return 0;
}

/* A unit's confidence from its best source grade; a catalogue may state
 * it (confidence:), and may not claim more than its sources hold. */
int
ctl_config_parse_confidence(struct ctl_yaml *x, yaml_node_t *n, const char *fp, char best,
			    struct ctl_vendor *v)
{
	const char *derived = best <= 'B' ? "documented" : best <= 'D' ? "reported" : "unsourced";
	yaml_node_t *c = ctl_yaml_get(x, n, "confidence");
	char f[128];
	int rc;

	snprintf(v->confidence, sizeof(v->confidence), "%s", derived);
	if (c == NULL)
		return 0;
	ctl_yaml_fieldf(f, sizeof(f), "%s.confidence", fp);
	if ((rc = ctl_yaml_str(x, c, f, v->confidence, sizeof(v->confidence))))
		return rc;
	if (strcmp(v->confidence, "documented") != 0 && strcmp(v->confidence, "reported") != 0)
		return ctl_yaml_err(x, c, f, "'%s': documented or reported", v->confidence);
	if (strcmp(v->confidence, "documented") == 0 && best > 'B')
		return ctl_yaml_err(x, c, f, "documented, but no source is graded A or B");
	return 0;
}
