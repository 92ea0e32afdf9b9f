/* SPDX-License-Identifier: BSD-3-Clause */
#include "tb_eal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>

int
tb_eal_init(void)
{
	return tb_eal_init_mem(512);
}

int
tb_eal_init_mem(unsigned mib)
{
	char prefix[64], mem[16];
	char *argv[] = {"test",	       "--no-huge", "-m",
			mem,	       "--no-pci",  "--no-telemetry",
			"--log-level", "*:error",   "--file-prefix",
			prefix,	       "-l",	    "0",
			NULL};

	snprintf(mem, sizeof(mem), "%u", mib);
	snprintf(prefix, sizeof(prefix), "tctest%d", (int)getpid());
	return rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0 ? -1 : 0;
}

const char *
tb_write_file(int slot, const char *name, const char *text)
{
	static char dir[64], paths[8][128];
	FILE *f;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/tctest.XXXXXX");
		if (mkdtemp(dir) == NULL)
			return NULL;
	}
	snprintf(paths[slot], sizeof(paths[slot]), "%s/%s", dir, name);
	f = fopen(paths[slot], "w");
	if (f == NULL)
		return NULL;
	fputs(text, f);
	fclose(f);
	return paths[slot];
}
