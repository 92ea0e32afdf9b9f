/* SPDX-License-Identifier: BSD-3-Clause */
/* The sections of what outlives the process: persistence (the state
 * file), census (the shared database) and report (its event markers). */
#include "ctl_config_sections.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_file.h"

/* persistence: the state file. */
int
ctl_config_parse_persistence(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c)
{
	yaml_node_t *v;
	int rc;

	if ((v = ctl_yaml_get(x, n, "dir")) != NULL) {
		struct stat st;

		if ((rc = ctl_yaml_path(x, v, "persistence.dir", c->state_dir)))
			return rc;
		if (stat(c->state_dir, &st) == 0 && !S_ISDIR(st.st_mode))
			return ctl_yaml_err(x, v, "persistence.dir",
					    "%s exists and is not a directory", c->state_dir);
	}
	return ctl_yaml_opt_uint(x, n, "interval", "persistence.interval", 1, 86400,
				 &c->state_interval);
}

/* census: the tap's name, the shared client-hash key (a file of 32 hex
 * digits: never in the configuration itself, never logged), the database. */
int
ctl_config_parse_census(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c)
{
	struct ctl_census_cfg *k = &c->census;
	yaml_node_t *v;
	char hex[64] = "";
	struct stat st;
	FILE *f;
	int rc;

	for (const char *const *key = (const char *const[]){"tap", "key_file", "database", NULL};
	     *key; key++)
		if (ctl_yaml_get(x, n, *key) == NULL) {
			char field[32];

			ctl_yaml_fieldf(field, sizeof(field), "census.%s", *key);
			return ctl_yaml_err(x, n, field, "missing");
		}
	v = ctl_yaml_get(x, n, "tap");
	if ((rc = ctl_yaml_str(x, v, "census.tap", k->tap, sizeof(k->tap))))
		return rc;
	for (const char *p = k->tap; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '-'))
			return ctl_yaml_err(x, v, "census.tap",
					    "'%s': use lower-case letters, digits, "
					    "'_' or '-' (it names the tap's "
					    "database role too)",
					    k->tap);
	v = ctl_yaml_get(x, n, "key_file");
	if ((rc = ctl_yaml_path(x, v, "census.key_file", k->key_file)))
		return rc;
	f = ctl_file_open(k->key_file);
	if (f == NULL)
		return ctl_yaml_err(x, v, "census.key_file", "%s: %s", k->key_file,
				    ctl_file_error(errno));
	/* Whoever reads the key can test any address against the census's
	 * sketches: only its owner should. */
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		fprintf(stderr,
			"tapcensus: warning: %s:%d: census.key_file: %s is open to others (mode "
			"%04o); whoever reads it can test client addresses against the census: "
			"chmod 600 it\n",
			x->path, ctl_yaml_line(v), k->key_file, (unsigned)(st.st_mode & 07777));
	if (fgets(hex, sizeof(hex), f) == NULL)
		hex[0] = '\0';
	fclose(f);
	hex[strcspn(hex, "\r\n")] = '\0';
	if (strlen(hex) != 32 || strspn(hex, "0123456789abcdefABCDEF") != 32)
		return ctl_yaml_err(x, v, "census.key_file",
				    "%s: not 32 hex digits (a 128-bit key every tap shares: "
				    "openssl rand -hex 16)",
				    k->key_file);
	for (int i = 0; i < 16; i++) {
		unsigned b;

		sscanf(hex + 2 * i, "%2x", &b);
		k->key[i] = (uint8_t)b;
	}
	memset(hex, 0, sizeof(hex));
	v = ctl_yaml_get(x, n, "database");
	if ((rc = ctl_yaml_str(x, v, "census.database", k->database, sizeof(k->database))))
		return rc;
	k->interval = 60;
	return ctl_yaml_opt_uint(x, n, "interval", "census.interval", 1, 86400, &k->interval);
}

/* report: the census report's event markers (control/tapcensus-report
 * reads them; the daemon checks them so that one file serves both). */
int
ctl_config_parse_report(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c)
{
	yaml_node_t *ev = ctl_yaml_get(x, n, "events");
	int rc;

	(void)c;
	if (ev == NULL)
		return 0;
	if ((rc = ctl_yaml_want(x, ev, YAML_SEQUENCE_NODE, "report.events")))
		return rc;
	for (yaml_node_item_t *it = ev->data.sequence.items.start; it < ev->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = ctl_yaml_node(x, *it), *v;
		unsigned i = (unsigned)(it - ev->data.sequence.items.start);
		char field[64], label[81];
		int64_t date;

		ctl_yaml_fieldf(field, sizeof(field), "report.events[%u]", i);
		if ((rc = ctl_yaml_want(x, e, YAML_MAPPING_NODE, field)) ||
		    (rc = ctl_yaml_keys(x, e, field, (const char *const[]){"date", "label", NULL})))
			return rc;
		ctl_yaml_fieldf(field, sizeof(field), "report.events[%u].date", i);
		if ((v = ctl_yaml_get(x, e, "date")) == NULL)
			return ctl_yaml_err(x, e, field, "missing");
		if ((rc = ctl_yaml_date(x, v, field, &date)))
			return rc;
		ctl_yaml_fieldf(field, sizeof(field), "report.events[%u].label", i);
		if ((v = ctl_yaml_get(x, e, "label")) == NULL)
			return ctl_yaml_err(x, e, field, "missing");
		if ((rc = ctl_yaml_str(x, v, field, label, sizeof(label))))
			return rc;
	}
	return 0;
}
