/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct ctl_http {
	struct MHD_Daemon *d;
	pthread_mutex_t lock;
	char *body;
	size_t len;
	uint16_t port;
};

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *type, const char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
	   const char *version, const char *upload, size_t *upload_size, void **state)
{
	static const char index_page[] = "tapcensus: metrics at /metrics\n";
	struct ctl_http *h = cls;
	enum MHD_Result rc;

	(void)version;
	(void)upload;
	(void)state;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "method not allowed\n", 19);
	if (*upload_size != 0)
		return reply(c, MHD_HTTP_BAD_REQUEST, "text/plain", "no body expected\n", 17);
	if (strcmp(url, "/") == 0)
		return reply(c, MHD_HTTP_OK, "text/plain", index_page, sizeof(index_page) - 1);
	if (strcmp(url, "/metrics") != 0)
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", "not found\n", 10);
	pthread_mutex_lock(&h->lock);
	rc = reply(c, MHD_HTTP_OK, CONTENT_TYPE, h->body ? h->body : "", h->body ? h->len : 0);
	pthread_mutex_unlock(&h->lock);
	return rc;
}

struct ctl_http *
ctl_http_start(const char *addr, uint16_t port, char *err, size_t err_len)
{
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
	struct ctl_http *h;
	const union MHD_DaemonInfo *info;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
	} else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
		flags |= MHD_USE_IPv6;
	} else {
		snprintf(err, err_len, "metrics.listen: '%s' is not an IPv4 or IPv6 address", addr);
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (h == NULL) {
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&h->lock, NULL);
	h->d = MHD_start_daemon(flags, port, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR, &ss,
				MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				8u, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768, MHD_OPTION_END);
	if (h->d == NULL) {
		snprintf(err, err_len, "metrics: cannot listen on %s port %u (in use, or no such "
				       "address here)",
			 addr, port);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return NULL;
	}
	info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info ? info->port : port;
	return h;
}

uint16_t
ctl_http_port(const struct ctl_http *h)
{
	return h->port;
}

void
ctl_http_publish(struct ctl_http *h, char *buf, size_t len)
{
	char *old;

	pthread_mutex_lock(&h->lock);
	old = h->body;
	h->body = buf;
	h->len = len;
	pthread_mutex_unlock(&h->lock);
	free(old);
}

void
ctl_http_stop(struct ctl_http *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->d);
	pthread_mutex_destroy(&h->lock);
	free(h->body);
	free(h);
}
