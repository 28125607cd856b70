// SPDX-License-Identifier: GPL-2.0
/*
 * Test only: a seeded random sequence of operations on /dev/mem and
 * /dev/port, run in a guest by scripts/fuzz, which compares the traces of
 * two kernels booted with the same seed.
 *
 *   fuzz SEED OPS [ONLY]
 *
 * prints each region of /proc/iomem it draws from ("fuzz: iomem
 * <start>-<end> <name>": scripts/fuzz compares two kernels' maps), then
 * draws OPS operations from SEED and prints one line for each:
 *
 *   fuzz <n> <op> <arguments> -> <result> [<errno name>]
 *
 * written in two parts, the operation and its arrow before the system
 * call, its result after it, so that a guest killed inside the call
 * leaves the operation that killed it as the last line, unfinished (the
 * kernel's panic follows the arrow).  ONLY, a list of
 * operation numbers (1,5,9), runs those of the same sequence and no
 * other: a short sequence cut from a long one.
 *
 * The operations: open (O_RDONLY, O_WRONLY or O_RDWR, with or without
 * O_SYNC) into one of four slots, close, lseek (SEEK_SET, SEEK_CUR,
 * SEEK_END), pread, mmap (PROT_NONE to PROT_READ|PROT_WRITE|PROT_EXEC,
 * MAP_SHARED or MAP_PRIVATE) into one of eight mapping slots (a mapping
 * there is unmapped first), and munmap of a mapping slot.  Each names its
 * slot first (mmap: the file's, then the mapping's).
 * Offsets and lengths come mostly from the edges of the guest's own
 * /proc/iomem: every region's start and end, a page either side of them,
 * a byte either side (mid page), 1 MiB, lengths that reach from one edge
 * to another; the rest are random, some of them chosen to overflow.
 * Regions named "Kernel ..." are left out: they move with the kernel's
 * size, and the two kernels compared differ.  The sequence depends only
 * on the seed and on /proc/iomem, never on a result: the same seed on the
 * same machine draws the same sequence.
 *
 * What it accesses, so that a plain guest survives it (a simulated
 * confidential guest without the series is meant to die of it):
 *  - It writes nothing: no write(2), no store through a mapping.
 *  - It touches no mapping: mmap() decides the policy, and the fuzzer
 *    only maps and unmaps.
 *  - pread(2) of /dev/mem reads through the kernel only where every page
 *    of the range is below 1 MiB (the firmware, ROM and legacy video
 *    ranges a plain guest reads at boot) or System RAM (which the kernel
 *    refuses above 1 MiB, and zero-fills below it), or where the range
 *    ends beyond the last System RAM, which valid_phys_addr_range()
 *    refuses whole, before any access.  Other ranges (MMIO, device
 *    registers) are drawn again.
 *  - pread(2) of /dev/port is of no byte (length 0) or beyond port
 *    0xffff: the kernel reads no port.
 *  - pread(2) lengths fit the buffer.  mmap() lengths are at most 1024
 *    pages, or so long that mmap() refuses them before the driver sees
 *    them (beyond the address space, or the largest file offset): the
 *    range check walks every page of a range it allows, and an arm64
 *    kernel allows any range above its RAM (no valid_mmap_phys_addr_range()
 *    of its own), so a long one takes hours under TCG.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#define PG		4096ULL
#define MIB		0x100000ULL
#define SLOTS		4
#define MAPS		8
#define BUF_SIZE	(MIB + 4 * PG)
#define MAX_EDGES	1024

static uint64_t rng;
static uint64_t edge[MAX_EDGES];
static int nedges;
static struct { uint64_t start, end; } ram[64];	/* System RAM, end exclusive */
static int nram;
static uint64_t ram_top;
static int fds[SLOTS] = { -1, -1, -1, -1 };
static int is_port[SLOTS];
static struct { void *addr; size_t len; } maps[MAPS];
static char *buf;
static int running;	/* this operation runs (ONLY) */

/* splitmix64: a fixed sequence for a seed, on every libc. */
static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static void add_edge(uint64_t e)
{
	if (nedges < MAX_EDGES)
		edge[nedges++] = e;
}

static int read_iomem(void)
{
	FILE *f = fopen("/proc/iomem", "r");
	unsigned long long s, e;
	char line[256], *name;

	if (!f) {
		perror("fuzz: /proc/iomem");
		return -1;
	}
	add_edge(0);
	add_edge(MIB);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %llx-%llx", &s, &e) != 2)
			continue;
		name = strstr(line, " : ");
		name = name ? name + 3 : line;
		name[strcspn(name, "\n")] = '\0';
		if (!strncmp(name, "Kernel ", 7))
			continue;
		/* in the log, not the trace: two kernels' maps compared */
		printf("fuzz: iomem %llx-%llx %s\n", s, e, name);
		add_edge(s);
		add_edge(e + 1);
		if (!strcmp(name, "System RAM") && nram < 64) {
			ram[nram].start = s;
			ram[nram++].end = e + 1;
			if (e + 1 > ram_top)
				ram_top = e + 1;
		}
	}
	fclose(f);
	if (ram_top <= MIB) {
		printf("fuzz: /proc/iomem shows no System RAM or no addresses (not root?)\n");
		return -1;
	}
	return 0;
}

static uint64_t pick_offset(int aligned)
{
	static const int64_t near[] = { -2 * PG, -PG, 0, 0, PG, 2 * PG };
	uint64_t off;

	switch (below(10)) {
	case 0:		/* random within the machine, and some beyond */
	case 1:
		off = below(ram_top + ((uint64_t)2 << 30));
		break;
	case 2:		/* wild: the top of the offset range */
		off = (uint64_t)INT64_MAX - below(4) * PG - (below(2) ? PG - 1 : 0);
		break;
	default:	/* an edge, a page or two either side */
		off = edge[below(nedges)] + near[below(6)];
		if (!aligned && below(3) == 0)
			off += below(2) ? 1 : -1;
		break;
	}
	if (aligned && below(10))
		off &= ~(PG - 1);
	return off;
}

static uint64_t pick_length(uint64_t off)
{
	uint64_t to;

	switch (below(10)) {
	case 0:
		return 0;
	case 1:		/* mid page */
		return 1 + below(3 * PG);
	case 2:		/* to another edge, at most 1024 pages */
		to = edge[below(nedges)];
		if (to > off && to - off <= 1024 * PG)
			return to - off;
		return PG;
	case 3:		/* wild: beyond the address space, or the file's end */
		switch (below(3)) {
		case 0:	return -PG;
		case 1:	return (uint64_t)1 << 63;
		default: return (uint64_t)INT64_MAX - off + PG * below(2);
		}
	default:
		return (1 + below(4)) * PG;
	}
}

/* Every page of [off, off + len) is below 1 MiB or System RAM. */
static int low_or_ram(uint64_t off, uint64_t len)
{
	uint64_t p;
	int i, in;

	for (p = off & ~(PG - 1); p < off + len; p += PG) {
		if (p < MIB)
			continue;
		for (in = 0, i = 0; i < nram && !in; i++)
			in = p >= ram[i].start && p + PG <= ram[i].end;
		if (!in)
			return 0;
	}
	return 1;
}

/* pread() of it reads nothing that a plain guest might not survive. */
static int safe_pread(int port, uint64_t off, uint64_t len)
{
	if (len == 0)
		return 1;
	if (port)
		return off > 0xffff;
	if (off > (uint64_t)INT64_MAX - len)
		return 1;		/* EINVAL: a negative position */
	return off + len > ram_top || low_or_ram(off, len);
}

/* The operation's text before its call; the result after it. */
static void op(unsigned long n, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void op(unsigned long n, const char *fmt, ...)
{
	va_list ap;

	if (!running)
		return;
	printf("fuzz %lu ", n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputs(" ->", stdout);
	fflush(stdout);
}

static void done(long long ret, int err)
{
	if (!running)
		return;
	if (ret < 0)
		printf(" -1 %s\n", strerrorname_np(err) ? strerrorname_np(err) : "E?");
	else
		printf(" %lld\n", ret);
	fflush(stdout);
}

static const char *prot_name(int prot)
{
	static const char *const names[] = { "---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx" };

	return names[prot & 7];
}

static void step(unsigned long n)
{
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
	static const char *const mode_names[] = { "r", "w", "rw" };
	static const int whences[] = { SEEK_SET, SEEK_CUR, SEEK_END };
	uint64_t off, len;
	int slot, m, port, sync, prot, shared, tries;
	long long ret;
	void *addr;

	switch (below(20)) {
	case 0: case 1: case 2:		/* open */
		slot = below(SLOTS);
		port = below(5) == 0;
		m = below(3);
		sync = below(4) == 0;
		if (running && fds[slot] >= 0)
			close(fds[slot]);
		op(n, "open %d %s %s%s", slot, port ? "port" : "mem", mode_names[m],
		   sync ? " sync" : "");
		ret = running ? open(port ? "/dev/port" : "/dev/mem",
				     modes[m] | (sync ? O_SYNC : 0)) : -1;
		done(ret < 0 ? -1 : 0, errno);
		if (running)
			fds[slot] = ret;
		is_port[slot] = port;	/* drawn, not a result: the sequence */
		break;
	case 3:				/* close */
		slot = below(SLOTS);
		op(n, "close %d", slot);
		ret = running ? close(fds[slot]) : 0;
		done(ret, errno);
		if (running)
			fds[slot] = -1;
		break;
	case 4: case 5: case 6:		/* lseek */
		slot = below(SLOTS);
		off = pick_offset(0);
		m = below(3);
		op(n, "lseek %d %#llx %d", slot, (unsigned long long)off, m);
		ret = running ? lseek(fds[slot], off, whences[m]) : 0;
		done(ret, errno);
		break;
	case 7: case 8: case 9: case 10: case 11: case 12:	/* pread */
		slot = below(SLOTS);
		for (tries = 0; ; tries++) {
			off = pick_offset(0);
			len = pick_length(off);
			if (len > BUF_SIZE)
				len = below(BUF_SIZE);
			if (safe_pread(is_port[slot], off, len))
				break;
			if (tries == 16) {
				len = 0;
				break;
			}
		}
		op(n, "pread %d %#llx %#llx", slot, (unsigned long long)off,
		   (unsigned long long)len);
		ret = running ? pread(fds[slot], buf, len, off) : 0;
		done(ret, errno);
		break;
	case 13: case 14: case 15: case 16: case 17: case 18:	/* mmap */
		slot = below(SLOTS);
		m = below(MAPS);
		off = pick_offset(1);
		len = pick_length(off);
		prot = below(8);
		shared = below(3) != 0;
		if (running && maps[m].addr) {
			munmap(maps[m].addr, maps[m].len);
			maps[m].addr = NULL;
		}
		op(n, "mmap %d %d %#llx %#llx %s %s", slot, m, (unsigned long long)off,
		   (unsigned long long)len, prot_name(prot), shared ? "shared" : "private");
		addr = running ? mmap(NULL, len, prot, shared ? MAP_SHARED : MAP_PRIVATE,
				      fds[slot], off) : MAP_FAILED;
		done(addr == MAP_FAILED ? -1 : 0, errno);
		if (running && addr != MAP_FAILED) {
			maps[m].addr = addr;
			maps[m].len = len;
		}
		break;
	default:			/* munmap */
		m = below(MAPS);
		op(n, "munmap %d", m);
		ret = 0;
		if (running && maps[m].addr)
			ret = munmap(maps[m].addr, maps[m].len);
		done(ret, errno);
		if (running)
			maps[m].addr = NULL;
		break;
	}
}

/* Whether operation @n is in the list @only (NULL: every one). */
static int listed(const char *only, unsigned long n)
{
	const char *p = only;
	char *end;

	if (!only)
		return 1;
	while (*p) {
		if (strtoul(p, &end, 10) == n)
			return 1;
		p = *end ? end + 1 : end;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n, ops;
	const char *only;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: fuzz SEED OPS [N,N,...]\n");
		return 2;
	}
	rng = strtoull(argv[1], NULL, 0);
	ops = strtoul(argv[2], NULL, 0);
	only = argc == 4 ? argv[3] : NULL;
	buf = malloc(BUF_SIZE);
	if (!buf || read_iomem())
		return 1;
	printf("fuzz: seed %s, %lu operations%s%s, %d edges, System RAM ends at %#llx\n",
	       argv[1], ops, only ? " of which " : "", only ? only : "", nedges,
	       (unsigned long long)ram_top);
	for (n = 1; n <= ops; n++) {
		running = listed(only, n);
		step(n);
	}
	printf("fuzz: done\n");
	return 0;
}
