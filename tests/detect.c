// SPDX-License-Identifier: GPL-2.0
/*
 * Test only: the devmem kselftest's detection, cc_decide(), on canned
 * inputs, with no I/O. It includes a tree's copy of the kselftest:
 * scripts/kselftest builds it with -I <tree>/tools/testing/selftests/devmem,
 * so that devmem.c and the "../kselftest_harness.h" it includes are the
 * tree's. Each case is a struct cc_inputs, as cc_gather() would fill it,
 * and the decision it must give: plain or confidential, and for
 * confidential a word of the reason, which names the signal that decided.
 *
 *   detect                run every case: one KTAP line each; exit 1 when
 *                         any decision differs from its expectation
 *   detect --list         the cases' names, one a line
 *   detect --invert NAME  the same, with NAME's expected decision
 *                         inverted: the control, which must fail, naming
 *                         NAME in a "not ok" line
 * Bad arguments exit 2.
 */
#define main devmem_main	/* TEST_HARNESS_MAIN defines main */
#include "devmem.c"
#undef main

#define HV_LINE	"[    0.000000] Hyper-V: Isolation Config: Group A 0x1, Group B "

struct detect_case {
	const char *name;
	struct cc_inputs in;
	bool cc;		/* the expected decision */
	const char *why;	/* a confidential one's reason has this */
};

static const struct detect_case cases[] = {
	/* No signal, or what a host or a plain guest shows: plain. */
	{ "nothing", { 0 }, false },
	{ "sev-flags-without-hypervisor",	/* an SEV host */
	  { .flags = " fpu vme de pse tsc msr pae sme sev sev_es sev_snp" }, false },
	{ "hypervisor-flag-alone", { .flags = " fpu vme de hypervisor lahf_lm" }, false },
	{ "flags-that-only-contain-the-words",
	  { .flags = " hypervisor xsev sev_host tdx_guests" }, false },
	{ "cpuid-sev-without-hypervisor",	/* an SEV host: SME, SEV, SEV-ES, SNP */
	  { .sev = 0x1b }, false },
	{ "cpuid-sme-only-with-hypervisor", { .sev = 0x1, .hypervisor = true }, false },
	{ "hyperv-log-type-0", { .klog = HV_LINE "0xba0\n" }, false },
	{ "hyperv-log-without-group-b",
	  { .klog = "Hyper-V: Isolation Config: Group A 0x1\n" }, false },
	{ "log-sme-host",
	  { .klog = "[    0.000000] Memory Encryption Features active: AMD SME\n" }, false },

	/* /proc/cpuinfo flags */
	{ "tdx-guest-flag",
	  { .flags = " fpu vme de hypervisor tdx_guest fsgsbase" }, true, "tdx_guest" },
	{ "tdx-guest-flag-last", { .flags = " fpu hypervisor tdx_guest" }, true, "tdx_guest" },
	{ "sev-flag-with-hypervisor",
	  { .flags = " fpu hypervisor sev" }, true, "sev flags" },
	{ "sev-es-flag-with-hypervisor",
	  { .flags = " fpu hypervisor sev_es lahf_lm" }, true, "sev flags" },
	{ "sev-snp-flag-with-hypervisor",
	  { .flags = " sev_snp fpu hypervisor" }, true, "sev flags" },

	/* CPUID and the SEV_STATUS MSR */
	{ "cpuid-0x21-inteltdx", { .tdx = true }, true, "IntelTDX" },
	{ "cpuid-sev-with-hypervisor",
	  { .sev = 0x2, .hypervisor = true }, true, "0x8000001F" },
	{ "sev-status-sev", { .sev_status = 0x1 }, true, "MSR is 0x1" },
	{ "sev-status-sev-es", { .sev_status = 0x2 }, true, "MSR is 0x2" },
	{ "sev-status-snp", { .sev_status = 0x4 }, true, "MSR is 0x4" },

	/* Hyper-V isolation, by CPUID 0x4000000C or by the kernel's line */
	{ "hyperv-cpuid-type-1-vbs", { .hv_iso = 1 }, true, "isolation type 1" },
	{ "hyperv-cpuid-type-2-snp", { .hv_iso = 2 }, true, "isolation type 2" },
	{ "hyperv-cpuid-type-3-tdx", { .hv_iso = 3 }, true, "isolation type 3" },
	{ "hyperv-log-type-2", { .klog = HV_LINE "0xba2\n" }, true, "isolation type 2" },
	{ "hyperv-log-type-1", { .klog = HV_LINE "0x1\n" }, true, "isolation type 1" },
	{ "hyperv-log-type-3", { .klog = HV_LINE "0xba3\n" }, true, "isolation type 3" },
	{ "hyperv-cpuid-over-log",
	  { .hv_iso = 3, .klog = HV_LINE "0xba2\n" }, true, "isolation type 3" },

	/* The kernel's lines */
	{ "log-tdx",
	  { .klog = "[    0.000000] Memory Encryption Features active: Intel TDX\n" },
	  true, "Intel TDX" },
	{ "log-sev",
	  { .klog = "[    0.000000] Memory Encryption Features active: AMD SEV SEV-ES SEV-SNP\n" },
	  true, "AMD SEV" },
	{ "log-rme", { .klog = "[    0.000000] RME: Using RSI version 1.0\n" }, true, "RSI" },

	/* The devices that exist, the files that read 1 */
	{ "node-dev-sev-guest", { .node = "/dev/sev-guest" }, true, "/dev/sev-guest" },
	{ "node-platform-sev-guest", { .node = "/sys/devices/platform/sev-guest" },
	  true, "/sys/devices/platform/sev-guest" },
	{ "node-dev-tdx-guest", { .node = "/dev/tdx_guest" }, true, "/dev/tdx_guest" },
	{ "node-misc-tdx-guest", { .node = "/sys/class/misc/tdx_guest" },
	  true, "/sys/class/misc/tdx_guest" },
	{ "node-arm-cca-dev", { .node = "/sys/devices/platform/arm-cca-dev" },
	  true, "arm-cca-dev" },
	{ "one-s390-prot-virt-guest", { .one = "/sys/firmware/uv/prot_virt_guest" },
	  true, "prot_virt_guest" },
	{ "one-powerpc-svm", { .one = "/sys/devices/system/cpu/svm" }, true, "svm" },
};

static const char *mode(bool cc)
{
	return cc ? "confidential" : "plain";
}

/* Case @i: 0 when cc_decide() gives what it expects (inverted if @invert). */
static int run_case(unsigned int i, bool invert)
{
	const struct detect_case *c = &cases[i];
	struct cc_inputs in = c->in;
	bool want = c->cc != invert, got;
	char why[WHY] = "";

	if (!in.flags)
		in.flags = "";
	if (!in.klog)
		in.klog = "";
	got = cc_decide(&in, why, sizeof(why));
	if (got != want) {
		printf("not ok %u %s: expected %s%s, got %s%s%s%s\n", i + 1,
		       c->name, mode(want), invert ? " (inverted)" : "",
		       mode(got), got ? " (" : "", got ? why : "", got ? ")" : "");
		return 1;
	}
	if (got && !invert && c->why && !strstr(why, c->why)) {
		printf("not ok %u %s: confidential, but for '%s', not '%s'\n",
		       i + 1, c->name, why, c->why);
		return 1;
	}
	printf("ok %u %s: %s%s%s%s\n", i + 1, c->name, mode(got),
	       got ? " (" : "", got ? why : "", got ? ")" : "");
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int i, j, bad = 0, n = ARRAY_SIZE(cases);
	const char *invert = NULL;
	bool found = false;

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(cases[i].name, cases[j].name)) {
				fprintf(stderr, "detect: case %s twice\n", cases[i].name);
				return 2;
			}
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (i = 0; i < n; i++)
			printf("%s\n", cases[i].name);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--invert")) {
		invert = argv[2];
	} else if (argc != 1) {
		fprintf(stderr, "usage: detect [--list | --invert NAME]\n");
		return 2;
	}
	for (i = 0; invert && i < n; i++)
		found |= !strcmp(cases[i].name, invert);
	if (invert && !found) {
		fprintf(stderr, "detect: no case %s\n", invert);
		return 2;
	}
	printf("TAP version 13\n1..%u\n", n);
	for (i = 0; i < n; i++)
		bad += run_case(i, invert && !strcmp(cases[i].name, invert));
	printf("# %u of %u cases as expected\n", n - bad, n);
	return bad ? 1 : 0;
}
