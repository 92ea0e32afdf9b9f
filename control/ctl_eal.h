/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_eal.h - the EAL argument vector a configuration asks for: the
 * program, dpdk.eal_args as given, the lcores (main and workers, each
 * N@CPU) and one device argument per port (--vdev for virtual devices,
 * -a for PCI addresses, each with its devargs).
 */
#ifndef CTL_EAL_H
#define CTL_EAL_H

#include <stddef.h>

#include "ctl_config.h"

/* Fills argv (max entries, NULL-terminated) with strings kept in store;
 * returns argc, or -E2BIG when argv or store is too small. */
int ctl_eal_argv(const struct ctl_config *cfg, char **argv, int max, char *store, size_t store_len);

#endif
