/* SPDX-License-Identifier: BSD-3-Clause */
/* The endpoint's sections: web (TLS, basic-auth users) and metrics (the
 * listener, the exported organisations). */
#include "ctl_config_sections.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A bcrypt hash as crypt(3) writes it: $2a$, $2b$ or $2y$, a two-digit
 * cost from 04 to 31, and 53 characters of its base-64 alphabet. */
static bool
valid_bcrypt(const char *h)
{
	if (strlen(h) != CTL_BCRYPT_LEN || h[0] != '$' || h[1] != '2' ||
	    strchr("aby", h[2]) == NULL || h[3] != '$' || !isdigit((unsigned char)h[4]) ||
	    !isdigit((unsigned char)h[5]) || h[6] != '$')
		return false;
	if ((h[4] - '0') * 10 + (h[5] - '0') < 4 || (h[4] - '0') * 10 + (h[5] - '0') > 31)
		return false;
	for (const char *p = h + 7; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '/')
			return false;
	return true;
}

/* web: the listener's TLS and basic-auth users, with the keys of the
 * Prometheus exporter-toolkit web configuration. */
int
ctl_config_parse_web(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c)
{
	static const char *const tkeys[] = {"cert_file", "key_file", NULL};
	yaml_node_t *t, *v, *u;
	int rc;

	if ((rc = ctl_yaml_section(x, n, "tls_server_config", tkeys, &t)))
		return rc;
	if (t != NULL) {
		static const char *const f[2] = {"web.tls_server_config.cert_file",
						 "web.tls_server_config.key_file"};
		char *out[2] = {c->tls_cert, c->tls_key};

		for (int i = 0; i < 2; i++) {
			if ((v = ctl_yaml_get(x, t, tkeys[i])) == NULL)
				return ctl_yaml_err(x, t, f[i], "missing");
			if ((rc = ctl_yaml_path(x, v, f[i], out[i])))
				return rc;
			if (access(out[i], R_OK) != 0)
				return ctl_yaml_err(x, v, f[i], "%s: %s", out[i], strerror(errno));
		}
	}
	if ((u = ctl_yaml_get(x, n, "basic_auth_users")) == NULL)
		return 0;
	if ((rc = ctl_yaml_want(x, u, YAML_MAPPING_NODE, "web.basic_auth_users")))
		return rc;
	for (yaml_node_pair_t *p = u->data.mapping.pairs.start; p < u->data.mapping.pairs.top;
	     p++) {
		struct ctl_user *cu = &c->users[c->n_users];
		char field[CTL_NAME_LEN + 32];

		if (c->n_users == CTL_MAX_USERS)
			return ctl_yaml_err(x, ctl_yaml_node(x, p->key), "web.basic_auth_users",
					    "more than %d users", CTL_MAX_USERS);
		if ((rc = ctl_yaml_str(x, ctl_yaml_node(x, p->key), "web.basic_auth_users",
				       cu->name, sizeof(cu->name))))
			return rc;
		if (strchr(cu->name, ':') != NULL)
			return ctl_yaml_err(x, ctl_yaml_node(x, p->key), "web.basic_auth_users",
					    "'%s': a user name cannot hold ':' (RFC 7617)",
					    cu->name);
		ctl_yaml_fieldf(field, sizeof(field), "web.basic_auth_users.%s", cu->name);
		v = ctl_yaml_node(x, p->value);
		if ((rc = ctl_yaml_want(x, v, YAML_SCALAR_NODE, field)))
			return rc;
		if (!valid_bcrypt((const char *)v->data.scalar.value))
			return ctl_yaml_err(x, v, field,
					    "not a bcrypt hash ($2y$ or $2b$, cost 04-31, "
					    "60 characters; htpasswd -nBC 10 USER makes one)");
		memcpy(cu->hash, v->data.scalar.value, CTL_BCRYPT_LEN + 1);
		for (unsigned i = 0; i < c->n_users; i++)
			if (strcmp(c->users[i].name, cu->name) == 0)
				return ctl_yaml_err(x, ctl_yaml_node(x, p->key), field,
						    "listed twice");
		c->n_users++;
	}
	return 0;
}

/* metrics: the listener and the exported organisations. */
int
ctl_config_parse_metrics(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c)
{
	yaml_node_t *v;
	unsigned long u;
	int rc;

	if ((v = ctl_yaml_get(x, n, "listen")) != NULL) {
		uint8_t a[16];

		if ((rc = ctl_yaml_str(x, v, "metrics.listen", c->listen_addr,
				       sizeof(c->listen_addr))))
			return rc;
		if (inet_pton(AF_INET, c->listen_addr, a) != 1 &&
		    inet_pton(AF_INET6, c->listen_addr, a) != 1)
			return ctl_yaml_err(x, v, "metrics.listen",
					    "'%s' is not an IPv4 or IPv6 address", c->listen_addr);
	}
	if ((v = ctl_yaml_get(x, n, "port")) != NULL) {
		if ((rc = ctl_yaml_uint(x, v, "metrics.port", 0, 65535, &u)))
			return rc;
		c->listen_port = (uint16_t)u;
	}
	if ((v = ctl_yaml_get(x, n, "alert_after")) != NULL &&
	    (rc = ctl_yaml_date(x, v, "metrics.alert_after", &c->alert_after)))
		return rc;
	return ctl_yaml_opt_uint(x, n, "max_orgs", "metrics.max_orgs", 0, CTL_ORGS_MAX,
				 &c->max_orgs);
}
