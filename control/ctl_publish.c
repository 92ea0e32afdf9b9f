/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_publish.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctl_metrics.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct ctl_published published;

int
ctl_publish_view(const struct ctl_view *v)
{
	struct ctl_api_table *api = ctl_api_build(v);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = api != NULL ? open_memstream(&buf, &len) : NULL;

	if (f == NULL) {
		ctl_api_free(api);
		return -ENOMEM;
	}
	if (ctl_metrics_render(f, v) != 0) {
		fclose(f);
		free(buf);
		ctl_api_free(api);
		return -ENOMEM;
	}
	fclose(f);
	ctl_publish_set(buf, len, api);
	return 0;
}

void
ctl_publish_set(char *metrics, size_t len, struct ctl_api_table *api)
{
	struct ctl_published old;

	pthread_mutex_lock(&lock);
	old = published;
	published = (struct ctl_published){metrics, len, api};
	pthread_mutex_unlock(&lock);
	free((char *)old.metrics);
	ctl_api_free((struct ctl_api_table *)old.api);
}

const struct ctl_published *
ctl_publish_acquire(void)
{
	pthread_mutex_lock(&lock);
	return &published;
}

void
ctl_publish_release(void)
{
	pthread_mutex_unlock(&lock);
}
