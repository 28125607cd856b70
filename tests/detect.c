// SPDX-License-Identifier: GPL-2.0
/*
 * Test only: the devmem kselftest on canned inputs.  It includes a tree's
 * copy of the kselftest (scripts/kselftest builds it with -I <tree>'s
 * tools/testing/selftests/devmem) with the calls it makes to the system
 * (open, read, access, klogctl, uname, capget, mmap, /proc/iomem, CPUID...)
 * routed to a canned world, and runs the whole kselftest in it, once a
 * case: each case is a world and the verdict each test must give.
 *
 *   detect [--answers M,M]  run every case, one KTAP line each; exit 1 when
 *                           a verdict differs.  M: the machines (aarch64,
 *                           s390x, ppc64: prefixes) whose kernel in this tree
 *                           answers the attribute; their signals must
 *                           give confidential mode, others not
 *   detect --list           the cases' names, one a line
 *   detect --invert NAME    the same, NAME's first verdict inverted: the
 *                           control, which must fail, naming NAME
 * An expectation is "TEST=VERDICT ...": pass, fail, skip, or skip:TEXT,
 * a SKIP whose reason has TEXT ('+' for a blank).
 */
#include "../kselftest_harness.h"
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <linux/capability.h>
#include <linux/magic.h>

/* The world of a case. */
struct world {
	const char *machine, *files, *log, *env, *iomem, *config;
	int dev_errno;		/* open of /dev/mem, /dev/port: 0 opens */
	int mmap_errno;		/* mmap of /dev/mem: 0 maps */
	bool norawio, nosecfs;
};
static struct world w;

/* files: "path=content;path=content": a path that exists. */
static const char *file(const char *path)
{
	static char buf[256];
	const char *p = w.files;
	size_t n = strlen(path);

	for (; p && (p = strstr(p, path)); p += n)
		if ((p == w.files || p[-1] == ';') && p[n] == '=') {
			snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(p + n + 1, ";"), p + n + 1);
			return buf;
		}
	return NULL;
}

static const char *fds[64];
static int fake_open(const char *path, int flags, ...)
{
	static const char *devs[] = { "/dev/mem", "/dev/port" };
	int i;

	(void)flags;
	for (i = 0; i < 2; i++)
		if (!strcmp(path, devs[i]) && w.dev_errno) {
			errno = w.dev_errno;
			return -1;
		}
	if (!strcmp(path, "/dev/mem") || !strcmp(path, "/dev/port"))
		return dup(0);
	if (!strncmp(path, "/boot/config-", 13) && w.config)
		fds[0] = w.config;
	else if (!file(path))
		return errno = ENOENT, -1;
	else
		fds[0] = strdup(file(path));
	i = dup(0);
	fds[i] = fds[0];
	return i;
}

static ssize_t fake_read(int fd, void *buf, size_t len)
{
	size_t n = fds[fd] ? strlen(fds[fd]) : 0;

	n = n < len ? n : len;
	memcpy(buf, fds[fd], n);
	return n;
}

static ssize_t fake_pread(int fd, void *buf, size_t len, off_t off)
{
	(void)fd; (void)buf; (void)len; (void)off;
	return errno = EIO, -1;
}

static int fake_access(const char *path, int mode)
{
	(void)mode;
	if (!strcmp(path, "/dev/mem") || !strcmp(path, "/dev/port") || file(path))
		return 0;
	return errno = ENOENT, -1;
}

static int fake_statfs(const char *path, struct statfs *fs)
{
	(void)path;
	memset(fs, 0, sizeof(*fs));
	fs->f_type = w.nosecfs ? SYSFS_MAGIC : SECURITYFS_MAGIC;
	return 0;
}

static int fake_klogctl(int type, char *buf, int len)
{
	(void)type;
	snprintf(buf, len, "%s", w.log ?: "");
	return strlen(buf);
}

static int fake_uname(struct utsname *u)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->machine, sizeof(u->machine), "%s", w.machine ?: "x86_64");
	snprintf(u->release, sizeof(u->release), "7.3.0");
	return 0;
}

static char *fake_getenv(const char *name)
{
	return strcmp(name, "DEVMEM_TEST_CC") ? NULL : (char *)w.env;
}

static long fake_syscall(long nr, ...)
{
	struct __user_cap_data_struct *data;
	va_list ap;

	va_start(ap, nr);
	(void)va_arg(ap, void *);
	data = va_arg(ap, struct __user_cap_data_struct *);
	va_end(ap);
	memset(data, 0, 2 * sizeof(*data));
	if (!w.norawio)
		data[CAP_TO_INDEX(CAP_SYS_RAWIO)].effective = CAP_TO_MASK(CAP_SYS_RAWIO);
	return 0;
}

static void *fake_mmap(void *a, size_t len, int prot, int flags, int fd, off_t off)
{
	(void)a; (void)len; (void)prot; (void)flags; (void)fd; (void)off;
	if (w.mmap_errno)
		return errno = w.mmap_errno, MAP_FAILED;
	return (void *)4096;	/* never touched */
}

static int fake_munmap(void *a, size_t len) { (void)a; (void)len; return 0; }

static FILE *fake_fopen(const char *path, const char *mode)
{
	(void)path;
	return w.iomem ? fmemopen((void *)w.iomem, strlen(w.iomem), mode) : NULL;
}

#define open fake_open
#define read fake_read
#define pread fake_pread
#define access fake_access
#define statfs(p, f) fake_statfs(p, f)
#define klogctl fake_klogctl
#define uname fake_uname
#define getenv fake_getenv
#define syscall fake_syscall
#define mmap fake_mmap
#define munmap fake_munmap
#define fopen fake_fopen
#undef __cpuid
#undef __cpuid_count
#define __cpuid(l, a, b, c, d) ((a) = (b) = (c) = (d) = 0)
#define __cpuid_count(l, s, a, b, c, d) ((a) = (b) = (c) = (d) = 0)
#define main devmem_main
#include "devmem.c"
#undef main
#undef open
#undef read
#undef pread
#undef access
#undef statfs
#undef klogctl
#undef uname
#undef getenv
#undef syscall
#undef mmap
#undef munmap
#undef fopen

#define RAM "00000000-00000fff : Reserved\n00001000-0009ffff : System RAM\n" \
	    "00100000-7ffdffff : System RAM\n"
#define LOCK "/sys/kernel/security/lockdown=[none] integrity confidentiality\n;"
#define OPENS(v) "open_mem_rdonly=" v " open_mem_rdwr=" v " open_port_rdonly=" v \
		 " open_port_rdwr=" v
#define CC(v) OPENS(v) " mmap_high_ram_eperm=skip"
#define PLAIN OPENS("pass") " mmap_high_ram_eperm=pass"
#define OTHER "x86_64 "	/* a machine's expectation depends on --answers */

struct tcase { const char *name; struct world w; const char *want; };

static const struct tcase cases[] = {
	{ "nothing", { .files = LOCK, .iomem = RAM, .mmap_errno = EPERM }, PLAIN },
	{ "dev-tdx-guest", { .files = LOCK "/dev/tdx_guest=", .dev_errno = EPERM }, CC("pass") },
	{ "dev-sev-guest", { .files = LOCK "/dev/sev-guest=", .dev_errno = EPERM }, CC("pass") },
	{ "log-tdx", { .files = LOCK, .dev_errno = EPERM,
		.log = "x86/mm: Memory Encryption Features active: Intel TDX\n" }, CC("pass") },
	{ "log-sev", { .files = LOCK, .dev_errno = EPERM,
		.log = "Memory Encryption Features active: AMD SEV SEV-ES\n" }, CC("pass") },
	{ "hyperv-snp", { .files = LOCK, .dev_errno = EPERM,
		.log = "Hyper-V: Isolation Config: Group A 0x1, Group B 0xba2\n" }, CC("pass") },
	{ "hyperv-vbs", { .files = LOCK, .dev_errno = EPERM,
		.log = "Hyper-V: Isolation Config: Group A 0x1, Group B 0x1\n" }, CC("pass") },
	{ "hyperv-none", { .files = LOCK, .iomem = RAM, .mmap_errno = EPERM,
		.log = "Hyper-V: Isolation Config: Group A 0x0, Group B 0x0\n" }, PLAIN },
	{ "cpuinfo-tdx", { .files = LOCK "/proc/cpuinfo=x\nflags\t: fpu tdx_guest\nbogomips",
		.dev_errno = EPERM }, CC("pass") },
	{ "cpuinfo-word-only", { .files = LOCK "/proc/cpuinfo=x\nflags\t: fpu tdx_guests\n",
		.iomem = RAM, .mmap_errno = EPERM }, PLAIN },
	{ "cpuinfo-sev-flags", { .files = LOCK "/proc/cpuinfo=x\nflags\t: hypervisor sev sev_es\n",
		.iomem = RAM, .mmap_errno = EPERM }, PLAIN },
	{ "arm-cca-on-x86", { .files = LOCK "/sys/devices/platform/arm-cca-dev=",
		.iomem = RAM, .mmap_errno = EPERM }, PLAIN },
	{ "arm-cca", { .machine = "aarch64", .files = LOCK "/sys/devices/platform/arm-cca-dev=",
		.dev_errno = EPERM, .iomem = RAM, .mmap_errno = EPERM }, OTHER },
	{ "arm-rsi", { .machine = "aarch64", .files = LOCK "/sys/devices/platform/arm-rsi-dev=",
		.dev_errno = EPERM, .iomem = RAM, .mmap_errno = EPERM }, OTHER },
	{ "log-rme", { .machine = "aarch64", .files = LOCK, .log = "RME: Using RSI version 1.0\n",
		.dev_errno = EPERM, .iomem = RAM, .mmap_errno = EPERM }, OTHER },
	{ "s390-pv", { .machine = "s390x", .files = LOCK "/sys/firmware/uv/prot_virt_guest=1",
		.dev_errno = EPERM, .iomem = RAM, .mmap_errno = EPERM }, OTHER },
	{ "s390-not-pv", { .machine = "s390x", .iomem = RAM, .mmap_errno = EPERM,
		.files = LOCK "/sys/firmware/uv/prot_virt_guest=0" }, PLAIN },
	{ "ppc-svm", { .machine = "ppc64le", .files = LOCK "/sys/devices/system/cpu/svm=1",
		.dev_errno = EPERM, .iomem = RAM, .mmap_errno = EPERM }, OTHER },
	{ "forced-x86", { .files = LOCK, .env = "1", .dev_errno = EPERM }, CC("pass") },
	{ "forced-pkvm", { .machine = "aarch64", .files = LOCK, .env = "1",
		.dev_errno = EPERM }, OTHER },
	{ "forced-0", { .files = LOCK "/dev/tdx_guest=", .env = "0", .dev_errno = EPERM },
	  CC("pass") },
	{ "hole", { .files = LOCK "/dev/tdx_guest=" }, CC("fail") },
	{ "cc-lockdown-unknown", { .files = "/dev/tdx_guest=", .nosecfs = true,
		.dev_errno = EPERM }, CC("skip:lockdown+unknown") },
	{ "cc-locked-down", { .dev_errno = EPERM,
		.files = "/dev/tdx_guest=;/sys/kernel/security/lockdown=none [integrity]\n" },
	  CC("skip:integrity]") },
	{ "hole-lockdown-unknown", { .files = "/dev/tdx_guest=", .nosecfs = true }, CC("fail") },
	{ "cc-no-rawio", { .files = LOCK "/dev/tdx_guest=", .norawio = true },
	  OPENS("skip:CAP_SYS_RAWIO") " mmap_high_ram_eperm=skip" },
	{ "plain-no-rawio", { .files = LOCK, .norawio = true, .dev_errno = EPERM },
	  OPENS("skip:CAP_SYS_RAWIO") " mmap_high_ram_eperm=skip:CAP_SYS_RAWIO" },
	{ "plain-eperm", { .files = LOCK, .dev_errno = EPERM },
	  OPENS("fail") " mmap_high_ram_eperm=skip" },
	{ "plain-eacces", { .files = LOCK, .dev_errno = EACCES },
	  OPENS("fail") " mmap_high_ram_eperm=skip" },
	{ "plain-eperm-locked", { .dev_errno = EPERM,
		.files = "/sys/kernel/security/lockdown=none [integrity]\n" },
	  OPENS("skip:lockdown") " mmap_high_ram_eperm=skip" },
	{ "mmap-ram-maps", { .files = LOCK, .iomem = RAM },
	  OPENS("pass") " mmap_high_ram_eperm=fail" },
	{ "mmap-strict-devmem-off", { .files = LOCK, .iomem = RAM,
		.config = "x\n# CONFIG_STRICT_DEVMEM is not set\n" },
	  OPENS("pass") " mmap_high_ram_eperm=skip:STRICT_DEVMEM" },
	{ "mmap-einval", { .files = LOCK, .iomem = RAM, .mmap_errno = EINVAL },
	  OPENS("pass") " mmap_high_ram_eperm=fail" },
	{ "mmap-no-ram", { .files = LOCK, .iomem = "00000000-000fffff : Reserved\n" },
	  OPENS("pass") " mmap_high_ram_eperm=skip:System+RAM" },
};

/*
 * The verdict of test T in the KTAP OUT: "pass", "fail", "skip:REASON".
 * A result line without the test's name (6.1's harness writes a SKIP as
 * "ok N # SKIP reason") takes the name of the Nth "#  RUN" line.
 */
static const char *verdict(const char *out, const char *t, char *buf, size_t len)
{
	const char *line, *end, *name, *skip, *runs[16];
	unsigned int nrun = 0, n;
	size_t tl = strlen(t);
	bool nok;

	for (line = out; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (!strncmp(line, "#  RUN ", 7) && (name = strstr(line, " global.")) &&
		    nrun < 16)
			runs[nrun++] = name;
		nok = !strncmp(line, "not ok ", 7);
		if (!nok && strncmp(line, "ok ", 3))
			continue;
		n = strtoul(line + (nok ? 7 : 3), NULL, 10);
		name = strstr(line, " global.");
		if (!name || name > end)
			name = n && n <= nrun ? runs[n - 1] : NULL;
		if (!name || strncmp(name + 8, t, tl) ||
		    (name[8 + tl] != ' ' && name[8 + tl] != '\n' && name[8 + tl]))
			continue;
		skip = strstr(line, " # SKIP ");
		if (skip && skip < end)
			snprintf(buf, len, "skip:%.*s", (int)(end - skip - 8), skip + 8);
		else
			snprintf(buf, len, "%s", nok ? "fail" : "pass");
		return buf;
	}
	return "missing";
}

/* The kselftest's output in the world of case C. */
static char *run(const struct tcase *c)
{
	static char out[1 << 16];
	FILE *f = tmpfile();
	size_t n = 0;
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (!pid) {
		char *argv[] = { "devmem", NULL };

		w = c->w;
		dup2(fileno(f), 1);
		dup2(fileno(f), 2);
		_exit(devmem_main(1, argv));
	}
	waitpid(pid, &st, 0);
	rewind(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	return out;
}

/* Why case C's output OUT is not as expected (inverted: INV), or NULL. */
static const char *judge(const struct tcase *c, const char *out, const char *answers,
			 bool inv, char *why, size_t len)
{
	char want[512], got[256], *t, *v, *save;
	const char *m = c->w.machine ?: "x86_64";
	bool first = true;

	if (!inv && strstr(out, "\n\n"))
		return snprintf(why, len, "%s: a blank line in the KTAP", c->name), why;
	if (!strcmp(c->want, OTHER)) {
		char list[64], *a, *as;
		bool yes = false;

		snprintf(list, sizeof(list), "%s", answers);
		for (a = strtok_r(list, ",", &as); a; a = strtok_r(NULL, ",", &as))
			yes |= !strncmp(m, a, strlen(a));
		const char *mode = yes ? "confidential" : c->w.env ? "no" : "plain";

		if (inv)
			mode = yes ? "plain" : "confidential";
		snprintf(want, sizeof(want), "# devmem: %s mode: ", mode);
		if (!strstr(out, want))
			return snprintf(why, len, "%s: on %s, not in %s mode", c->name, m, mode), why;
		return NULL;
	}
	snprintf(want, sizeof(want), "%s", c->want);
	for (t = strtok_r(want, " ", &save); t; t = strtok_r(NULL, " ", &save), first = false) {
		v = strchr(t, '=');
		*v++ = '\0';
		for (char *s = v; *s; s++)
			*s = *s == '+' ? ' ' : *s;
		verdict(out, t, got, sizeof(got));
		bool ok = !strncmp(v, "skip:", 5) ? !strncmp(got, "skip:", 5) && strstr(got, v + 5) :
			  !strcmp(v, "skip") ? !strncmp(got, "skip", 4) : !strcmp(got, v);
		if (ok == (inv && first))
			return snprintf(why, len, "%s: %s is %s, %s %s", c->name, t, got,
					inv && first ? "inverted, expected other than" : "expected", v), why;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *answers = "", *invert = NULL, *why;
	unsigned int i, bad = 0;
	char buf[512];

	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--list")) {
			for (i = 0; i < ARRAY_SIZE(cases); i++)
				puts(cases[i].name);
			return 0;
		} else if (!strcmp(argv[i], "--answers") && i + 1 < (unsigned int)argc) {
			answers = argv[++i];
		} else if (!strcmp(argv[i], "--invert") && i + 1 < (unsigned int)argc) {
			invert = argv[++i];
		} else {
			fprintf(stderr, "usage: detect [--answers M,M] [--list | --invert NAME]\n");
			return 2;
		}
	}
	printf("TAP version 13\n1..%zu\n", ARRAY_SIZE(cases));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct tcase *c = &cases[i];

		why = judge(c, run(c), answers, invert && !strcmp(invert, c->name),
			    buf, sizeof(buf));
		printf("%sok %u %s%s%s\n", why ? "not " : "", i + 1, c->name,
		       why ? ": " : "", why ? why + strlen(c->name) + 2 : "");
		bad += !!why;
	}
	printf("# %u of %zu cases as expected\n", (unsigned int)ARRAY_SIZE(cases) - bad,
	       ARRAY_SIZE(cases));
	return !!bad;
}
