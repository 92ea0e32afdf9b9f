/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_yaml.h - reading a YAML document (libyaml) field by field, with
 * errors that name the file, the line and the field: "FILE:LINE: FIELD:
 * reason".  What the fields mean is the schema's (ctl_config.c); this is
 * only the reader.
 *
 * Errors: every function that checks returns 0, -EINVAL with the message
 * written into x->err (ctl_yaml_err's format), or -ENOMEM.
 */
#ifndef CTL_YAML_H
#define CTL_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

struct ctl_yaml {
	const char *path; /* the file, for messages and relative paths */
	yaml_document_t *doc;
	char *err;
	size_t err_len;
};

/* Loads the one document of the file at x->path into *doc (x->doc is set
 * to it); the caller deletes it with yaml_document_delete.  -ENOENT and
 * the like when the file cannot be read, -EINVAL for a syntax error or an
 * empty file. */
int ctl_yaml_load(struct ctl_yaml *x, yaml_document_t *doc, yaml_node_t **root);

/* Writes "PATH:LINE: FIELD: " and the formatted reason into x->err;
 * returns -EINVAL.  n may be NULL (line 1). */
int ctl_yaml_err(struct ctl_yaml *x, const yaml_node_t *n, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int ctl_yaml_line(const yaml_node_t *n);
yaml_node_t *ctl_yaml_node(struct ctl_yaml *x, int id);
int ctl_yaml_fieldf(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* n is of type t (a scalar, a list, a mapping). */
int ctl_yaml_want(struct ctl_yaml *x, yaml_node_t *n, yaml_node_type_t t, const char *field);
/* Every key of map is among allowed (NULL terminated). */
int ctl_yaml_keys(struct ctl_yaml *x, yaml_node_t *map, const char *field,
		  const char *const *allowed);
/* The value of key in map, or NULL. */
yaml_node_t *ctl_yaml_get(struct ctl_yaml *x, yaml_node_t *map, const char *key);
/* An optional mapping under key: *out is NULL when absent; its keys must be
 * among allowed. */
int ctl_yaml_section(struct ctl_yaml *x, yaml_node_t *parent, const char *key,
		     const char *const *allowed, yaml_node_t **out);

/* A non-empty scalar shorter than cap. */
int ctl_yaml_str(struct ctl_yaml *x, yaml_node_t *n, const char *field, char *out, size_t cap);
/* A whole number within [min, max]. */
int ctl_yaml_uint(struct ctl_yaml *x, yaml_node_t *n, const char *field, unsigned long min,
		  unsigned long max, unsigned long *out);
/* An optional whole number under key of sec (sec may be NULL): *out is
 * left as it is when absent. */
int ctl_yaml_opt_uint(struct ctl_yaml *x, yaml_node_t *sec, const char *key, const char *field,
		      unsigned long min, unsigned long max, uint32_t *out);
/* An optional true/false (yes/no) under key of sec: *out is left as it is
 * when absent. */
int ctl_yaml_opt_bool(struct ctl_yaml *x, yaml_node_t *sec, const char *key, const char *field,
		      bool *out);
/* A date, YYYY-MM-DD: *out is its UTC midnight (Unix time). */
int ctl_yaml_date(struct ctl_yaml *x, yaml_node_t *n, const char *field, int64_t *out);

/* A path, relative ones taken from the file's directory; out has PATH_MAX
 * bytes. */
int ctl_yaml_path(struct ctl_yaml *x, yaml_node_t *n, const char *field, char *out);
/* A list of non-empty strings: *out malloc'd and NULL-terminated, each
 * strdup'd (the caller frees them, even on error); lines, when not NULL,
 * gets each one's line. */
int ctl_yaml_str_list(struct ctl_yaml *x, yaml_node_t *n, const char *field, char ***out,
		      int **lines, unsigned *count);
struct ctl_port_range; /* ctl_config.h */

/* A list of at most max ports or ranges: each item a port number (443) or
 * a range "lo-hi" (23100-23199, both ends included, lo <= hi). */
int ctl_yaml_port_list(struct ctl_yaml *x, yaml_node_t *n, const char *field,
		       struct ctl_port_range *out, unsigned max, unsigned *count);

#endif
