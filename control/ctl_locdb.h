/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_locdb.h - a location database file (libloc's format, version 1)
 * checked before libloc reads it.  libloc trusts its file: a truncated
 * one, a string pool without its final NUL or a tree node pointing back
 * at itself crashed the process or loaded a fraction of the networks
 * silently.  The check is the format's own structure: a regular file (a
 * FIFO or a device would block or never end), the magic and version, every
 * section inside the file and a whole number of its records, the string
 * pool ending in NUL and every name inside it, and the network tree a tree
 * (each node reached once from the root, at most 128 levels deep, every
 * child and network index in range) whose leaves are every network the
 * file declares, once.
 *
 * Errors: 0 with *f open at the file's start (the caller closes it) and
 * *networks the count declared; else a negative errno and err says
 * "PATH: why" (-EINVAL for a damaged file or one not regular, -ENOMEM, or
 * the open's errno).
 */
#ifndef CTL_LOCDB_H
#define CTL_LOCDB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int ctl_locdb_open(const char *path, FILE **f, uint64_t *networks, char *err, size_t err_len);

#endif
