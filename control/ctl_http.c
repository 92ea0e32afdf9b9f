/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "ctl_http_auth.h"
#include "ctl_http_heads.h"
#include "ctl_publish.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define JSON_TYPE "application/json"
#define REALM "tapcensus"
#define RELOAD_WAIT_S 60
/* Connections from one address (at once: CTL_HTTP_MAX_CONNS; how long a
 * request head may take: ctl_http_heads.h). */
#define MAX_CONNS_PER_IP 16u
#define IDLE_S 10u
#define MAX_PEM (1u << 20)

enum reload_state { RELOAD_IDLE, RELOAD_WANTED, RELOAD_RUNNING, RELOAD_DONE };

struct ctl_http {
	struct MHD_Daemon *d;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint16_t port;
	bool loopback;
	char *tls_cert, *tls_key;
	struct ctl_http_auth auth;
	enum reload_state reload;
	bool reload_waiting;
	bool stopping; /* ctl_http_stop has begun: no reload will be run */
	int reload_rc;
	bool reload_force; /* POST /-/reload?force=1 */
	char reload_msg[1024];
	struct ctl_http_heads heads; /* slow request heads cut */
};

/* A request's state across libmicrohttpd's calls: whether a body came. */
struct req {
	bool body;
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

static const char not_ready[] = "{\"error\":\"not ready\"}\n";
static const char no_org[] =
    "{\"error\":\"no sessions from that organisation, or no such organisation\"}\n";

static enum MHD_Result
reply_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	return reply(c, status, "text/plain", text, strlen(text));
}

/* 0 when the request may go on; else the reply already queued. */
static int
check_auth(struct ctl_http *h, struct MHD_Connection *c, enum MHD_Result *rc)
{
	struct MHD_Response *r;
	char *pass = NULL, *user;
	bool need, ok;

	need = ctl_http_auth_users(&h->auth) > 0;
	if (!need)
		return 0;
	user = MHD_basic_auth_get_username_password(c, &pass);
	ok = user != NULL && pass != NULL && ctl_http_auth_check(&h->auth, user, pass);
	if (pass != NULL) {
		OPENSSL_cleanse(pass, strlen(pass));
		MHD_free(pass);
	}
	if (user != NULL)
		MHD_free(user);
	if (ok)
		return 0;
	r = MHD_create_response_from_buffer(13, (void *)"unauthorised\n", MHD_RESPMEM_PERSISTENT);
	*rc = r ? MHD_queue_basic_auth_fail_response(c, REALM, r) : MHD_NO;
	if (r)
		MHD_destroy_response(r);
	return -EACCES;
}

/* Hands the reload to the control thread and waits for its result. */
static enum MHD_Result
do_reload(struct ctl_http *h, struct MHD_Connection *c)
{
	const char *f = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "force");
	bool force = f != NULL && (strcmp(f, "1") == 0 || strcmp(f, "true") == 0);
	struct timespec until;
	enum MHD_Result rc;
	char msg[sizeof(h->reload_msg) + 1];
	int r = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += RELOAD_WAIT_S;
	if (!h->loopback && ctl_http_auth_users(&h->auth) == 0)
		return reply_text(c, MHD_HTTP_FORBIDDEN,
				  "reload needs web.basic_auth_users when the listener is not a "
				  "loopback address\n");
	pthread_mutex_lock(&h->lock);
	if (h->stopping) {
		pthread_mutex_unlock(&h->lock);
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "stopping\n");
	}
	if (h->reload != RELOAD_IDLE) {
		pthread_mutex_unlock(&h->lock);
		return reply_text(c, MHD_HTTP_CONFLICT, "a reload is already under way\n");
	}
	h->reload = RELOAD_WANTED;
	h->reload_force = force;
	h->reload_waiting = true;
	while (h->reload != RELOAD_DONE && !h->stopping && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&h->cond, &h->lock, &until);
	h->reload_waiting = false;
	if (h->reload != RELOAD_DONE) {
		/* Not taken up (the control thread is stopping), or still running:
		 * the control thread resets the state when it is done. */
		if (h->reload == RELOAD_WANTED)
			h->reload = RELOAD_IDLE;
		pthread_mutex_unlock(&h->lock);
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
				  h->stopping ? "stopping\n" : "reload did not finish in time\n");
	}
	snprintf(msg, sizeof(msg), "%s\n", h->reload_msg);
	r = h->reload_rc;
	h->reload = RELOAD_IDLE;
	pthread_mutex_unlock(&h->lock);
	rc = reply_text(c, r == 0 ? MHD_HTTP_OK : MHD_HTTP_BAD_REQUEST, msg);
	return rc;
}

/* GET /api/v1/orgs[/ID], or /api/v1/dataplane, from the published table. */
static enum MHD_Result
serve_api(struct MHD_Connection *c, const char *id, bool dataplane)
{
	const struct ctl_api_table *t;
	const struct ctl_api_org *o = NULL;
	enum MHD_Result rc;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	t = ctl_publish_acquire()->api;
	if (t != NULL && dataplane)
		ctl_api_json_dataplane(f, t);
	else if (t != NULL && id == NULL)
		ctl_api_json_orgs(f, t);
	else if (t != NULL && (o = ctl_api_find(t, id)) != NULL) {
		ctl_api_json_org(f, t, o);
		fputc('\n', f);
	}
	ctl_publish_release();
	if (fclose(f) != 0) {
		free(buf);
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	}
	/* Lengths from the strings (a hand count once sent a NUL byte). */
	if (t == NULL)
		rc =
		    reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, JSON_TYPE, not_ready, strlen(not_ready));
	else if (id != NULL && o == NULL)
		rc = reply(c, MHD_HTTP_NOT_FOUND, JSON_TYPE, no_org, strlen(no_org));
	else
		rc = reply(c, MHD_HTTP_OK, JSON_TYPE, buf, len);
	free(buf);
	return rc;
}

/* A connection opened or closed: its slot in the head guard. */
static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
	      enum MHD_ConnectionNotificationCode what)
{
	struct ctl_http *h = cls;

	if (what == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

		*socket_context =
		    ci != NULL ? ctl_http_heads_open(&h->heads, ci->connect_fd) : NULL;
	} else if (*socket_context != NULL) {
		ctl_http_heads_close(&h->heads, *socket_context);
		*socket_context = NULL;
	}
}

/* The request head of connection c arrived whole (done), or a new one on
 * a kept-alive connection begins (!done). */
static void
head_state(struct ctl_http *h, struct MHD_Connection *c, bool done)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	if (ci != NULL && ci->socket_context != NULL)
		ctl_http_heads_mark(&h->heads, ci->socket_context, done);
}

uint64_t
ctl_http_heads_cut(struct ctl_http *h)
{
	return h != NULL ? ctl_http_heads_count(&h->heads) : 0;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
	   const char *version, const char *upload, size_t *upload_size, void **state)
{
	const struct ctl_published *pub;
	static const char index_page[] =
	    "tapcensus: /metrics (Prometheus), /api/v1/orgs, /api/v1/orgs/ID and "
	    "/api/v1/dataplane (JSON), "
	    "POST /-/reload\n";
	static const char org_prefix[] = "/api/v1/orgs/";
	struct ctl_http *h = cls;
	struct req *rq = *state;
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	enum MHD_Result rc = MHD_NO;

	(void)version;
	(void)upload;
	if (rq == NULL) { /* the head has arrived whole */
		if ((rq = calloc(1, sizeof(*rq))) == NULL)
			return MHD_NO;
		*state = rq;
		head_state(h, c, true);
		return MHD_YES;
	}
	if (*upload_size != 0) { /* no route takes a body: read and drop it */
		rq->body = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (check_auth(h, c, &rc) != 0)
		return rc;
	if (rq->body)
		return reply_text(c, MHD_HTTP_CONTENT_TOO_LARGE, "no body expected\n");
	if (strcmp(url, "/-/reload") == 0)
		return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0
			   ? do_reload(h, c)
			   : reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST\n");
	if (!get)
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
	if (strcmp(url, "/") == 0)
		return reply(c, MHD_HTTP_OK, "text/plain", index_page, sizeof(index_page) - 1);
	if (strcmp(url, "/api/v1/orgs") == 0)
		return serve_api(c, NULL, false);
	if (strcmp(url, "/api/v1/dataplane") == 0)
		return serve_api(c, NULL, true);
	if (strncmp(url, org_prefix, sizeof(org_prefix) - 1) == 0 &&
	    url[sizeof(org_prefix) - 1] != '\0')
		return serve_api(c, url + sizeof(org_prefix) - 1, false);
	if (strcmp(url, "/metrics") != 0)
		return reply_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
	pub = ctl_publish_acquire();
	rc = reply(c, MHD_HTTP_OK, CONTENT_TYPE, pub->metrics ? pub->metrics : "",
		   pub->metrics ? pub->metrics_len : 0);
	ctl_publish_release();
	return rc;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode why)
{
	(void)why;
	free(*state);
	*state = NULL;
	head_state(cls, c, false); /* the next head on this connection is timed anew */
}

/* A PEM file whole, NUL-terminated, or NULL with err set. */
static char *
read_pem(const char *path, const char *field, char *err, size_t err_len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL) {
		snprintf(err, err_len, " %s: %s: %s", field, path, strerror(errno));
		return NULL;
	}
	buf = malloc(MAX_PEM + 1);
	n = buf ? fread(buf, 1, MAX_PEM + 1, f) : 0;
	fclose(f);
	if (buf == NULL || n == 0 || n > MAX_PEM) {
		snprintf(err, err_len, " %s: %s: empty, unreadable or over 1 MiB", field, path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static void
http_free(struct ctl_http *h)
{
	if (h->tls_key != NULL) {
		OPENSSL_cleanse(h->tls_key, strlen(h->tls_key));
		free(h->tls_key);
	}
	free(h->tls_cert);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	ctl_http_auth_fini(&h->auth);
	ctl_http_heads_fini(&h->heads);
	free(h);
}

struct ctl_http *
ctl_http_start(const struct ctl_http_opts *o, char *err, size_t err_len)
{
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct ctl_http *h;
	const union MHD_DaemonInfo *info;
	bool tls = o->tls_cert != NULL && o->tls_cert[0] != '\0';

	memset(&ss, 0, sizeof(ss));
	h = calloc(1, sizeof(*h));
	if (h == NULL) {
		snprintf(err, err_len, " out of memory");
		return NULL;
	}
	pthread_mutex_init(&h->lock, NULL);
	ctl_http_auth_init(&h->auth);
	pthread_cond_init(&h->cond, NULL);
	ctl_http_heads_init(&h->heads);
	if (inet_pton(AF_INET, o->addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(o->port);
		h->loopback = (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	} else if (inet_pton(AF_INET6, o->addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(o->port);
		flags |= MHD_USE_IPv6;
		h->loopback = IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
	} else {
		snprintf(err, err_len, " metrics.listen: '%s' is not an IPv4 or IPv6 address",
			 o->addr);
		goto err_free;
	}
	ctl_http_set_users(h, o->users, o->n_users);
	if (tls) {
		h->tls_cert =
		    read_pem(o->tls_cert, "web.tls_server_config.cert_file", err, err_len);
		h->tls_key = h->tls_cert ? read_pem(o->tls_key, "web.tls_server_config.key_file",
						    err, err_len)
					 : NULL;
		if (h->tls_key == NULL)
			goto err_free;
		flags |= MHD_USE_TLS;
	}
	h->d = MHD_start_daemon(
	    flags, o->port, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR, &ss,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_NOTIFY_CONNECTION,
	    on_connection, h, MHD_OPTION_CONNECTION_LIMIT, CTL_HTTP_MAX_CONNS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, MAX_CONNS_PER_IP, MHD_OPTION_CONNECTION_TIMEOUT,
	    IDLE_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768, MHD_OPTION_HTTPS_MEM_CERT,
	    tls ? h->tls_cert : NULL, MHD_OPTION_HTTPS_MEM_KEY, tls ? h->tls_key : NULL,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		snprintf(err, err_len,
			 " metrics: cannot listen on %s port %u (in use, no such "
			 "address here%s)",
			 o->addr, o->port,
			 tls ? ", or a certificate and key that do not load" : "");
		goto err_free;
	}
	info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info ? info->port : o->port;
	ctl_http_heads_watch(&h->heads);
	return h;

err_free:
	http_free(h);
	return NULL;
}

uint16_t
ctl_http_port(const struct ctl_http *h)
{
	return h->port;
}

void
ctl_http_set_users(struct ctl_http *h, const struct ctl_user *users, unsigned n)
{
	ctl_http_auth_set(&h->auth, users, n);
}

bool
ctl_http_reload_wanted(struct ctl_http *h, bool *force)
{
	bool wanted;

	if (h == NULL)
		return false;
	pthread_mutex_lock(&h->lock);
	wanted = h->reload == RELOAD_WANTED;
	if (wanted) {
		h->reload = RELOAD_RUNNING;
		*force = h->reload_force;
	}
	pthread_mutex_unlock(&h->lock);
	return wanted;
}

void
ctl_http_reload_done(struct ctl_http *h, int rc, const char *msg)
{
	pthread_mutex_lock(&h->lock);
	h->reload_rc = rc;
	snprintf(h->reload_msg, sizeof(h->reload_msg), "%s", msg);
	/* Nobody waits any more (timed out): ready for the next. */
	h->reload = h->reload_waiting ? RELOAD_DONE : RELOAD_IDLE;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

void
ctl_http_stop(struct ctl_http *h)
{
	if (h == NULL)
		return;
	/* Reload requests waiting, or arriving until the daemon stops, are
	 * answered 503 at once: no control thread will run them. */
	pthread_mutex_lock(&h->lock);
	h->stopping = true;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	ctl_http_heads_stop(&h->heads);
	MHD_stop_daemon(h->d);
	http_free(h);
}
