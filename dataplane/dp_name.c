/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_name.h"

#include <errno.h>

int
dp_name_set(struct dp_name *n, const uint8_t *raw, size_t len)
{
	size_t i;
	char prev = '.';

	n->len = 0;
	n->s[0] = '\0';
	/* An absolute name's root dot (RFC 1034 3.1) is not part of the match. */
	if (len > 0 && raw[len - 1] == '.')
		len--;
	if (len == 0 || len > DP_NAME_MAX)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		char c = (char)raw[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			   c == '_' || c == '.'))
			goto bad;
		if (c == '.' && prev == '.')
			goto bad;
		n->s[i] = c;
		prev = c;
	}
	if (prev == '.')
		goto bad; /* "a..": an empty label before the root */
	n->s[len] = '\0';
	n->len = (uint16_t)len;
	return 0;
bad:
	n->s[0] = '\0';
	return -EINVAL;
}
