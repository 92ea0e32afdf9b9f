/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
ctl_state_put(struct ctl_state_out *o, const void *p, size_t n)
{
	if (o->oom)
		return;
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 1u << 16;
		uint8_t *nb;

		while (cap < o->len + n)
			cap *= 2;
		if ((nb = realloc(o->b, cap)) == NULL) {
			o->oom = true;
			return;
		}
		o->b = nb;
		o->cap = cap;
	}
	memcpy(o->b + o->len, p, n);
	o->len += n;
}

void
ctl_state_put_at(struct ctl_state_out *o, size_t at, const void *p, size_t n)
{
	if (!o->oom && at <= o->len && n <= o->len - at)
		memcpy(o->b + at, p, n);
}

void
ctl_state_put_name(struct ctl_state_out *o, const char *s)
{
	size_t len = strlen(s);
	uint16_t n = (uint16_t)(len > CTL_STATE_NAME_MAX ? CTL_STATE_NAME_MAX : len);

	CTL_STATE_PUT(o, n);
	ctl_state_put(o, s, n);
}

void
ctl_state_get(struct ctl_state_in *in, void *dst, size_t n)
{
	if (in->short_read || (size_t)(in->end - in->p) < n) {
		in->short_read = true;
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, in->p, n);
	in->p += n;
}

void
ctl_state_get_name(struct ctl_state_in *in, char *out, size_t cap)
{
	uint16_t len;

	CTL_STATE_GET(in, len);
	if (len > CTL_STATE_NAME_MAX || len >= cap) {
		in->short_read = true;
		out[0] = '\0';
		return;
	}
	ctl_state_get(in, out, len);
	out[len] = '\0';
}

int32_t *
ctl_state_get_names(struct ctl_state_in *in, uint32_t *n, uint32_t max,
		    int32_t (*find)(const void *, const char *), const void *ctx)
{
	int32_t *map;

	CTL_STATE_GET(in, *n);
	if (in->short_read || *n > max)
		return NULL;
	map = calloc(*n ? *n : 1, sizeof(*map));
	for (uint32_t k = 0; map && k < *n && !in->short_read; k++) {
		char name[CTL_STATE_NAME_MAX + 1];

		ctl_state_get_name(in, name, sizeof(name));
		if (!in->short_read)
			map[k] = find(ctx, name);
	}
	if (map && in->short_read) {
		free(map);
		map = NULL;
	}
	return map;
}

static void
vmsg(char *msg, size_t cap, const char *fmt, va_list ap)
{
	size_t used;

	if (msg == NULL || cap == 0)
		return;
	used = strlen(msg);
	if (used < cap - 1)
		vsnprintf(msg + used, cap - used, fmt, ap);
}

void
ctl_state_msg(char *msg, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(msg, cap, fmt, ap);
	va_end(ap);
}

void
ctl_state_tell(struct ctl_state_in *in, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(in->msg, in->msg_cap, fmt, ap);
	va_end(ap);
}
