/* SPDX-License-Identifier: BSD-3-Clause */
/* tb_eal.h - start DPDK's EAL for a unit test: no hugepages, no PCI, a
 * private file prefix so tests can run side by side.  Returns 0 or -1. */
#ifndef TB_EAL_H
#define TB_EAL_H

int tb_eal_init(void);
/* The same with mib MiB of DPDK memory (512 above). */
int tb_eal_init_mem(unsigned mib);

/* Write text to a fresh file under a temporary directory; returns its path
 * (static storage, valid until the next call with the same slot 0..7). */
const char *tb_write_file(int slot, const char *name, const char *text);

#endif
