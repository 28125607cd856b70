// SPDX-License-Identifier: GPL-2.0
/*
 * In a confidential guest, one whose kernel's cc_platform_has() answers
 * CC_ATTR_GUEST_MEM_ENCRYPT, open(2) of /dev/mem and /dev/port fails with
 * EPERM.  Elsewhere they open as they always did, and mmap(2) of System
 * RAM above 1 MiB is refused (STRICT_DEVMEM).
 *
 * Such a guest may run a kernel without the check, where one access
 * through /dev/mem can end it.  So, whatever it detects or is told, the
 * test never reads or writes either device and never touches a mapping:
 * it opens them, and maps one page of RAM above 1 MiB, unmapped untouched.
 */
#include "../kselftest_harness.h"	/* first: it defines _GNU_SOURCE */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#ifdef __x86_64__
#include <cpuid.h>
#endif

/*
 * Signs of a confidential guest by uname's machine: a file that exists (or
 * reads "1"), or a kernel log line.  A machine not here has none.
 */
static const struct signal {
	const char *machine, *path, *log;
	bool one;
} signals[] = {
	{ "x86_64", "/dev/tdx_guest", NULL, false },
	{ "x86_64", "/dev/sev-guest", NULL, false },
	{ "x86_64", NULL, "Memory Encryption Features active: Intel TDX", false },
	{ "x86_64", NULL, "Memory Encryption Features active: AMD SEV", false },
	{ "aarch64", "/sys/devices/platform/arm-cca-dev", NULL, false },
	{ "aarch64", "/sys/devices/platform/arm-rsi-dev", NULL, false },
	{ "aarch64", NULL, "RME: Using RSI version", false },
	{ "s390x", "/sys/firmware/uv/prot_virt_guest", NULL, true },
	{ "ppc64", "/sys/devices/system/cpu/svm", NULL, true },
};

static int cc = -2;		/* 1 confidential, 0 plain, -1 neither */
static char why[256];

static char *slurp(const char *path, char *buf, size_t len)
{
	ssize_t n = -1;
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* The x86 signals that CPUID and the SEV_STATUS MSR give. */
static const char *x86_signal(void)
{
	static char buf[4096];
	char *flags;
#ifdef __x86_64__
	unsigned int a, b, c, d, sig[3];
	unsigned long long status = 0;
	int fd;

	__cpuid_count(0x21, 0, a, sig[0], sig[2], sig[1]);
	if (!memcmp(sig, "IntelTDX    ", 12))
		return "CPUID 0x21 is IntelTDX";
	__cpuid(0x40000000, a, b, c, d);
	if (b == 0x7263694d && c == 0x666f736f && d == 0x76482074 &&
	    a >= 0x4000000c) {			/* "Microsoft Hv" */
		__cpuid(0x40000003, a, b, c, d);
		__cpuid(0x4000000c, a, sig[0], c, d);
		if ((b & (1U << 22)) && (sig[0] & 0xf))
			return "Hyper-V isolation in CPUID 0x4000000C";
	}
	fd = open("/dev/cpu/0/msr", O_RDONLY);
	if (fd >= 0) {
		if (pread(fd, &status, sizeof(status), 0xc0010131) != sizeof(status))
			status = 0;
		close(fd);
	}
	if (status & 7)
		return "SEV, SEV-ES or SEV-SNP in the SEV_STATUS MSR";
#endif
	flags = strstr(slurp("/proc/cpuinfo", buf, sizeof(buf) - 1), "\nflags");
	if (!flags)
		return NULL;
	flags[strcspn(flags + 1, "\n") + 1] = '\0';
	return strstr(strcat(flags, " "), " tdx_guest ") ? "tdx_guest in /proc/cpuinfo" : NULL;
}

/* Choose the mode (once in each test's process) and say it. */
static void choose_mode(void)
{
	const char *env = getenv("DEVMEM_TEST_CC"), *sig = NULL, *hv;
	static char log[1 << 16], buf[16];
	bool known = false;
	struct utsname u;
	unsigned int i;
	int n;

	if (cc == -2 && !uname(&u)) {
		n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, sizeof(log) - 1);
		log[n > 0 ? n : 0] = '\0';
		for (i = 0; i < ARRAY_SIZE(signals); i++) {
			const struct signal *s = &signals[i];

			if (strncmp(u.machine, s->machine, strlen(s->machine)))
				continue;
			known = true;
			if (!sig && (s->log ? !!strstr(log, s->log) :
				     s->one ? *slurp(s->path, buf, sizeof(buf)) == '1' :
				     !access(s->path, F_OK)))
				sig = s->path ?: s->log;
		}
		hv = strstr(log, "Hyper-V: Isolation Config: Group A ");
		hv = hv ? strstr(hv, "Group B ") : NULL;
		if (!sig && !strcmp(u.machine, "x86_64"))
			sig = hv && strtoul(hv + 8, NULL, 16) & 0xf ?
			      "the kernel's Hyper-V isolation line" : x86_signal();
		cc = !!sig;
		snprintf(why, sizeof(why), "%s", sig ?: "no confidential guest signal");
		if (!cc && env && !strcmp(env, "1")) {
			cc = known ? 1 : -1;
			snprintf(why, sizeof(why), "DEVMEM_TEST_CC=1%s%s%s",
				 known ? "" : ", but no confidential guest of ",
				 known ? "" : u.machine, known ? "" : " refuses /dev/mem");
		}
	}
	printf("# devmem: %s mode: %s\n",
	       cc > 0 ? "confidential" : cc ? "no" : "plain", why);
	fflush(stdout);
}

/* "" when lockdown is none, else its state (one line) or why unknown. */
static const char *lockdown_state(void)
{
	static const char path[] = "/sys/kernel/security/lockdown";
	static char buf[128];
	struct statfs fs;

	if (slurp(path, buf, sizeof(buf))[0]) {
		buf[strcspn(buf, "\n")] = '\0';
		return strstr(buf, "[none]") ? "" : buf;
	}
	if (access(path, F_OK) && !statfs("/sys/kernel/security", &fs) &&
	    fs.f_type == SECURITYFS_MAGIC)
		return "";		/* securityfs, but no lockdown */
	return "lockdown unknown: securityfs is not mounted";
}

/* Say the mode; why the tests cannot run, or NULL. */
static const char *unfit(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	choose_mode();
	if (cc < 0)
		return why;
	if (syscall(SYS_capget, &hdr, data) ||
	    !(data[CAP_TO_INDEX(CAP_SYS_RAWIO)].effective & CAP_TO_MASK(CAP_SYS_RAWIO)))
		return "no CAP_SYS_RAWIO: the open fails whatever the kernel";
	return NULL;
}

static void check_open(struct __test_metadata *_metadata, const char *path,
		       int flags)
{
	const char *skip = unfit(), *lock;
	int fd, err;

	if (skip)
		SKIP(return, "%s", skip);
	if (access(path, F_OK))
		SKIP(return, "no %s", path);
	fd = open(path, flags);
	err = errno;
	if (fd >= 0)
		close(fd);		/* never read, written or mapped */
	if (!cc && fd >= 0)
		return;
	ASSERT_EQ(-1, fd) TH_LOG("%s opens in a confidential guest", path);
	ASSERT_EQ(EPERM, err) TH_LOG("open %s: %s", path, strerror(err));
	lock = lockdown_state();
	if (*lock)
		SKIP(return, "EPERM, but it may be lockdown's: %s", lock);
	ASSERT_TRUE(cc)
		TH_LOG("open %s: EPERM in plain mode (DEVMEM_TEST_CC=1?)", path);
}

TEST(open_mem_rdonly) { check_open(_metadata, "/dev/mem", O_RDONLY); }
TEST(open_mem_rdwr) { check_open(_metadata, "/dev/mem", O_RDWR); }
TEST(open_port_rdonly) { check_open(_metadata, "/dev/port", O_RDONLY); }
TEST(open_port_rdwr) { check_open(_metadata, "/dev/port", O_RDWR); }

/* The range check: mmap() of System RAM above 1 MiB fails (not touched). */
TEST(mmap_high_ram_eperm)
{
	unsigned long long s = 0, e = 0, page = getpagesize(), ram = 0;
	const char *skip = unfit();
	static char config[1 << 18];
	struct utsname u;
	char line[128];
	void *map;
	int fd, err;
	FILE *f;

	if (skip || cc)
		SKIP(return, "%s", skip ?: "confidential mode: /dev/mem does not open");
	f = fopen("/proc/iomem", "r");
	while (f && !ram && fgets(line, sizeof(line), f))
		if (line[0] != ' ' && strstr(line, " : System RAM\n") &&
		    sscanf(line, "%llx-%llx", &s, &e) == 2 && e >= 0x100000 + page)
			ram = (s > 0x100000 ? s + page - 1 : 0x100000) & ~(page - 1);
	if (f)
		fclose(f);
	if (!ram || ram + page - 1 > e || (unsigned long long)(off_t)ram != ram)
		SKIP(return, "no System RAM page above 1 MiB in /proc/iomem");
	fd = open("/dev/mem", O_RDONLY);
	if (fd < 0)
		SKIP(return, "open /dev/mem: %s", strerror(errno));
	map = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, ram);
	err = errno;
	if (map != MAP_FAILED)
		munmap(map, page);	/* untouched */
	close(fd);
	snprintf(line, sizeof(line), "/boot/config-%s", uname(&u) ? "" : u.release);
	if (map != MAP_FAILED && strstr(slurp(line, config, sizeof(config)),
					"\n# CONFIG_STRICT_DEVMEM is not set"))
		SKIP(return, "CONFIG_STRICT_DEVMEM is not set");
	ASSERT_TRUE(map == MAP_FAILED)
		TH_LOG("System RAM at %#llx can be mapped", ram);
	ASSERT_EQ(EPERM, err) TH_LOG("mmap of RAM at %#llx: %s", ram, strerror(err));
}

TEST_HARNESS_MAIN
