/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_file.h - opening a file the configuration names (organisation
 * sources, the census key, the configuration itself) for reading: a
 * regular file only.  A FIFO opened for reading waits for a writer and
 * /dev/zero never ends: either would hang start-up or a reload for ever.
 *
 * Errors: ctl_file_open returns NULL with errno set - the open's, or
 * EINVAL for a file that is not regular (plain fopen of a path for
 * reading never gives EINVAL); ctl_file_error(errno) says which.
 */
#ifndef CTL_FILE_H
#define CTL_FILE_H

#include <stdio.h>

FILE *ctl_file_open(const char *path);
const char *ctl_file_error(int err);

#endif
