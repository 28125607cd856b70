// SPDX-License-Identifier: GPL-2.0
/*
 * Test only: how long mmap(2) of /dev/mem takes, per page.
 *
 * Maps the start of BAR 2 of the first ivshmem-plain PCI device (QEMU's
 * -device ivshmem-plain, whose BAR 2 is the shared memory) through /dev/mem,
 * for sizes from 1 MiB up to the BAR's size, at most 1 GiB.  Each size is
 * mapped ROUNDS times (argument 1, default 5); only mmap() is timed, and
 * the best round is printed, one line per size:
 *
 *   @@BENCH <size in MiB> <ns per page> <rounds>
 *
 * Any error prints '@@BENCH-ERROR <what>' and exits 1.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define IVSHMEM_ID	"0x1af4 0x1110"
#define MIB		(1024ULL * 1024)
#define MAX_SIZE	(1024 * MIB)

static void fail(const char *what)
{
	printf("@@BENCH-ERROR %s: %s\n", what, errno ? strerror(errno) : "-");
	exit(1);
}

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return 0;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/* Start and size of BAR 2 of the first ivshmem-plain device. */
static int find_bar(unsigned long long *start, unsigned long long *size)
{
	char path[512], id[64], vendor[32], device[32];
	unsigned long long end, flags;
	struct dirent *d;
	DIR *dir;
	FILE *f;
	int i, found = 0;

	dir = opendir("/sys/bus/pci/devices");
	if (!dir)
		return 0;
	while (!found && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", d->d_name);
		if (!read_line(path, vendor, sizeof(vendor)))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", d->d_name);
		if (!read_line(path, device, sizeof(device)))
			continue;
		snprintf(id, sizeof(id), "%s %s", vendor, device);
		if (strcmp(id, IVSHMEM_ID))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		for (i = 0; i <= 2; i++)
			if (fscanf(f, "%llx %llx %llx", start, &end, &flags) != 3)
				break;
		fclose(f);
		if (i == 3 && end > *start) {
			*size = end - *start + 1;
			found = 1;
		}
	}
	closedir(dir);
	return found;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	unsigned long long start, bar, size, t, best;
	long page = sysconf(_SC_PAGESIZE);
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	int fd, r;
	void *p;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (rounds < 1)
		rounds = 1;
	errno = 0;
	if (!find_bar(&start, &bar))
		fail("no ivshmem-plain device with a BAR 2");
	printf("@@BENCH-BAR 0x%llx %llu MiB\n", start, bar / MIB);
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0)
		fail("open /dev/mem");

	for (size = MIB; size <= bar && size <= MAX_SIZE; size *= 4) {
		best = ~0ULL;
		for (r = 0; r < rounds; r++) {
			t = now_ns();
			p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, start);
			t = now_ns() - t;
			if (p == MAP_FAILED)
				fail("mmap /dev/mem");
			if (munmap(p, size))
				fail("munmap");
			if (t < best)
				best = t;
		}
		printf("@@BENCH %llu %llu %d\n", size / MIB, best / (size / page), rounds);
	}
	close(fd);
	return 0;
}
