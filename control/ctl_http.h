/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_http.h - the HTTP endpoint (libmicrohttpd, a thread per connection).
 *
 * Routes:
 *   GET /metrics           the exposition the control thread last published
 *   GET /api/v1/orgs       organisations with sessions, as JSON (ctl_api.h)
 *   GET /api/v1/orgs/ID    one of them; 404 when it has none or is unknown
 *   POST /-/reload         a configuration reload, run by the control thread;
 *                          200 with what changed, 400 with why it was refused;
 *                          ?force=1 applies a table that loses many
 *                          organisations at once
 *   GET /                  an index
 * Requests are served from what ctl_publish holds, never from the dataplane.
 *
 * Security, in the manner of the Prometheus exporter-toolkit: optional TLS
 * (cert and key files, PEM) and basic auth against bcrypt hashes.  With
 * users configured every route needs them; without, POST /-/reload is
 * refused (403) unless the listener is a loopback address.  A verified
 * (user, password) is remembered by its SHA-256 so that a scrape every few
 * seconds does not pay bcrypt's cost each time.  Bounded: 256 connections,
 * 16 per client address, 32 KiB of memory each, 10 s idle, and 5 s for a
 * request head to arrive whole (a client sending a byte at a time is cut
 * then, counted in ctl_http_heads_cut); request bodies are refused (413).
 *
 * Threads: ctl_http_set_users, ctl_http_reload_wanted and
 * ctl_http_reload_done are called by the control thread; the server's
 * threads only read what those hand over, under a mutex.
 *
 * ctl_http_start() returns NULL with a message in err when the address
 * does not parse, the TLS files cannot be read, or the socket cannot be
 * bound.  Port 0 binds an ephemeral port, which ctl_http_port() tells.
 */
#ifndef CTL_HTTP_H
#define CTL_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl_config.h"

struct ctl_http;

struct ctl_http_opts {
	const char *addr;
	uint16_t port;
	const char *tls_cert, *tls_key; /* paths; NULL or "": plain HTTP */
	const struct ctl_user *users;
	unsigned n_users;
};

struct ctl_http *ctl_http_start(const struct ctl_http_opts *o, char *err, size_t err_len);
uint16_t ctl_http_port(const struct ctl_http *h);
/* The basic-auth users from now on (after a reload). */
void ctl_http_set_users(struct ctl_http *h, const struct ctl_user *users, unsigned n);
/* Is a POST /-/reload waiting?  If so the caller runs the reload and
 * must then call ctl_http_reload_done with its result. */
bool ctl_http_reload_wanted(struct ctl_http *h, bool *force);
void ctl_http_reload_done(struct ctl_http *h, int rc, const char *msg);
void ctl_http_stop(struct ctl_http *h);

/* Connections cut because their request head took too long. */
uint64_t ctl_http_heads_cut(struct ctl_http *h);

#endif
