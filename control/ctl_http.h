/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_http.h - the /metrics endpoint (libmicrohttpd, its own polling thread).
 *
 * The control thread renders the exposition and publishes it here; requests
 * are served from the published copy under a mutex, so a scrape never waits
 * on, or touches, the dataplane.  Connection count, connections per address,
 * per-connection memory and idle time are bounded.  Only GET and HEAD of
 * /metrics and / are served.
 *
 * ctl_http_start() returns NULL with a message in err when the address does
 * not parse or the socket cannot be bound.  Port 0 binds an ephemeral port,
 * which ctl_http_port() tells.
 */
#ifndef CTL_HTTP_H
#define CTL_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct ctl_http;

struct ctl_http *ctl_http_start(const char *addr, uint16_t port, char *err, size_t err_len);
uint16_t ctl_http_port(const struct ctl_http *h);
/* Takes ownership of buf (malloc'd). */
void ctl_http_publish(struct ctl_http *h, char *buf, size_t len);
void ctl_http_stop(struct ctl_http *h);

#endif
