/**
 * `qhci host maintenance` as a user runs it, on the testbed's two real hosts: kvm-b with two small VMs on
 * overlays (one running, one shut off) and a template. --plan prints both moving to kvm-a and the template
 * that cannot move; --enter without --shut-down-stuck refuses and changes nothing; without --yes and no
 * terminal it refuses; with both it empties the host (the migrations' progress on stderr), `host list`
 * marks kvm-b, and --exit takes the mark away.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../../helpers/app';
import { runQhci } from '../../helpers/cli';
import { POOL, POOL_DIR, sshHostAddArgs, uniq } from '../../helpers/provision';
import { pathOnB, secondHost, virshB, type SecondHost } from '../../helpers/second-host';
import { quiet, stateOn, virshA } from '../../helpers/two-hosts';

const kvmB = secondHost();
const dataDir = tempDir('qhci-cli-maint-');
const qhci = (args: string[]) => runQhci(dataDir, args);

describe.skipIf(!kvmB.host)(`qhci host maintenance on a real host ${kvmB.reason}`, () => {
  let b: SecondHost;
  const tag = uniq('qhci-t-mntcli');
  const base = join(POOL_DIR, `${tag}-base.qcow2`);
  const [run, off, tpl] = ['run', 'off', 'tpl'].map((n) => `${tag}-${n}`) as [string, string, string];
  const disk = (name: string) => join(POOL_DIR, `${name}.qcow2`);
  const onB = (...a: string[]) => virshB(b, ...a);

  beforeAll(() => {
    b = kvmB.host!;
    const foreign = onB('list', '--all', '--name')
      .split('\n')
      .filter((n) => n.trim() !== '');
    // Entering maintenance moves every VM of the host: this test runs only on a kvm-b of its own.
    expect(foreign, 'kvm-b must define no other domain for this test').toEqual([]);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', pathOnB(b, base), '64M']);
    for (const name of [run, off, tpl]) {
      execFileSync(
        'qemu-img',
        ['create', '-q', '-u', '-f', 'qcow2', '-F', 'qcow2', '-b', base].concat([
          pathOnB(b, disk(name)),
          '64M',
        ]),
      );
      const xml = join(pathOnB(b, POOL_DIR), `${name}.xml`);
      execFileSync('sh', ['-c', 'cat > "$1"', 'sh', xml], {
        input: `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${disk(name)}'/>
  <target dev='vda' bus='virtio'/></disk></devices></domain>`,
      });
      onB('define', xml);
      execFileSync('rm', ['-f', xml]);
    }
    onB('pool-refresh', POOL);
    onB('start', run);
    for (const args of [
      ['host', 'add', 'kvm-a', '--uri', 'qemu:///system'],
      sshHostAddArgs('kvm-b'),
      ['vm', 'template', tpl, '--host', 'kvm-b'],
    ]) {
      const r = qhci(args);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
    }
  }, 180_000);

  afterAll(() => {
    quiet(() => qhci(['host', 'maintenance', 'kvm-b', '--exit']));
    for (const r of [virshA, onB]) {
      for (const name of [run, off, tpl]) {
        quiet(() => r('destroy', name));
        quiet(() => r('undefine', name));
      }
    }
    for (const f of [...[run, off, tpl].map(disk), base])
      quiet(() => execFileSync('rm', ['-f', '--', f, pathOnB(b, f)]));
    quiet(() => virshA('pool-refresh', POOL));
    quiet(() => onB('pool-refresh', POOL));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('--plan prints where each VM goes, what kvm-a receives and the template that cannot move', () => {
    const r = qhci(['host', 'maintenance', 'kvm-b', '--plan']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Emptying kvm-b: 2 of 3 VM(s) can move');
    expect(r.out).toMatch(new RegExp(`^${run}\\s+kvm-a\\s+\\d`, 'm'));
    expect(r.out).toMatch(new RegExp(`^${off}\\s+kvm-a\\s+\\d`, 'm'));
    expect(r.out).toMatch(/^kvm-a\s+2\s+2\s+128 MiB$/m);
    expect(r.out).toContain('Cannot move (1):');
    expect(r.out).toMatch(new RegExp(`^${tpl}\\s+.*template stays on its host`, 'm'));
  });

  it('--enter refuses while the template cannot move, and without --yes, changing nothing', () => {
    const stuck = qhci(['host', 'maintenance', 'kvm-b', '--enter', '--yes']);
    expect(stuck.code).toBe(1);
    expect(stuck.err).toContain('1 VM(s) cannot leave kvm-b; nothing changed. Add --shut-down-stuck');
    const unconfirmed = qhci(['host', 'maintenance', 'kvm-b', '--enter', '--shut-down-stuck']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.err).toContain(
      'This will put kvm-b in maintenance, migrate 2 VM(s) away and shut down 1 that cannot move. Add --yes',
    );
    expect(qhci(['host', 'list']).out).not.toContain('MAINTENANCE');
    expect(stateOn(onB, run)).toBe('running');
  });

  it('--enter --shut-down-stuck --yes empties kvm-b, host list marks it, --exit takes it back', () => {
    const r = spawnSync(
      join(REPO_ROOT, 'bin/qhci'),
      ['--data-dir', dataDir, 'host', 'maintenance', 'kvm-b', '--enter', '--shut-down-stuck', '--yes'],
      { encoding: 'utf8', input: '', timeout: 540_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('kvm-b is in maintenance; 2 VM(s) moved');
    // The migrations it started are followed on the same view as the task.
    expect(r.stderr).toContain(`Migrate VM ${run} to kvm-a: succeeded`);
    expect(r.stderr).toContain(`Migrate VM ${off} to kvm-a: succeeded`);
    expect(r.stderr).toContain('Enter maintenance on kvm-b: succeeded');
    expect(stateOn(virshA, run)).toBe('running');
    expect(stateOn(virshA, off)).toBe('shut off');
    expect(stateOn(onB, run)).toBeNull();
    expect(stateOn(onB, tpl)).toBe('shut off');
    expect(qhci(['host', 'list']).out).toMatch(/^kvm-b\s+ssh\s+\S+ MAINTENANCE/m);
    const exit = qhci(['host', 'maintenance', 'kvm-b', '--exit']);
    expect(exit.code, exit.err).toBe(0);
    expect(exit.out).toContain('kvm-b left maintenance: it takes new VMs again');
    expect(qhci(['host', 'list']).out).not.toContain('MAINTENANCE');
  }, 600_000);
});
