/**
 * `qhci vm set` as a user runs it (a real process per command, the testbed's qemu:///system): --dry-run
 * prints the XML diff and the live/next-boot table and changes nothing; a change is made with progress on
 * stderr and read back with virsh; deleting a volume needs --yes without a terminal; bad flags and hostile
 * names exit 2 with the reason, and nothing changes.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VmSettingsPreview } from '../../../src/shared/domain/vm-settings';
import { tempDir } from '../../helpers/app';
import { runQhci } from '../../helpers/cli';
import { virsh } from '../../helpers/domains';
import { POOL, POOL_DIR } from '../../helpers/provision';
import { defineSettingsVm, removeSettingsVm, vmVolumes, type SettingsVm } from '../../helpers/settings';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

const dataDir = tempDir('qhci-cli-set-');
const qhci = (args: string[]) => runQhci(dataDir, args);

describe.skipIf(!testbed)(`qhci vm set on the testbed ${NO_TESTBED}`, () => {
  let vm: SettingsVm;

  beforeAll(() => {
    vm = defineSettingsVm();
    expect(qhci(['host', 'add', 'local', '--uri', 'qemu:///system']).code).toBe(0);
  }, 60_000);
  afterAll(() => {
    removeSettingsVm(vm);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('--dry-run shows the diff and the table, and changes nothing', () => {
    const before = virsh('dumpxml', '--inactive', vm.uuid);
    const r = qhci([
      'vm',
      'set',
      vm.name,
      '--vcpus',
      '2',
      '--memory',
      '192M',
      '--add-disk',
      `${POOL}:32M`,
      '--dry-run',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${vm.name} (not running)`);
    expect(r.out).toMatch(/1\s+vCPUs 1 → 2\s+next boot/);
    expect(r.out).toMatch(/2\s+Memory 128 MiB → 192 MiB\s+next boot/);
    expect(r.out).toContain(`new volumes: ${POOL}/${vm.name}-disk1.qcow2`);
    expect(r.out).toMatch(/growth on host local: fits/);
    expect(r.out).toMatch(/^-\s*<vcpu placement="static" current="1">4<\/vcpu>$/m);
    expect(r.out).toMatch(/^\+\s*<vcpu placement="static" current="2">4<\/vcpu>$/m);
    expect(r.out).toContain(`+      <source file="${POOL_DIR}/${vm.name}-disk1.qcow2"/>`);
    const json = JSON.parse(
      qhci(['--json', 'vm', 'set', vm.name, '--vcpus', '2', '--dry-run']).out,
    ) as VmSettingsPreview;
    expect(json).toMatchObject({
      running: false,
      refusals: [],
      changes: [{ kind: 'vcpus', effect: 'next-boot' }],
    });
    expect(virsh('dumpxml', '--inactive', vm.uuid)).toBe(before);
    expect(vmVolumes(vm)).toEqual([`${vm.name}.qcow2`]);
  });

  it('makes the change, with progress on stderr', () => {
    const r = qhci([
      'vm',
      'set',
      vm.name,
      '--vcpus',
      '2:6',
      '--memory',
      '192M:320M',
      '--add-disk',
      `${POOL}:32M`,
      '--description',
      'set by the CLI',
      '--label',
      'env=test',
      '--autostart',
      'on',
    ]);
    expect(r.err).toMatch(/Read the VM again, plan the change and book its growth done/);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${vm.name} changed`);
    expect(r.out).toContain('vCPUs 1 → 2 (maximum 4 → 6): next boot');
    const x = virsh('dumpxml', '--inactive', vm.uuid);
    expect(x).toContain("<vcpu placement='static' current='2'>6</vcpu>");
    expect(x).toContain("<memory unit='KiB'>327680</memory>");
    expect(x).toContain(`<source file='${POOL_DIR}/${vm.name}-disk1.qcow2'/>`);
    expect(x).toContain('<description>set by the CLI</description>');
    expect(virsh('dominfo', vm.uuid)).toMatch(/Autostart:\s+enable/);
    expect(qhci(['vm', 'show', vm.name]).out).toMatch(/labels:\s+env=test/);
  });

  it('deleting a volume needs --yes when nobody can be asked', () => {
    const no = qhci(['vm', 'set', vm.name, '--detach-disk', 'vdb', '--delete-volume']);
    expect(no.code).toBe(2);
    expect(no.err).toContain(`This will delete the volume of disk vdb of ${vm.name}. Add --yes to go ahead.`);
    expect(vmVolumes(vm)).toContain(`${vm.name}-disk1.qcow2`);
    const yes = qhci([
      'vm',
      'set',
      vm.name,
      '--detach-disk',
      'vdb',
      '--delete-volume',
      '--yes',
      '--autostart',
      'off',
    ]);
    expect(yes.code).toBe(0);
    expect(virsh('dumpxml', '--inactive', vm.uuid)).not.toContain(`${vm.name}-disk1.qcow2`);
    expect(vmVolumes(vm)).toEqual([`${vm.name}.qcow2`]);
  });

  it('bad flags and hostile names exit 2 with the reason, and nothing changes', () => {
    const before = virsh('dumpxml', '--inactive', vm.uuid);
    const cases: [string[], RegExp][] = [
      [['--vcpus', 'many'], /--vcpus: "many" is not N\[:MAX\]/],
      [['--add-disk=--pool=x:1G'], /Pool name may not start with "-"/],
      [['--add-disk', '--pool=x:1G'], /Option '--add-disk' argument is ambiguous/],
      [['--add-nic=--network=default'], /Network name may not start with "-"/],
      [['--attach-volume', `${POOL}/--vol=x.qcow2`], /Volume name/],
      [['--grow-disk', 'vda;reboot:1G'], /A disk target is vd, sd, hd or xvd/],
      [['--autostart', 'maybe'], /on or off/],
      [[], /Name at least one change/],
    ];
    for (const [flags, message] of cases) {
      const r = qhci(['vm', 'set', vm.name, ...flags]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
    const refused = qhci(['vm', 'set', vm.name, '--add-nic', 'qhci-t-no-such-net']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("refused (change 1): Network qhci-t-no-such-net is not on the VM's host");
    expect(virsh('dumpxml', '--inactive', vm.uuid)).toBe(before);
  });
});
