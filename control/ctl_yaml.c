/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_yaml.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_config.h"
#include "ctl_file.h"

int
ctl_yaml_load(struct ctl_yaml *x, yaml_document_t *doc, yaml_node_t **root)
{
	yaml_parser_t parser;
	yaml_document_t next;
	FILE *f = ctl_file_open(x->path);
	int rc = 0;

	if (f == NULL) {
		rc = -errno;
		snprintf(x->err, x->err_len, "%s: cannot open: %s", x->path, ctl_file_error(errno));
		return rc;
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, doc)) {
		snprintf(x->err, x->err_len, "%s:%zu: (syntax): %s%s%s", x->path,
			 parser.problem_mark.line + 1, parser.problem ? parser.problem : "bad YAML",
			 parser.context ? " " : "", parser.context ? parser.context : "");
		rc = -EINVAL;
		goto out;
	}
	x->doc = doc;
	*root = yaml_document_get_root_node(doc);
	if (*root == NULL) {
		snprintf(x->err, x->err_len, "%s:1: (top level): the file is empty", x->path);
		yaml_document_delete(doc);
		rc = -EINVAL;
		goto out;
	}
	/* A second document (after ---) would be ignored: refuse it. */
	if (!yaml_parser_load(&parser, &next)) {
		snprintf(x->err, x->err_len, "%s:%zu: (syntax): %s", x->path,
			 parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "bad YAML");
		rc = -EINVAL;
	} else {
		yaml_node_t *r = yaml_document_get_root_node(&next);

		if (r != NULL) {
			snprintf(
			    x->err, x->err_len,
			    "%s:%zu: (top level): a second YAML document; the configuration is one",
			    x->path, next.start_mark.line + 1);
			rc = -EINVAL;
		}
		yaml_document_delete(&next);
	}
	if (rc != 0)
		yaml_document_delete(doc);
out:
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

int
ctl_yaml_err(struct ctl_yaml *x, const yaml_node_t *n, const char *field, const char *fmt, ...)
{
	va_list ap;
	int o;

	o = snprintf(x->err, x->err_len, "%s:%zu: %s: ", x->path,
		     n ? n->start_mark.line + 1 : (size_t)1, field);
	if (o < 0 || (size_t)o >= x->err_len)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(x->err + o, x->err_len - (size_t)o, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int
ctl_yaml_line(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

yaml_node_t *
ctl_yaml_node(struct ctl_yaml *x, int id)
{
	return yaml_document_get_node(x->doc, id);
}

int
ctl_yaml_want(struct ctl_yaml *x, yaml_node_t *n, yaml_node_type_t t, const char *field)
{
	static const char *const names[] = {"nothing", "a scalar", "a list", "a mapping"};

	if (n->type == t)
		return 0;
	return ctl_yaml_err(x, n, field, "expected %s", names[t]);
}

/* Every key of map must be in allowed (NULL terminated). */
int
ctl_yaml_keys(struct ctl_yaml *x, yaml_node_t *map, const char *field, const char *const *allowed)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = ctl_yaml_node(x, p->key);
		bool ok = false;

		if (k->type != YAML_SCALAR_NODE)
			return ctl_yaml_err(x, k, field, "keys must be plain words");
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp((const char *)k->data.scalar.value, *a) == 0;
		if (!ok)
			return ctl_yaml_err(x, k, field, "unknown field '%s'",
					    k->data.scalar.value);
		/* YAML 1.2 3.2.1.1: keys are unique; libyaml keeps both. */
		for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *e = ctl_yaml_node(x, q->key);

			if (e->type == YAML_SCALAR_NODE &&
			    strcmp((const char *)e->data.scalar.value,
				   (const char *)k->data.scalar.value) == 0)
				return ctl_yaml_err(x, k, field,
						    "'%s' given twice (first on line %d)",
						    k->data.scalar.value, ctl_yaml_line(e));
		}
	}
	return 0;
}

yaml_node_t *
ctl_yaml_get(struct ctl_yaml *x, yaml_node_t *map, const char *key)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = ctl_yaml_node(x, p->key);

		if (k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, key) == 0)
			return ctl_yaml_node(x, p->value);
	}
	return NULL;
}

/* An optional mapping under key: *out is NULL when absent; its keys must be
 * among allowed. */
int
ctl_yaml_section(struct ctl_yaml *x, yaml_node_t *parent, const char *key,
		 const char *const *allowed, yaml_node_t **out)
{
	int rc;

	*out = ctl_yaml_get(x, parent, key);
	if (*out == NULL)
		return 0;
	if ((rc = ctl_yaml_want(x, *out, YAML_MAPPING_NODE, key)))
		return rc;
	return ctl_yaml_keys(x, *out, key, allowed);
}

int
ctl_yaml_date(struct ctl_yaml *x, yaml_node_t *n, const char *field, int64_t *out)
{
	char buf[32];
	int y, mo, d, used = 0, rc = ctl_yaml_str(x, n, field, buf, sizeof(buf));
	struct tm t = {0};
	time_t s;

	if (rc)
		return rc;
	if (sscanf(buf, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || buf[used] != '\0' ||
	    used != 10 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return ctl_yaml_err(x, n, field, "'%s': a date, as YYYY-MM-DD", buf);
	t.tm_year = y - 1900;
	t.tm_mon = mo - 1;
	t.tm_mday = d;
	s = timegm(&t);
	if (s == (time_t)-1 || t.tm_mday != d)
		return ctl_yaml_err(x, n, field, "'%s': no such day", buf);
	*out = (int64_t)s;
	return 0;
}

int
ctl_yaml_str(struct ctl_yaml *x, yaml_node_t *n, const char *field, char *out, size_t cap)
{
	int rc = ctl_yaml_want(x, n, YAML_SCALAR_NODE, field);

	if (rc)
		return rc;
	if (n->data.scalar.length == 0)
		return ctl_yaml_err(x, n, field, "must not be empty");
	if (n->data.scalar.length >= cap)
		return ctl_yaml_err(x, n, field, "longer than %zu characters", cap - 1);
	memcpy(out, n->data.scalar.value, n->data.scalar.length + 1);
	return 0;
}

int
ctl_yaml_uint(struct ctl_yaml *x, yaml_node_t *n, const char *field, unsigned long min,
	      unsigned long max, unsigned long *out)
{
	const char *s;
	char *end;
	int rc = ctl_yaml_want(x, n, YAML_SCALAR_NODE, field);

	if (rc)
		return rc;
	s = (const char *)n->data.scalar.value;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno)
		return ctl_yaml_err(x, n, field, "'%s' is not a whole number", s);
	if (*out < min || *out > max)
		return ctl_yaml_err(x, n, field, "%lu is out of range [%lu, %lu]", *out, min, max);
	return 0;
}

/* A path, relative ones taken from the configuration file's directory;
 * out has PATH_MAX bytes. */
int
ctl_yaml_path(struct ctl_yaml *x, yaml_node_t *n, const char *field, char *out)
{
	char rel[PATH_MAX], dir[PATH_MAX];
	int rc = ctl_yaml_str(x, n, field, rel, sizeof(rel));

	if (rc)
		return rc;
	snprintf(dir, sizeof(dir), "%s", x->path);
	if (rel[0] == '/')
		snprintf(out, PATH_MAX, "%s", rel);
	else if ((size_t)snprintf(out, PATH_MAX, "%s/%s", dirname(dir), rel) >= PATH_MAX)
		return ctl_yaml_err(x, n, field, "path too long");
	return 0;
}

int
ctl_yaml_fieldf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return 0;
}

/* Copy a list of strings; *out is malloc'd, each string strdup'd. */
int
ctl_yaml_str_list(struct ctl_yaml *x, yaml_node_t *n, const char *field, char ***out, int **lines,
		  unsigned *count)
{
	unsigned i = 0, len;
	int rc = ctl_yaml_want(x, n, YAML_SEQUENCE_NODE, field);

	if (rc)
		return rc;
	len = (unsigned)(n->data.sequence.items.top - n->data.sequence.items.start);
	*out = calloc(len + 1, sizeof(char *));
	if (lines)
		*lines = calloc(len + 1, sizeof(int));
	if (*out == NULL || (lines && *lines == NULL))
		return -ENOMEM;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, i++) {
		yaml_node_t *v = ctl_yaml_node(x, *it);
		char f[128];

		ctl_yaml_fieldf(f, sizeof(f), "%s[%u]", field, i);
		rc = ctl_yaml_want(x, v, YAML_SCALAR_NODE, f);
		if (rc)
			return rc;
		if (v->data.scalar.length == 0)
			return ctl_yaml_err(x, v, f, "must not be empty");
		(*out)[i] = strdup((const char *)v->data.scalar.value);
		if ((*out)[i] == NULL)
			return -ENOMEM;
		if (lines)
			(*lines)[i] = ctl_yaml_line(v);
		*count = i + 1;
	}
	return 0;
}

int
ctl_yaml_port_list(struct ctl_yaml *x, yaml_node_t *n, const char *field,
		   struct ctl_port_range *out, unsigned max, unsigned *count)
{
	unsigned i = 0;
	int rc = ctl_yaml_want(x, n, YAML_SEQUENCE_NODE, field);

	if (rc)
		return rc;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, i++) {
		yaml_node_t *v = ctl_yaml_node(x, *it);
		unsigned long lo, hi;
		const char *s;
		char *end;
		char f[128];

		ctl_yaml_fieldf(f, sizeof(f), "%s[%u]", field, i);
		if (i == max)
			return ctl_yaml_err(x, v, f, "more than %u ports or ranges", max);
		if ((rc = ctl_yaml_want(x, v, YAML_SCALAR_NODE, f)))
			return rc;
		s = (const char *)v->data.scalar.value;
		if (strchr(s, '-') == NULL) {
			if ((rc = ctl_yaml_uint(x, v, f, 1, 65535, &lo)))
				return rc;
			out[i].lo = out[i].hi = (uint16_t)lo;
			continue;
		}
		errno = 0;
		lo = strtoul(s, &end, 10);
		if (s[0] < '0' || s[0] > '9' || *end != '-' || errno || end[1] < '0' ||
		    end[1] > '9')
			return ctl_yaml_err(x, v, f, "'%s' is neither a port nor a range lo-hi", s);
		hi = strtoul(end + 1, &end, 10);
		if (*end != '\0' || errno)
			return ctl_yaml_err(x, v, f, "'%s' is neither a port nor a range lo-hi", s);
		if (lo < 1 || hi > 65535 || lo > hi)
			return ctl_yaml_err(x, v, f,
					    "range '%s' is not within 1-65535 with lo <= hi", s);
		out[i].lo = (uint16_t)lo;
		out[i].hi = (uint16_t)hi;
	}
	*count = i;
	return 0;
}

/* An optional unsigned field of a section, within [min, max]. */
int
ctl_yaml_opt_uint(struct ctl_yaml *x, yaml_node_t *sec, const char *key, const char *field,
		  unsigned long min, unsigned long max, uint32_t *out)
{
	yaml_node_t *v = sec ? ctl_yaml_get(x, sec, key) : NULL;
	unsigned long u;
	int rc;

	if (v == NULL)
		return 0;
	if ((rc = ctl_yaml_uint(x, v, field, min, max, &u)))
		return rc;
	*out = (uint32_t)u;
	return 0;
}

int
ctl_yaml_opt_bool(struct ctl_yaml *x, yaml_node_t *sec, const char *key, const char *field,
		  bool *out)
{
	yaml_node_t *v = sec ? ctl_yaml_get(x, sec, key) : NULL;
	const char *s;
	int rc;

	if (v == NULL)
		return 0;
	if ((rc = ctl_yaml_want(x, v, YAML_SCALAR_NODE, field)))
		return rc;
	s = (const char *)v->data.scalar.value;
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
		*out = true;
	else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)
		*out = false;
	else
		return ctl_yaml_err(x, v, field, "'%s' is neither true nor false", s);
	return 0;
}
