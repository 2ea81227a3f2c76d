/**
 * `qhci vm migrate` as a user runs it: a real process against the testbed's two real libvirt hosts, kvm-a
 * (this machine's libvirtd) and kvm-b (over SSH). A small running domain (no guest OS) on a qcow2 overlay
 * over a base: --dry-run shows the preflight and moves nothing; a failing check (a VM of that name on
 * kvm-b) refuses with it; without --yes and no terminal it refuses; with --yes it migrates live, progress on
 * stderr, and the VM is then listed on kvm-b.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/app';
import { runQhci } from '../../helpers/cli';
import { POOL, POOL_DIR, sshHostAddArgs, uniq } from '../../helpers/provision';
import { pathOnB, secondHost, virshB, type SecondHost } from '../../helpers/second-host';
import { defineOverlayVm } from '../../helpers/templates';
import { quiet, stateOn, virshA } from '../../helpers/two-hosts';

const kvmB = secondHost();
const dataDir = tempDir('qhci-cli-migrate-');
const qhci = (args: string[]) => runQhci(dataDir, args);

describe.skipIf(!kvmB.host)(`qhci vm migrate between two real hosts ${kvmB.reason}`, () => {
  let b: SecondHost;
  const base = join(POOL_DIR, `${uniq('qhci-t-migclibase')}.qcow2`);
  let vm: { name: string; disk: string };
  const onB = (...a: string[]) => virshB(b, ...a);

  beforeAll(() => {
    b = kvmB.host!;
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '64M']);
    vm = defineOverlayVm(base, 'qhci-t-migcli');
    virshA('start', vm.name);
    const a = qhci(['host', 'add', 'kvm-a', '--uri', 'qemu:///system']);
    expect(a.code, a.err).toBe(0);
    const added = qhci(sshHostAddArgs('kvm-b'));
    expect(added.code, added.err).toBe(0);
  }, 120_000);

  afterAll(() => {
    for (const run of [virshA, onB]) {
      quiet(() => run('destroy', vm.name));
      quiet(() => run('undefine', vm.name));
    }
    for (const f of [vm.disk, base]) quiet(() => execFileSync('rm', ['-f', '--', f, pathOnB(b, f)]));
    quiet(() => virshA('pool-refresh', POOL));
    quiet(() => onB('pool-refresh', POOL));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('--dry-run prints the preflight and what will be copied, and moves nothing', () => {
    const r = qhci(['vm', 'migrate', vm.name, '--to', 'kvm-b', '--dry-run']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`Migrate ${vm.name} from kvm-a to kvm-b: live (disks travel host to host)`);
    expect(r.out).toMatch(/^STATUS\s+CHECK\s+DETAIL$/m);
    // The base is missing on kvm-b: a "todo" line, and a copy of it before the overlay.
    expect(r.out).toMatch(new RegExp(`^todo\\s+.*${base.replace(/[.]/g, '\\.')}`, 'm'));
    expect(r.out).toMatch(new RegExp(`^base\\s+\\S+ \\S+\\s+${base}$`, 'm'));
    expect(r.out).toMatch(new RegExp(`^overlay\\s+\\S+ \\S+\\s+${vm.disk}$`, 'm'));
    expect(r.out).not.toMatch(/^FAIL/m);
    expect(stateOn(virshA, vm.name)).toBe('running');
    expect(stateOn(onB, vm.name)).toBeNull();
    expect(existsSync(pathOnB(b, base))).toBe(false);
  });

  it('refuses with the failing checks when kvm-b has a VM of that name', () => {
    const file = join(dataDir, 'squatter.xml');
    writeFileSync(
      file,
      `<domain type='qemu'><name>${vm.name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`,
    );
    onB('define', file);
    try {
      const r = qhci(['vm', 'migrate', vm.name, '--to', 'kvm-b', '--yes']);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^FAIL\s+Name\s+/m);
      expect(r.err).toMatch(new RegExp(`cannot migrate to kvm-b:\\n  Name: .*${vm.name}`));
      expect(r.out).toBe('');
    } finally {
      onB('undefine', vm.name);
    }
    expect(stateOn(virshA, vm.name)).toBe('running');
    expect(existsSync(pathOnB(b, base))).toBe(false);
  });

  it('refuses a bad transport, and asks for --yes without a terminal', () => {
    const bad = qhci(['vm', 'migrate', vm.name, '--to', 'kvm-b', '--transport', 'carrier-pigeon']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Transport must be auto, direct or console/);
    const unconfirmed = qhci(['vm', 'migrate', vm.name, '--to', 'kvm-b']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.err).toMatch(/This will migrate .* \(live\) to kvm-b\. Add --yes to go ahead/);
    expect(unconfirmed.err).toMatch(/^STATUS\s+CHECK/m);
    expect(stateOn(onB, vm.name)).toBeNull();
  });

  it('migrates live with --yes, following the task, and the VM is then on kvm-b', () => {
    const r = qhci(['vm', 'migrate', vm.name, '--to', 'kvm-b', '--yes']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`Migrated ${vm.name} to kvm-b (live)`);
    expect(r.err).toMatch(/Move the VM .* done: VM .* runs on kvm-b/);
    expect(r.err).toMatch(/: succeeded$/m);
    expect(stateOn(onB, vm.name)).toBe('running');
    expect(stateOn(virshA, vm.name)).toBeNull();
    expect(existsSync(pathOnB(b, vm.disk))).toBe(true);
    const list = qhci(['vm', 'list', '--host', 'kvm-b']);
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(new RegExp(`^${vm.name}\\s+kvm-b\\s+running`, 'm'));
  }, 150_000);
});
