// SPDX-License-Identifier: GPL-2.0
/*
 * Test only: /init of a guest with no busybox (arm64 here: Debian has no
 * busybox for it to install).  Built static.  It speaks guest/init's
 * protocol, for the steps that need no other program: runs the steps
 * named by devmem_steps=a,b,... on the kernel command line, each between
 * the markers the harness reads,
 *   @@STEP <n> <name> BEGIN ... @@STEP <n> <name> END rc=<exit code>
 * then prints @@DONE and powers off.  The exit code stays on the console
 * here, where guest/init writes it out of band to a second serial port:
 * QEMU's virt machine has one PL011 UART, and this kernel no virtio
 * console.  It has no shell, so the kselftest
 * does not run as the field runs it, through the tree's run_kselftest.sh
 * (guest/init), but as the installed test alone,
 * /kselftest/devmem/devmem from the contents of the tree's gen_tar, in its
 * directory; first it says so, "@@RUNNER none ...", and boot's judge then
 * takes the test's own KTAP for the runner's (scripts/judge-boot).  Steps:
 *   test           the kselftest, DEVMEM_TEST_CC from the command line in
 *                  its environment
 *   user           the kselftest as uid and gid 65534, with no
 *                  supplementary groups
 *   norawio        the kselftest as root without CAP_SYS_RAWIO (dropped
 *                  from the bounding set, so that exec does not give it)
 *   unsecfs, secfs unmount securityfs from /sys/kernel/security, mount it
 *   fake-<signal>  fake one confidential guest signal from user space, as
 *                  guest/init does (not the x86 /proc/cpuinfo flags)
 *   unfake         take every faked signal away again
 *   fuzz           /fuzz (guest/fuzz.c) with devmem_fuzz=SEED:OPS[:N,N...],
 *                  as guest/init runs it
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>

/*
 * The signals: with @mount, a tmpfs goes over that sysfs directory first;
 * then @path is made: a directory when @text is NULL, else a file with
 * @text written to it (/dev/kmsg: a line of the kernel log).
 */
static const struct {
	const char *sig, *mount, *path, *text;
} fakes[] = {
	{ "dev-sev-guest", NULL, "/dev/sev-guest", "" },
	{ "dev-tdx-guest", NULL, "/dev/tdx_guest", "" },
	{ "log-tdx", NULL, "/dev/kmsg", "Memory Encryption Features active: Intel TDX\n" },
	{ "log-sev", NULL, "/dev/kmsg",
	  "Memory Encryption Features active: AMD SEV SEV-ES SEV-SNP\n" },
	{ "log-hyperv", NULL, "/dev/kmsg",
	  "Hyper-V: Isolation Config: Group A 0x1, Group B 0xba2\n" },
	{ "log-hyperv-vbs", NULL, "/dev/kmsg",
	  "Hyper-V: Isolation Config: Group A 0x1, Group B 0x1\n" },
	{ "log-rme", NULL, "/dev/kmsg", "RME: Using RSI version 1.0\n" },
	{ "arm-cca", "/sys/devices/platform", "/sys/devices/platform/arm-cca-dev", NULL },
	{ "arm-rsi", "/sys/devices/platform", "/sys/devices/platform/arm-rsi-dev", NULL },
	{ "s390-pv", "/sys/firmware", "/sys/firmware/uv/prot_virt_guest", "1\n" },
	{ "ppc-svm", "/sys/devices/system/cpu", "/sys/devices/system/cpu/svm", "1\n" },
};

#define N_FAKES (sizeof(fakes) / sizeof(fakes[0]))

static int put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int ok;

	if (fd < 0) {
		printf("init: %s: %s\n", path, strerror(errno));
		return 1;
	}
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	if (!ok)
		printf("init: write %s: %s\n", path, strerror(errno));
	close(fd);
	return !ok;
}

static int fake(const char *sig)
{
	char dir[256], *slash;
	unsigned int i;

	for (i = 0; i < N_FAKES && strcmp(fakes[i].sig, sig); i++)
		;
	if (i == N_FAKES) {
		printf("init: unknown signal %s\n", sig);
		return 1;
	}
	if (fakes[i].mount) {
		if (mount("none", fakes[i].mount, "tmpfs", 0, NULL)) {
			printf("init: mount tmpfs on %s: %s\n", fakes[i].mount, strerror(errno));
			return 1;
		}
		/* the parent of @path, below the tmpfs */
		snprintf(dir, sizeof(dir), "%s", fakes[i].path);
		slash = strrchr(dir, '/');
		*slash = '\0';
		if (strcmp(dir, fakes[i].mount) && mkdir(dir, 0755))
			return 1;
	}
	if (!fakes[i].text)
		return mkdir(fakes[i].path, 0755) != 0;
	return put(fakes[i].path, fakes[i].text);
}

static int unfake(void)
{
	unsigned int i;

	for (i = 0; i < N_FAKES; i++) {
		if (fakes[i].mount)
			umount(fakes[i].mount);
		else if (strcmp(fakes[i].path, "/dev/kmsg"))
			unlink(fakes[i].path);
	}
	return klogctl(5 /* SYSLOG_ACTION_CLEAR */, NULL, 0) < 0;
}

#define NOBODY	65534
#define KSELFTEST_DIR	"/kselftest/devmem"

enum who { ROOT, NOBODY_USER, NO_RAWIO };

/*
 * The installed kselftest, in its directory, as @who: root, uid and gid
 * NOBODY with no supplementary groups, or root without CAP_SYS_RAWIO:
 * its exit code.
 */
static int kselftest(enum who who)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (chdir(KSELFTEST_DIR)) {
			printf("init: cd %s: %s\n", KSELFTEST_DIR, strerror(errno));
			_exit(127);
		}
		if (who == NOBODY_USER && (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))) {
			printf("init: cannot become %d: %s\n", NOBODY, strerror(errno));
			_exit(127);
		}
		if (who == NO_RAWIO && prctl(PR_CAPBSET_DROP, CAP_SYS_RAWIO, 0, 0, 0)) {
			printf("init: cannot drop CAP_SYS_RAWIO: %s\n", strerror(errno));
			_exit(127);
		}
		execl("./devmem", "devmem", (char *)NULL);
		printf("init: exec %s/devmem: %s\n", KSELFTEST_DIR, strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Mount securityfs on /sys/kernel/security when @on, else unmount it. */
static int securityfs(int on)
{
	static const char dir[] = "/sys/kernel/security";

	if (on ? mount("none", dir, "securityfs", 0, NULL) : umount(dir)) {
		printf("init: %s %s: %s\n", on ? "mount securityfs on" : "umount", dir,
		       strerror(errno));
		return 1;
	}
	return 0;
}

static char *fuzz_args;	/* devmem_fuzz=, on the command line */

/*
 * /fuzz with the words of devmem_fuzz=, only the kernel's emergencies on
 * the console meanwhile (no message cuts its lines), then what the kernel
 * logged while it ran, between markers: its exit code.
 */
static int fuzz(void)
{
	static char log[1 << 17], args[512];
	char *argv[5] = { "fuzz" }, *save;
	int status, level, n, i = 1;
	pid_t pid;
	FILE *f = fopen("/proc/sys/kernel/printk", "r");

	if (!f || fscanf(f, "%d", &level) != 1)
		level = 4;
	if (f)
		fclose(f);
	snprintf(args, sizeof(args), "%s", fuzz_args ? fuzz_args : "");
	for (char *w = strtok_r(args, ":", &save); w && i < 4; w = strtok_r(NULL, ":", &save))
		argv[i++] = w;
	klogctl(5 /* SYSLOG_ACTION_CLEAR */, NULL, 0);
	klogctl(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, 1);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv("/fuzz", argv);
		printf("init: exec /fuzz: %s\n", strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		status = 1 << 8;
	klogctl(8, NULL, level);
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, sizeof(log));
	printf("@@KERNEL-LOG BEGIN\n%.*s@@KERNEL-LOG END\n", n > 0 ? n : 0, log);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int step(const char *s)
{
	if (!strcmp(s, "test"))
		return kselftest(ROOT);
	if (!strcmp(s, "user"))
		return kselftest(NOBODY_USER);
	if (!strcmp(s, "norawio"))
		return kselftest(NO_RAWIO);
	if (!strcmp(s, "unsecfs"))
		return securityfs(0);
	if (!strcmp(s, "secfs"))
		return securityfs(1);
	if (!strncmp(s, "fake-", 5))
		return fake(s + 5);
	if (!strcmp(s, "unfake"))
		return unfake();
	if (!strcmp(s, "fuzz"))
		return fuzz();
	printf("init: unknown step %s\n", s);
	return 1;
}

int main(void)
{
	static char cmdline[4096];
	char *steps = NULL, *s, *save;
	int fd, n = 0, rc;
	ssize_t len;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sys", "/sys", "sysfs", 0, NULL);
	mount("dev", "/dev", "devtmpfs", 0, NULL);
	mount("none", "/sys/kernel/security", "securityfs", 0, NULL);
	mkdir("/tmp", 01777);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("\n");	/* a line of its own after the firmware's output */
	printf("@@RUNNER none: no shell for run_kselftest.sh; the kselftest runs as %s/devmem\n",
	       KSELFTEST_DIR);

	fd = open("/proc/cmdline", O_RDONLY);
	len = fd < 0 ? -1 : read(fd, cmdline, sizeof(cmdline) - 1);
	cmdline[len > 0 ? len : 0] = '\0';
	for (s = strtok_r(cmdline, " \n", &save); s; s = strtok_r(NULL, " \n", &save))
		if (!strncmp(s, "devmem_steps=", 13))
			steps = s + 13;
		else if (!strncmp(s, "devmem_fuzz=", 12))
			fuzz_args = s + 12;

	for (s = steps ? strtok_r(steps, ",", &save) : NULL; s;
	     s = strtok_r(NULL, ",", &save)) {
		n++;
		printf("@@STEP %d %s BEGIN\n", n, s);
		rc = step(s);
		fflush(stdout);
		printf("@@STEP %d %s END rc=%d\n", n, s, rc);
	}
	printf("@@DONE\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
