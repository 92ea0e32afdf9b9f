/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *
ctl_file_open(const char *path)
{
	/* Non-blocking: opening a FIFO for reading would wait for a writer. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), e;
	struct stat st;
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if (fcntl(fd, F_SETFL, 0) != 0 || (f = fdopen(fd, "r")) == NULL)
		goto fail;
	return f;
fail:
	e = errno;
	close(fd);
	errno = e;
	return NULL;
}

const char *
ctl_file_error(int err)
{
	return err == EINVAL ? "not a regular file (a FIFO or a device never ends)" : strerror(err);
}
