/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_http_heads.h - the endpoint's guard against slow request heads: a
 * client sending a byte a second resets libmicrohttpd's idle timeout with
 * each byte, so the time a request head may take to arrive whole is
 * bounded apart.  Each connection has a slot; a watchdog thread shuts
 * (shutdown(2)) a connection whose current head is older than
 * CTL_HTTP_HEAD_NS, and libmicrohttpd then reads the end and closes it.
 *
 * Invariants: a slot's descriptor is forgotten (ctl_http_heads_close)
 * before libmicrohttpd closes the socket, so the watchdog never shuts a
 * descriptor number another file reuses.  Every call may come from any
 * connection thread; all take the one lock.
 */
#ifndef CTL_HTTP_HEADS_H
#define CTL_HTTP_HEADS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define CTL_HTTP_MAX_CONNS 256u
#define CTL_HTTP_HEAD_NS (5ull * 1000000000ull)

struct ctl_http_heads {
	pthread_mutex_t lock;
	struct ctl_http_conn {
		int fd;		/* -1: free */
		bool head_done; /* the current request's head has arrived */
		bool cut;
		uint64_t since; /* when the current head began, ns */
	} conns[CTL_HTTP_MAX_CONNS];
	uint64_t cut;
	pthread_t watchdog;
	bool watching;
	volatile bool stop;
};

void ctl_http_heads_init(struct ctl_http_heads *hd);
/* Starts the watchdog: 0, or a positive pthread error (no guard then). */
int ctl_http_heads_watch(struct ctl_http_heads *hd);
/* Stops the watchdog (before the daemon stops). */
void ctl_http_heads_stop(struct ctl_http_heads *hd);
/* After the daemon has stopped (its last close notifications done). */
void ctl_http_heads_fini(struct ctl_http_heads *hd);

/* A connection on fd opened: its slot, its head timed from now; NULL when
 * every slot is taken (libmicrohttpd's limit is the same number). */
struct ctl_http_conn *ctl_http_heads_open(struct ctl_http_heads *hd, int fd);
/* It is about to close. */
void ctl_http_heads_close(struct ctl_http_heads *hd, struct ctl_http_conn *slot);
/* Its request head arrived whole (done), or a new one begins (!done). */
void ctl_http_heads_mark(struct ctl_http_heads *hd, struct ctl_http_conn *slot, bool done);
/* Connections shut so far for a head too slow. */
uint64_t ctl_http_heads_count(struct ctl_http_heads *hd);

#endif
