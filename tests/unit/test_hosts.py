# SPDX-License-Identifier: GPL-2.0
"""The real confidential guests of data/hosts (scripts/devmem_hosts.py): the
command line or the SKIP reason for canned host states, each beside a
control, one thing changed, that must get something else."""

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'scripts'))
import devmem_data as D  # noqa: E402
import devmem_hosts as H  # noqa: E402

SCRIPT = os.path.join(D.TOP, 'scripts', 'devmem_hosts.py')
BOOKWORM = ('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\n'
            'Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n')
SMBIOS = ['-smbios', 'type=0,vendor=devmem-harness,version=1.0']
TAIL = ['-m', '512M', '-smp', '1', '-nographic', '-no-reboot', '-nic', 'none',
        '-serial', 'mon:stdio', '-serial', 'file:c.log.steps',
        '-kernel', 'bzImage', '-initrd', 'initramfs.cpio.gz',
        '-append', 'console=ttyS0 panic=-1 quiet loglevel=4 DEVMEM_TEST_CC=1 devmem_steps=test']
TDX_ARGV = (['qemu-system-x86_64', '-accel', 'kvm',
             '-machine', 'q35,kernel-irqchip=split,confidential-guest-support=tdx0',
             '-object', 'tdx-guest,id=tdx0', '-cpu', 'host'] + SMBIOS
            + ['-bios', '/usr/share/ovmf/OVMF.inteltdx.fd'] + TAIL)
SNP_ARGV = (['qemu-system-x86_64', '-accel', 'kvm',
             '-machine', 'q35,confidential-guest-support=sev0,memory-backend=ram1',
             '-object', 'memory-backend-memfd,id=ram1,size=512M,share=true',
             '-object', 'sev-snp-guest,id=sev0,cbitpos=51,reduced-phys-bits=1',
             '-cpu', 'EPYC-v4'] + SMBIOS
            + ['-bios', '/usr/share/ovmf/OVMF.amdsev.fd'] + TAIL)


def state(row, **changes):
    """A host that can boot the kind, with changes."""
    s = {'kvm': True, 'kvm_writable': True, 'parameter': 'Y',
         'qemu_version': 'QEMU emulator version 10.1.2\n', 'bios': row['bios'], 'bios_exists': True}
    s.update(changes)
    return s


class HostsTest(unittest.TestCase):
    def setUp(self):
        self.rows = H.rows()
        self.guest = {g['guest']: g for g in D.load('guests')}['x86_64']

    def outcome(self, kind, st):
        """The argv of a boot, or the reason it is a SKIP."""
        row = self.rows[kind]
        why = H.decide(row, st)
        if why:
            return why
        return H.command(row, self.guest, st['bios'], 'bzImage', 'initramfs.cpio.gz',
                         'DEVMEM_TEST_CC=1 devmem_steps=test', 'c.log')

    def case(self, kind, st, want, control):
        """st gets want; control, one thing changed, gets something else."""
        got = self.outcome(kind, st)
        self.assertEqual(got, want)
        self.assertNotEqual(self.outcome(kind, control), got)

    def test_kinds(self):
        self.assertEqual(list(self.rows), ['tdx', 'snp'])
        self.assertEqual(self.rows['tdx']['min_qemu'], '10.1')
        self.assertEqual(self.rows['snp']['min_qemu'], '9.1')

    def test_tdx_capable(self):
        tdx = self.rows['tdx']
        self.case('tdx', state(tdx), TDX_ARGV, state(tdx, parameter='N'))

    def test_snp_capable(self):
        snp = self.rows['snp']
        self.case('snp', state(snp, qemu_version='QEMU emulator version 9.1.0\n'), SNP_ARGV,
                  state(snp, qemu_version='QEMU emulator version 9.0.2\n'))

    def test_snp_not_tdx(self):
        # The same host state, the other kind: another machine and firmware.
        self.assertNotEqual(self.outcome('snp', state(self.rows['snp'])),
                            self.outcome('tdx', state(self.rows['tdx'])))

    def test_no_kvm(self):
        tdx = self.rows['tdx']
        self.case('tdx', state(tdx, kvm=False, kvm_writable=False),
                  'no /dev/kvm: this host has no KVM', state(tdx))
        self.case('tdx', state(tdx, kvm_writable=False),
                  '/dev/kvm is not writable here', state(tdx))

    def test_parameter_n(self):
        tdx, snp = self.rows['tdx'], self.rows['snp']
        self.case('tdx', state(tdx, parameter='N'), "kvm_intel's tdx parameter is N", state(tdx))
        self.case('snp', state(snp, parameter='N'), "kvm_amd's sev_snp parameter is N",
                  state(snp, parameter='1'))
        self.case('snp', state(snp, parameter=None),
                  'no /sys/module/kvm_amd/parameters/sev_snp: kvm_amd is not loaded, '
                  'or has no sev_snp parameter', state(snp))

    def test_qemu_too_old(self):
        tdx, snp = self.rows['tdx'], self.rows['snp']
        self.case('tdx', state(tdx, qemu_version=BOOKWORM),
                  'QEMU 7.2 is older than 10.1, which TDX needs; Debian bookworm ships 7.2',
                  state(tdx, qemu_version='QEMU emulator version 10.1.0\n'))
        self.case('snp', state(snp, qemu_version=BOOKWORM),
                  'QEMU 7.2 is older than 9.1, which SNP needs; Debian bookworm ships 7.2',
                  state(snp))
        # 10.0 runs SNP, not TDX
        ten = 'QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2)\n'
        self.case('tdx', state(tdx, qemu_version=ten),
                  "QEMU 10.0 is older than 10.1, which TDX needs; this QEMU is Debian's",
                  state(tdx, qemu_version='QEMU emulator version 10.1.0\n'))
        self.assertIsInstance(self.outcome('snp', state(snp, qemu_version=ten)), list)
        self.case('tdx', state(tdx, qemu_version=None), 'no qemu-system-x86_64 on PATH', state(tdx))

    def test_firmware_missing(self):
        tdx = self.rows['tdx']
        self.case('tdx', state(tdx, bios_exists=False),
                  'no firmware /usr/share/ovmf/OVMF.inteltdx.fd (an OVMF built for TDX; '
                  'DEVMEM_TDX_BIOS names another)', state(tdx))

    def test_bios_override(self):
        tdx = self.rows['tdx']
        self.assertEqual(H.bios_path(tdx, {'DEVMEM_TDX_BIOS': '/srv/tdvf.fd'}), '/srv/tdvf.fd')
        self.assertEqual(H.bios_path(tdx, {'DEVMEM_SNP_BIOS': '/srv/snp.fd'}), tdx['bios'])

    def test_guest_not_booted(self):
        tdx = self.rows['tdx']
        self.assertEqual(H.decide(tdx, state(tdx), ['arm64']),
                         'this run boots no x86_64 guest, whose kernels TDX boots')
        self.assertIsNone(H.decide(tdx, state(tdx), ['x86_64', 'arm64']))

    def test_cells(self):
        lines = ['series-cc\tseries\tcc_sim_mem_encrypt DEVMEM_TEST_CC=1\ttest=cc\n',
                 'series-nonroot\tseries\tcc_sim_mem_encrypt\tuser=nonroot\n',
                 'base-cc-dd\tbase\tcc_sim_mem_encrypt\tlegacy-dd=model\n',
                 'kit-base-cc\tbase\tcc_sim_mem_encrypt\tfake-dev-tdx-guest kit=HOLE\n']
        self.assertEqual(H.host_cells(self.rows['tdx'], lines),
                         ['series-cc\tseries\tDEVMEM_TEST_CC=1\ttest=cc',
                          'series-nonroot\tseries\t-\tuser=nonroot',
                          'kit-base-cc\tbase\t-\tkit=HOLE'])


class FakeRootTest(unittest.TestCase):
    """probe() and the dry run on a fake root."""

    def setUp(self):
        self.root = tempfile.mkdtemp()
        for p in ('dev/kvm', 'usr/share/ovmf/OVMF.inteltdx.fd'):
            self.put(p, '')
        self.put('sys/module/kvm_intel/parameters/tdx', 'Y\n')

    def tearDown(self):
        shutil.rmtree(self.root)

    def put(self, p, text):
        p = os.path.join(self.root, p)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w', encoding='utf-8') as f:
            f.write(text)

    def dry_run(self, version='QEMU emulator version 10.1.0'):
        env = dict(os.environ)
        env.pop('DEVMEM_TDX_BIOS', None)
        return subprocess.run([sys.executable, SCRIPT, '--dry-run', '--root', self.root,
                               '--qemu-version', version, 'tdx', '--', 'bzImage',
                               'initramfs.cpio.gz', 'DEVMEM_TEST_CC=1 devmem_steps=test', 'c.log'],
                              capture_output=True, text=True, env=env)

    def test_probe(self):
        row = H.rows()['tdx']
        st = H.probe(row, self.root, 'QEMU emulator version 10.1.0', row['bios'])
        self.assertEqual((st['kvm'], st['kvm_writable'], st['parameter'], st['bios_exists']),
                         (True, True, 'Y', True))
        os.unlink(os.path.join(self.root, 'dev/kvm'))
        self.assertFalse(H.probe(row, self.root, '', row['bios'])['kvm'])

    def test_dry_run(self):
        p = self.dry_run()
        self.assertEqual((p.returncode, p.stdout), (0, shlex.join(TDX_ARGV) + '\n'))
        # control: no firmware, a SKIP and its reason, no command
        os.unlink(os.path.join(self.root, 'usr/share/ovmf/OVMF.inteltdx.fd'))
        p = self.dry_run()
        self.assertEqual(p.returncode, 1)
        self.assertTrue(p.stdout.startswith('no firmware /usr/share/ovmf/OVMF.inteltdx.fd'))

    def test_dry_run_old_qemu(self):
        p = self.dry_run(BOOKWORM)
        self.assertEqual((p.returncode, p.stdout),
                         (1, 'QEMU 7.2 is older than 10.1, which TDX needs; Debian bookworm ships 7.2\n'))

    def test_check(self):
        args = [sys.executable, SCRIPT, '--check', '--root', self.root,
                '--qemu-version', 'QEMU emulator version 10.1.0', 'tdx']
        self.assertEqual(subprocess.run(args, capture_output=True).returncode, 0)
        self.put('sys/module/kvm_intel/parameters/tdx', 'N\n')
        p = subprocess.run(args, capture_output=True, text=True)
        self.assertEqual((p.returncode, p.stdout), (1, "kvm_intel's tdx parameter is N\n"))


class TableTest(unittest.TestCase):
    """data/hosts: a guest or a cell that is not a row is refused."""

    def setUp(self):
        self.top = tempfile.mkdtemp()
        shutil.copytree(os.path.join(D.TOP, 'data'), os.path.join(self.top, 'data'))

    def tearDown(self):
        shutil.rmtree(self.top)

    def refused(self, old, new, text):
        p = os.path.join(self.top, 'data', 'hosts')
        with open(p, encoding='utf-8') as f:
            s = f.read()
        self.assertIn(old, s)
        with open(p, 'w', encoding='utf-8') as f:
            f.write(s.replace(old, new, 1))
        with self.assertRaises(D.DataError) as e:
            D.check_all(self.top)
        self.assertIn(text, str(e.exception))

    def test_ours_pass(self):
        self.assertEqual([h['host'] for h in D.check_all(self.top)['hosts']], ['tdx', 'snp'])

    def test_bad_guest(self):
        self.refused('tdx\tx86_64', 'tdx\triscv64', "tdx: guest 'riscv64', not a row of data/guests")

    def test_bad_cell(self):
        self.refused('series-cc series-cc-paths', 'series-cc-typo series-cc-paths',
                     "cell 'series-cc-typo', not a row of data/cells")

    def test_bad_version(self):
        self.refused('\t10.1\t', '\tten\t', "'ten' in column min_qemu")


if __name__ == '__main__':
    unittest.main()
