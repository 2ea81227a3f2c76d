import { afterEach, describe, expect, it } from 'vitest';
import type { HostDriver } from '../hosts/driver';
import { spawnLocalVirsh } from '../hosts/local-process';
import { virshArgsProblem } from '../hosts/virsh';
import { VirshSessions } from '../hosts/virsh-session';
import { HostOps } from './host-ops';

/** Names virsh would read as options (or that would split a command line) if passed by position. */
const HOSTILE = ['--vol=base.qcow2', '--pool=other', '--', '-x', "a b'; vol-delete base.qcow2 #"];

/** A driver that records every virsh argv and answers like a successful virsh. */
function recording() {
  const calls: string[][] = [];
  const driver = {
    kind: 'libvirt',
    uri: 'test:///default',
    virsh: (args: readonly string[]) => {
      calls.push([...args]);
      return Promise.resolve(
        args[0] === 'vol-info' ? 'Physical: 1\n' : args[0] === 'qemu-agent-command' ? '{"return":{}}' : '',
      );
    },
    virshBatch: (commands: readonly (readonly string[])[]) => {
      calls.push(...commands.map((c) => [...c]));
      return Promise.resolve(commands.map(() => ({ ok: true as const, out: '' })));
    },
  } as unknown as HostDriver;
  return { calls, ops: new HostOps(driver) };
}

describe('HostOps passes every name as the value of its option', () => {
  it.each(HOSTILE)('%s', async (name) => {
    const { calls, ops } = recording();
    await ops.volumeExists(name, name);
    await ops.volumePath(name, name);
    await ops.refreshPool(name);
    await ops.deleteVolume(name, name);
    await ops.deleteVolumeAt(`/pool/${name}`);
    await ops.uploadFromHost(name, name, `/tmp/${name}`);
    await ops.uploadBytes(name, name, Buffer.from('x'));
    await ops.physicalBytes(name, name);
    await ops.start(name);
    await ops.domainState(name);
    await ops.agentAddresses(name);
    await ops.batch([HostOps.pathArgs(name, name)]);
    expect(calls.length).toBeGreaterThan(10);
    for (const c of calls) {
      expect(virshArgsProblem(c), c.join(' ')).toBeNull();
      // The name only ever follows its option.
      c.forEach((a, i) => {
        if (a === name) expect(c[i - 1], c.join(' ')).toMatch(/^--(vol|pool|domain|name|file)$/);
      });
    }
    expect(calls).toContainEqual(['vol-delete', '--pool', name, '--vol', name]);
    expect(calls).toContainEqual(['vol-path', '--pool', name, '--vol', name]);
  });

  it('builds vol-create-as with named options, and refuses a new name that starts with "-"', () => {
    expect(
      HostOps.createArgs({
        pool: '--pool=x',
        name: 'disk0.qcow2',
        capacityBytes: 1024,
        format: 'qcow2',
        backing: { path: '/p/base', format: 'qcow2' },
      }),
    ).toEqual([
      'vol-create-as',
      '--pool',
      '--pool=x',
      '--name',
      'disk0.qcow2',
      '--capacity',
      '1024',
      '--format',
      'qcow2',
      '--backing-vol',
      '/p/base',
      '--backing-vol-format',
      'qcow2',
    ]);
    expect(() =>
      HostOps.createArgs({ pool: 'p', name: '--vol=base', capacityBytes: 1, format: 'raw' }),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION', field: 'name' }));
  });
});

describe('HostOps on the libvirt test driver', () => {
  const sessions: VirshSessions[] = [];
  afterEach(() => {
    for (const s of sessions.splice(0)) s.close();
  });

  /** HostOps over one interactive virsh: the test driver keeps its state per connection. */
  function opsOnTestDriver() {
    const s = new VirshSessions(() => spawnLocalVirsh('test:///default'), { max: 1 });
    sessions.push(s);
    const driver = {
      kind: 'libvirt',
      uri: 'test:///default',
      virsh: (args: readonly string[], o?: { timeoutMs?: number }) => s.run(args, o),
      virshBatch: (c: readonly (readonly string[])[], o?: { timeoutMs?: number }) => s.batch(c, o),
    } as unknown as HostDriver;
    return { ops: new HostOps(driver), run: (args: string[]) => s.run(args) };
  }

  it('deleting a volume named "--vol=base.qcow2" deletes it, not base.qcow2', async () => {
    const { ops, run } = opsOnTestDriver();
    const pool = 'default-pool';
    await ops.createVolume({ pool, name: 'base.qcow2', capacityBytes: 1024 ** 2, format: 'raw' });
    // Made on the host by someone else (the app refuses such new names).
    for (const n of HOSTILE) await run(['vol-create-as', '--pool', pool, '--name', n, '--capacity', '1M']);
    for (const n of HOSTILE) {
      expect(await ops.volumeExists(pool, n)).toBe(true);
      expect(await ops.volumePath(pool, n)).toBe(`/default-pool/${n}`);
      expect(await ops.deleteVolume(pool, n)).toBe('deleted');
      expect(await ops.volumeExists(pool, n)).toBe(false);
      expect(await ops.volumeExists(pool, 'base.qcow2')).toBe(true);
    }
  });
});
