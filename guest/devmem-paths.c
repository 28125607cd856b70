// SPDX-License-Identifier: GPL-2.0
/*
 * Test only: the ways a /dev/mem mapping reaches memory that the killing
 * simulation (guest/cc-sim.patch) must catch, one per run:
 *
 *   devmem-paths kernel    the kernel reads the mapping: write(2) of it
 *                          into a pipe (copy_from_user())
 *   devmem-paths mprotect  mprotect() to PROT_NONE and back, then a read
 *   devmem-paths access    pread(2) of /proc/self/mem at the mapping
 *                          (generic_access_phys())
 *   devmem-paths high      a read of a PCI memory BAR at or above 1 MiB
 *
 * The first three map the System ROM at 0xF0000.  Each prints what it is
 * about to do, then does it: a plain guest survives and the program exits
 * 0; a simulated confidential guest without the series dies at the
 * access; with the series, open() fails with EPERM and the program exits
 * 1 with strerror()'s text.  Never run it in a real confidential guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#define LOW_1M		0x100000ULL
#define ROM		0xf0000ULL
#define IORESOURCE_MEM	0x200

static void fail(const char *what)
{
	printf("devmem-paths: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The first PCI memory BAR at or above 1 MiB, from sysfs; 0 if none. */
static unsigned long long high_bar(void)
{
	unsigned long long start, end, flags, found = 0;
	char line[128];
	glob_t g;
	size_t i;

	if (glob("/sys/bus/pci/devices/*/resource", 0, NULL, &g))
		return 0;
	for (i = 0; i < g.gl_pathc && !found; i++) {
		FILE *f = fopen(g.gl_pathv[i], "r");

		while (f && !found && fgets(line, sizeof(line), f))
			if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) == 3 &&
			    (flags & IORESOURCE_MEM) && start >= LOW_1M && end > start)
				found = start;
		if (f)
			fclose(f);
	}
	globfree(&g);
	return found;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "";
	unsigned long long phys = ROM;
	long page = sysconf(_SC_PAGESIZE);
	unsigned char buf[64];
	volatile unsigned char *map;
	int fd, fds[2];
	ssize_t n;

	if (!strcmp(path, "high")) {
		phys = high_bar();
		if (!phys) {
			printf("devmem-paths: no PCI memory BAR at or above 1 MiB\n");
			return 2;
		}
	} else if (strcmp(path, "kernel") && strcmp(path, "mprotect") &&
		   strcmp(path, "access")) {
		printf("usage: devmem-paths kernel|mprotect|access|high\n");
		return 2;
	}
	fd = open("/dev/mem", O_RDONLY);
	if (fd < 0)
		fail("open /dev/mem");
	map = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, (off_t)phys);
	if (map == MAP_FAILED)
		fail("mmap /dev/mem");
	printf("devmem-paths: %s: %#llx mapped at %p\n", path, phys, (void *)map);
	fflush(stdout);

	if (!strcmp(path, "kernel")) {
		if (pipe(fds))
			fail("pipe");
		n = write(fds[1], (const void *)map, sizeof(buf));
		if (n < 0)
			fail("write(2) from the mapping");
		printf("devmem-paths: the kernel read %zd bytes of it\n", n);
	} else if (!strcmp(path, "access")) {
		fd = open("/proc/self/mem", O_RDONLY);
		if (fd < 0)
			fail("open /proc/self/mem");
		n = pread(fd, buf, sizeof(buf), (off_t)(uintptr_t)map);
		if (n < 0)
			fail("pread /proc/self/mem");
		printf("devmem-paths: /proc/self/mem gave %zd bytes of it\n", n);
	} else {
		if (!strcmp(path, "mprotect") &&
		    (mprotect((void *)map, page, PROT_NONE) ||
		     mprotect((void *)map, page, PROT_READ)))
			fail("mprotect");
		printf("devmem-paths: byte 0: %#x\n", map[0]);
	}
	return 0;
}
