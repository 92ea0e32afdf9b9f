/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_http_heads.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl_time.h"

#define WATCH_US 200000

void
ctl_http_heads_init(struct ctl_http_heads *hd)
{
	memset(hd, 0, sizeof(*hd));
	pthread_mutex_init(&hd->lock, NULL);
	for (unsigned i = 0; i < CTL_HTTP_MAX_CONNS; i++)
		hd->conns[i].fd = -1;
}

static void *
watch(void *arg)
{
	struct ctl_http_heads *hd = arg;

	while (!hd->stop) {
		uint64_t now = ctl_now_ns();

		pthread_mutex_lock(&hd->lock);
		for (unsigned i = 0; i < CTL_HTTP_MAX_CONNS; i++) {
			struct ctl_http_conn *k = &hd->conns[i];

			if (k->fd >= 0 && !k->head_done && !k->cut &&
			    now - k->since > CTL_HTTP_HEAD_NS) {
				shutdown(k->fd, SHUT_RDWR);
				k->cut = true;
				hd->cut++;
			}
		}
		pthread_mutex_unlock(&hd->lock);
		usleep(WATCH_US);
	}
	return NULL;
}

int
ctl_http_heads_watch(struct ctl_http_heads *hd)
{
	int rc = pthread_create(&hd->watchdog, NULL, watch, hd);

	hd->watching = rc == 0;
	return rc;
}

void
ctl_http_heads_stop(struct ctl_http_heads *hd)
{
	hd->stop = true;
	if (hd->watching)
		pthread_join(hd->watchdog, NULL);
	hd->watching = false;
}

void
ctl_http_heads_fini(struct ctl_http_heads *hd)
{
	ctl_http_heads_stop(hd);
	pthread_mutex_destroy(&hd->lock);
}

struct ctl_http_conn *
ctl_http_heads_open(struct ctl_http_heads *hd, int fd)
{
	struct ctl_http_conn *slot = NULL;

	pthread_mutex_lock(&hd->lock);
	for (unsigned i = 0; i < CTL_HTTP_MAX_CONNS; i++)
		if (hd->conns[i].fd < 0) {
			hd->conns[i] = (struct ctl_http_conn){fd, false, false, ctl_now_ns()};
			slot = &hd->conns[i];
			break;
		}
	pthread_mutex_unlock(&hd->lock);
	return slot;
}

void
ctl_http_heads_close(struct ctl_http_heads *hd, struct ctl_http_conn *slot)
{
	pthread_mutex_lock(&hd->lock);
	slot->fd = -1;
	pthread_mutex_unlock(&hd->lock);
}

void
ctl_http_heads_mark(struct ctl_http_heads *hd, struct ctl_http_conn *slot, bool done)
{
	pthread_mutex_lock(&hd->lock);
	slot->head_done = done;
	if (!done)
		slot->since = ctl_now_ns();
	pthread_mutex_unlock(&hd->lock);
}

uint64_t
ctl_http_heads_count(struct ctl_http_heads *hd)
{
	uint64_t n;

	pthread_mutex_lock(&hd->lock);
	n = hd->cut;
	pthread_mutex_unlock(&hd->lock);
	return n;
}
