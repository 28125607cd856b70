// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/mem and /dev/port rules, checked from user space as root.
 *
 * In a confidential guest, the kernel refuses to open /dev/mem and
 * /dev/port (EPERM): open_port() checks
 * cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT). Elsewhere the STRICT_DEVMEM
 * rules of drivers/char/mem.c and x86's devmem_is_allowed() hold.
 *
 * This test is meant to run inside Intel TDX and AMD SEV-SNP guests, where
 * one access through /dev/mem to memory the guest has not accepted or
 * validated, or through a shared alias of its private memory, ends the
 * guest on a kernel without that check. So it is safe by construction, in
 * every mode and whatever it detects:
 *  - it never dereferences a mapping of /dev/mem or /dev/port;
 *  - it never read(2)s or write(2)s a range the kernel would map: its only
 *    reads are of System RAM, and only after mmap(2) has shown that
 *    STRICT_DEVMEM refuses System RAM above 1 MiB. The kernel then answers
 *    them without touching memory: zeros below 1 MiB, EPERM above.
 *  - /dev/port is only opened.
 * A wrong detection can cost a wrong verdict, never the guest.
 *
 * Confidential mode is chosen when any of these is seen (cc_gather()
 * reads them, each with a stat(), a read or a CPUID; cc_decide() judges):
 *  - x86: "tdx_guest" in the /proc/cpuinfo flags; CPUID leaf 0x21 vendor
 *    "IntelTDX    "; "hypervisor" with "sev", "sev_es" or "sev_snp" in the
 *    flags (SEV, SEV-ES, SEV-SNP); the CPUID hypervisor bit with SEV in
 *    CPUID 0x8000001F EAX; SEV, SEV-ES or SNP in the SEV_STATUS MSR, where
 *    /dev/cpu/0/msr is readable; the sev-guest and tdx_guest devices; a
 *    Hyper-V isolated VM of any type (CPUID 0x4000000C, or the kernel's
 *    "Hyper-V: Isolation Config" line); the kernel's line
 *    "Memory Encryption Features active: Intel TDX" or "...: AMD SEV".
 *    CPUID and the MSR are read in x86-64 builds only.
 *  - arm64 realms: /sys/devices/platform/arm-cca-dev, or the kernel's
 *    "RME: Using RSI version" line. Protected KVM guests show user space
 *    no signal: run them with DEVMEM_TEST_CC=1.
 *  - s390 protected virtualization: /sys/firmware/uv/prot_virt_guest is 1.
 *  - powerpc secure VMs: /sys/devices/system/cpu/svm is 1.
 * The override is DEVMEM_TEST_CC in the environment (there is none on the
 * kernel command line): DEVMEM_TEST_CC=1 forces confidential mode.
 * DEVMEM_TEST_CC=0 asks for plain mode, and is obeyed only when no signal
 * is seen: over a signal it is logged and ignored, since plain mode reads
 * and maps /dev/mem.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <linux/capability.h>
#include <linux/magic.h>
/*
 * CPUID only in x86-64 builds: x86 confidential guests run 64-bit kernels
 * (INTEL_TDX_GUEST and AMD_MEM_ENCRYPT depend on X86_64), and some
 * compilers ship a <cpuid.h> that stops the build on other targets.
 */
#ifdef __x86_64__
#include <cpuid.h>
#define HAVE_CPUID	1
#endif

#include "../kselftest_harness.h"

#define LOW_1M		0x100000ULL
#define SETUP_FAILED	255	/* exit code of a child that kept its caps */
#define WHY		512	/* size of a reason */

static bool cc_guest;		/* the mode, chosen once before the tests */
static char cc_why[WHY / 2];
static char cc_lines[WHY];	/* the mode's diagnostics, said by say_mode() */
static bool *cc_said;		/* shared with the tests' processes */

static bool exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

/* The first @len - 1 bytes of @path, NUL terminated; "" when unreadable. */
static char *slurp(const char *path, char *buf, size_t len)
{
	ssize_t n = -1;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static bool has_word(const char *text, const char *word)
{
	size_t len = strlen(word);
	const char *p;

	for (p = strstr(text, word); p; p = strstr(p + len, word))
		if ((p == text || p[-1] == ' ') &&
		    (!p[len] || p[len] == ' ' || p[len] == '\n'))
			return true;
	return false;
}

/* Up to 1 MiB of /proc/cpuinfo: the first CPU's "flags" line is enough. */
static char *cpu_flags(void)
{
	static char buf[1 << 20];
	char *p;

	slurp("/proc/cpuinfo", buf, sizeof(buf));
	p = strstr(buf, "\nflags");
	if (!p)
		return "";
	p = strchr(p, ':');
	if (!p)
		return "";
	*strchrnul(p, '\n') = '\0';
	return p + 1;
}

/* The kernel log (klogctl, as dmesg reads it), or "" when unreadable. */
static char *kernel_log(void)
{
	static char *log;
	int size, n;

	if (log)
		return log;
	size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	log = calloc(1, size > 0 ? size + 1 : 1);
	if (!log)
		return "";
	n = size > 0 ? klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, size) : 0;
	log[n > 0 ? n : 0] = '\0';
	return log;
}

/* Say why in @why, and return true. */
static bool because(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return true;
}

/* What cc_decide() judges: cc_gather() reads it, a test may can it. */
struct cc_inputs {
	const char *flags;	/* the first CPU's flags in /proc/cpuinfo */
	const char *klog;	/* the kernel log */
	const char *node;	/* a confidential guest device that exists */
	const char *one;	/* a confidential guest file that reads 1 */
	bool hypervisor;	/* CPUID 1 ECX bit 31 */
	bool tdx;		/* CPUID 0x21 is "IntelTDX    " */
	unsigned int sev;	/* CPUID 0x8000001F EAX */
	unsigned long long sev_status;	/* MSR 0xc0010131 */
	unsigned int hv_iso;	/* Hyper-V isolation type, CPUID 0x4000000C */
};

/* Whether @in shows a confidential guest, and why in @why. No I/O. */
static bool cc_decide(const struct cc_inputs *in, char *why, size_t len)
{
	static const char * const lines[] = {
		"Memory Encryption Features active: Intel TDX",
		"Memory Encryption Features active: AMD SEV",
		"RME: Using RSI version",
	};
	unsigned int i, iso = in->hv_iso;
	const char *p;

	if (has_word(in->flags, "tdx_guest"))
		return because(why, len, "tdx_guest in /proc/cpuinfo");
	if (has_word(in->flags, "hypervisor") &&
	    (has_word(in->flags, "sev") || has_word(in->flags, "sev_es") ||
	     has_word(in->flags, "sev_snp")))
		return because(why, len, "hypervisor and sev flags in /proc/cpuinfo");
	if (in->tdx)
		return because(why, len, "CPUID 0x21 is IntelTDX");
	if (in->hypervisor && (in->sev & 2))
		return because(why, len, "CPUID 0x8000001F shows SEV under a hypervisor");
	if (in->sev_status & 7)
		return because(why, len, "SEV_STATUS MSR is %#llx", in->sev_status);
	if (in->node)
		return because(why, len, "%s exists", in->node);
	if (in->one)
		return because(why, len, "%s is 1", in->one);
	/* The kernel's line gives the isolation type in Group B's low bits. */
	p = strstr(in->klog, "Hyper-V: Isolation Config: Group A ");
	if (p)
		p = strstr(p, "Group B ");
	if (!iso && p)
		iso = strtoul(p + 8, NULL, 16) & 0xf;
	if (iso)	/* 1 VBS, 2 SNP, 3 TDX: any counts */
		return because(why, len, "Hyper-V isolation type %u", iso);
	for (i = 0; i < ARRAY_SIZE(lines); i++)
		if (strstr(in->klog, lines[i]))
			return because(why, len, "kernel log: %s", lines[i]);
	return false;
}

/* CPUID, and SEV_STATUS where /dev/cpu/0/msr is readable: x86-64 only. */
static void cc_gather_x86(struct cc_inputs *in)
{
#ifdef HAVE_CPUID
	unsigned int eax, ebx, ecx, edx, sig[3];
	int fd;

	__cpuid(1, eax, ebx, ecx, edx);
	in->hypervisor = ecx & (1U << 31);
	__cpuid_count(0x21, 0, eax, sig[0], sig[2], sig[1]);
	in->tdx = !memcmp(sig, "IntelTDX    ", 12);
	if (__get_cpuid(0x8000001f, &eax, &ebx, &ecx, &edx))
		in->sev = eax;
	__cpuid(0x40000000, eax, ebx, ecx, edx);
	if (ebx == 0x7263694d && ecx == 0x666f736f && edx == 0x76482074 &&
	    eax >= 0x4000000c) {			/* "Microsoft Hv" */
		__cpuid(0x40000003, eax, ebx, ecx, edx);
		if (ebx & (1U << 22)) {			/* HV_ISOLATION */
			__cpuid(0x4000000c, eax, ebx, ecx, edx);
			in->hv_iso = ebx & 0xf;
		}
	}
	fd = open("/dev/cpu/0/msr", O_RDONLY);
	if (fd >= 0) {
		if (pread(fd, &in->sev_status, sizeof(in->sev_status),
			  (off_t)0xc0010131) != sizeof(in->sev_status))
			in->sev_status = 0;
		close(fd);
	}
#endif
}

/* The inputs of cc_decide(): each costs a stat(), a read or a CPUID. */
static void cc_gather(struct cc_inputs *in)
{
	static const char * const nodes[] = {
		"/dev/sev-guest", "/sys/devices/platform/sev-guest",
		"/dev/tdx_guest", "/sys/class/misc/tdx_guest",
		"/sys/devices/platform/arm-cca-dev",
	};
	static const char * const files[] = {
		"/sys/firmware/uv/prot_virt_guest",
		"/sys/devices/system/cpu/svm",
	};
	unsigned int i;
	char buf[16];

	memset(in, 0, sizeof(*in));
	in->flags = cpu_flags();
	in->klog = kernel_log();
	for (i = 0; i < ARRAY_SIZE(nodes) && !in->node; i++)
		if (exists(nodes[i]))
			in->node = nodes[i];
	for (i = 0; i < ARRAY_SIZE(files) && !in->one; i++)
		if (slurp(files[i], buf, sizeof(buf))[0] == '1')
			in->one = files[i];
	cc_gather_x86(in);
}

/* DEVMEM_TEST_CC in the environment: '0', '1' or 0. */
static char cc_override(void)
{
	const char *env = getenv("DEVMEM_TEST_CC");

	if (env && (!strcmp(env, "0") || !strcmp(env, "1")))
		return env[0];
	return 0;
}

/*
 * The mode is chosen before the tests, and said by the first test that
 * runs: the harness's "TAP version 13" must come first.
 */
static void __attribute__((constructor)) choose_mode(void)
{
	char ovr = cc_override(), sig[WHY / 4];
	struct cc_inputs in;
	int n = 0;

	cc_gather(&in);
	cc_guest = cc_decide(&in, sig, sizeof(sig));
	if (cc_guest && ovr == '0')
		n = snprintf(cc_lines, sizeof(cc_lines),
			     "# devmem: override =0 ignored: %s\n", sig);
	if (cc_guest)
		snprintf(cc_why, sizeof(cc_why), "%s", sig);
	else if (ovr == '1')
		snprintf(cc_why, sizeof(cc_why), "forced by the =1 override");
	else
		snprintf(cc_why, sizeof(cc_why), "no confidential guest signal");
	cc_guest |= ovr == '1';
	snprintf(cc_lines + n, sizeof(cc_lines) - n, "# devmem: %s mode: %s\n",
		 cc_guest ? "confidential" : "plain", cc_why);
	cc_said = mmap(NULL, sizeof(*cc_said), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (cc_said == MAP_FAILED)
		cc_said = NULL;		/* then each test says it */
}

/* Say the mode, once: tests run one at a time, each in a child. */
static void say_mode(void)
{
	if (cc_said && *cc_said)
		return;
	if (cc_said)
		*cc_said = true;
	fputs(cc_lines, stdout);
	fflush(stdout);		/* the child ends with _exit() */
}

/*
 * Lockdown denies /dev/mem by itself, which would hide the rules: 1 when
 * locked down, -1 when unknown (both said in @why), 0 when not. With no
 * lockdown file, only a mounted securityfs shows that there is no lockdown.
 */
static int locked_down(char *why, size_t len)
{
	static const char path[] = "/sys/kernel/security/lockdown";
	struct statfs fs;
	char buf[128];

	if (slurp(path, buf, sizeof(buf))[0])
		return strstr(buf, "[none]") ? 0 :
		       because(why, len, "kernel lockdown: %s", buf);
	if (!exists(path) && !statfs("/sys/kernel/security", &fs) &&
	    fs.f_type == SECURITYFS_MAGIC)
		return 0;
	because(why, len, "lockdown unknown: cannot read %s", path);
	return -1;
}

/*
 * Why a test of the other mode, or one needing root, is skipped. An
 * unknown lockdown skips the confidential tests, whose EPERM it could
 * give; a plain test would see it fail open().
 */
static const char *skip_mode(bool want_cc, char *why, size_t len)
{
	int lock;

	say_mode();
	if (geteuid()) {
		snprintf(why, len, "must run as root");
		return why;
	}
	if (cc_guest != want_cc) {
		snprintf(why, len, "%s-mode test in %s mode (%s)",
			 want_cc ? "confidential" : "plain",
			 cc_guest ? "confidential" : "plain", cc_why);
		return why;
	}
	lock = locked_down(why, len);
	if (lock > 0 || (lock < 0 && want_cc))
		return why;
	why[0] = '\0';		/* an unknown lockdown does not stop a plain test */
	return NULL;
}

/*
 * Confidential mode: open() fails with EPERM. A descriptor that opens
 * anyway is closed at once, never read or mapped.
 */
static void open_eperm(struct __test_metadata *_metadata, const char *path,
		       int flags)
{
	char why[WHY];
	int fd, err;

	if (skip_mode(true, why, sizeof(why)))
		SKIP(return, "%s", why);
	if (!exists(path))
		SKIP(return, "no %s", path);
	fd = open(path, flags);
	err = errno;
	if (fd >= 0)
		close(fd);
	ASSERT_EQ(-1, fd) TH_LOG("%s opens in a confidential guest", path);
	ASSERT_EQ(EPERM, err) TH_LOG("open %s: %s", path, strerror(err));
}

TEST(cc_open_mem_rdonly_eperm) { open_eperm(_metadata, "/dev/mem", O_RDONLY); }
TEST(cc_open_mem_rdwr_eperm) { open_eperm(_metadata, "/dev/mem", O_RDWR); }
TEST(cc_open_port_rdonly_eperm) { open_eperm(_metadata, "/dev/port", O_RDONLY); }
TEST(cc_open_port_rdwr_eperm) { open_eperm(_metadata, "/dev/port", O_RDWR); }

/*
 * open() of @path without CAP_SYS_RAWIO, in a child: its errno, or 0. The
 * child drops it from its effective and permitted sets, which needs no
 * capability (the bounding set would need CAP_SETPCAP; open() does not
 * exec, so it does not matter).
 */
static int open_without_rawio(const char *path)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int st, fd;
	pid_t pid;

	pid = fork();
	if (!pid) {
		if (syscall(SYS_capget, &hdr, data))
			_exit(SETUP_FAILED);
		data[CAP_TO_INDEX(CAP_SYS_RAWIO)].effective &=
			~CAP_TO_MASK(CAP_SYS_RAWIO);
		data[CAP_TO_INDEX(CAP_SYS_RAWIO)].permitted &=
			~CAP_TO_MASK(CAP_SYS_RAWIO);
		if (syscall(SYS_capset, &hdr, data))
			_exit(SETUP_FAILED);
		fd = open(path, O_RDONLY);
		_exit(fd < 0 ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return SETUP_FAILED;
	return WEXITSTATUS(st);
}

/* Plain mode: open() needs CAP_SYS_RAWIO. Only open() and close(). */
static void open_needs_rawio(struct __test_metadata *_metadata,
			     const char *path)
{
	char why[WHY];
	int fd, err;

	if (skip_mode(false, why, sizeof(why)))
		SKIP(return, "%s", why);
	if (!exists(path))
		SKIP(return, "no %s", path);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", path, strerror(errno));
	close(fd);
	err = open_without_rawio(path);
	ASSERT_NE(SETUP_FAILED, err) TH_LOG("cannot drop CAP_SYS_RAWIO");
	ASSERT_EQ(EPERM, err)
		TH_LOG("open %s without CAP_SYS_RAWIO: %s", path,
		       err ? strerror(err) : "works");
}

TEST(plain_open_mem_needs_rawio) { open_needs_rawio(_metadata, "/dev/mem"); }
TEST(plain_open_port_needs_rawio) { open_needs_rawio(_metadata, "/dev/port"); }

/*
 * The first System RAM range that starts below 1 MiB (@low) or reaches
 * above it, from /proc/iomem: [*start, *end), page aligned and clipped to
 * 1 MiB (below it, whole pages that may be partly RAM; above, whole RAM
 * pages only).
 */
static bool ram_range(bool low, unsigned long long *start,
		      unsigned long long *end)
{
	unsigned long long s, e, ps = getpagesize();
	char line[128];
	bool found = false;
	FILE *f;

	f = fopen("/proc/iomem", "r");
	while (f && !found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx", &s, &e) != 2 || !e ||
		    !strstr(line, " : System RAM\n") || line[0] == ' ')
			continue;
		e++;
		if (low && s < LOW_1M) {
			*start = s & ~(ps - 1);
			*end = ((e < LOW_1M ? e : LOW_1M) + ps - 1) & ~(ps - 1);
			found = true;
		} else if (!low && e > LOW_1M) {
			*start = ((s > LOW_1M ? s : LOW_1M) + ps - 1) & ~(ps - 1);
			*end = e & ~(ps - 1);
			found = *start < *end;
		}
	}
	if (f)
		fclose(f);
	return found;
}

/*
 * Plain mode, x86 STRICT_DEVMEM. The fixture opens /dev/mem and finds a
 * System RAM page above 1 MiB. mmap() of that page, never touched, must
 * fail with EPERM: range_is_allowed() refuses RAM. That also shows that
 * STRICT_DEVMEM is on, which the read tests need before they read: only
 * then does the kernel answer their read(2)s without mapping anything.
 */
FIXTURE(strict) {
	int fd;
	unsigned long long high;
	bool strict;
	char skip[WHY];		/* why the setup skipped, or "" */
};

/* Why the strict tests cannot run, in @why; NULL when they can. */
static const char *strict_unfit(char *why, size_t len,
				unsigned long long *high)
{
	unsigned long long end;
	struct utsname u;

	if (skip_mode(false, why, len))
		return why;
	if (uname(&u) || (strcmp(u.machine, "x86_64") &&
			  !(u.machine[0] == 'i' && !strcmp(u.machine + 2, "86"))))
		snprintf(why, len, "the low 1 MiB rules of devmem_is_allowed() are x86's");
	else if (!exists("/dev/mem"))
		snprintf(why, len, "no /dev/mem");
	else if (!ram_range(false, high, &end))
		snprintf(why, len, "no System RAM above 1 MiB in /proc/iomem");
	else if ((unsigned long long)(off_t)*high != *high)
		snprintf(why, len, "RAM at %#llx is beyond off_t", *high);
	else
		return NULL;
	return why;
}

/*
 * A SKIP() in the setup is kept in self->skip, and each test skips again:
 * the 6.1 harness runs the test after a setup that skipped.
 */
FIXTURE_SETUP(strict)
{
	void *map;

	self->fd = -1;
	if (strict_unfit(self->skip, sizeof(self->skip), &self->high))
		SKIP(return, "%s", self->skip);
	self->fd = open("/dev/mem", O_RDONLY);
	ASSERT_LE(0, self->fd) TH_LOG("open /dev/mem: %s", strerror(errno));
	map = mmap(NULL, getpagesize(), PROT_READ, MAP_SHARED, self->fd,
		   (off_t)self->high);
	self->strict = map == MAP_FAILED && errno == EPERM;
	if (map != MAP_FAILED)
		munmap(map, getpagesize());	/* untouched: harmless */
}

FIXTURE_TEARDOWN(strict)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(strict, mmap_high_ram_eperm)
{
	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	ASSERT_TRUE(self->strict)
		TH_LOG("System RAM at %#llx can be mapped", self->high);
}

/* read_mem() refuses System RAM above 1 MiB before it maps anything. */
TEST_F(strict, read_high_ram_eperm)
{
	char buf[64];

	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	if (!self->strict)
		SKIP(return, "STRICT_DEVMEM is off: a read would map RAM");
	ASSERT_EQ(-1, pread(self->fd, buf, sizeof(buf), (off_t)self->high));
	ASSERT_EQ(EPERM, errno);
}

/* read_mem() zero-fills System RAM below 1 MiB without reading it. */
TEST_F(strict, read_low_ram_zeroed)
{
	unsigned long long start, end, i;
	unsigned char *buf;

	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	if (!self->strict)
		SKIP(return, "STRICT_DEVMEM is off: a read would map RAM");
	if (!ram_range(true, &start, &end))
		SKIP(return, "no System RAM below 1 MiB in /proc/iomem");
	buf = malloc(end - start);
	ASSERT_FALSE(!buf) TH_LOG("malloc: %s", strerror(errno));
	memset(buf, 0xa5, end - start);
	ASSERT_EQ((ssize_t)(end - start),
		  pread(self->fd, buf, end - start, (off_t)start));
	for (i = 0; i < end - start && !buf[i]; i++)
		;
	free(buf);
	ASSERT_EQ(end - start, i) TH_LOG("byte %#llx is not 0", start + i);
}

/*
 * mmap() of the whole low 1 MiB works: legacy user space (X, dmidecode)
 * relies on it. The mapping is unmapped untouched.
 */
TEST_F(strict, mmap_low_1m_works)
{
	void *map;

	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	map = mmap(NULL, LOW_1M, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(map != MAP_FAILED) TH_LOG("mmap: %s", strerror(errno));
	ASSERT_EQ(0, munmap(map, LOW_1M));
}

/* Both modes: SMBIOS, which /dev/mem used to give, is in sysfs. */
TEST(dmi_tables_in_sysfs)
{
	char buf[32];
	int fd;

	say_mode();
	fd = open("/sys/firmware/dmi/tables/DMI", O_RDONLY);
	if (fd < 0)
		SKIP(return, "no SMBIOS tables in sysfs: %s", strerror(errno));
	ASSERT_LT(0, read(fd, buf, sizeof(buf)));
	close(fd);
}

TEST_HARNESS_MAIN
