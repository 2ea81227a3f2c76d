import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../tests/helpers/app';
import type { BatchResult } from '../../hosts/virsh';
import type { HostOps } from '../host-ops';
import { readFacts } from './facts';

const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'tests/fixtures/virsh', name), 'utf8');
const DOMAIN = fixture('chain-domain.xml');
const DISK = '/var/lib/libvirt/images/web.qcow2';

/**
 * A host whose virsh answers from a table, recording the commands of each round trip (the batches sent
 * while none was answered yet travel together).
 */
function fakeHost(domainXml: string, state = 'running', driver: object = {}, daemon = '9.0.0') {
  const trips: string[][] = [];
  let waiting = 0;
  const answer = (cmd: readonly string[]): BatchResult => {
    const out: Record<string, string> = {
      dumpxml: domainXml,
      domstate: state,
      'snapshot-list': cmd.includes('--external') ? '' : 'base\n',
      capabilities: fixture('qemu-caps.xml'),
      version: `Running against daemon: ${daemon}`,
      'vol-pool': cmd[2] === DISK ? 'images' : '',
      'pool-refresh': '',
      'pool-info': 'Name: images\nAvailable:      1073741824\n',
    };
    return cmd[0] === 'vol-pool' && cmd[2] !== DISK
      ? { ok: false, error: 'no storage vol' }
      : { ok: true, out: out[cmd[0]!] ?? '' };
  };
  const ops = {
    driver,
    batch: async (commands: readonly (readonly string[])[]) => {
      if (waiting++ === 0) trips.push([]);
      trips.at(-1)!.push(...commands.map((c) => c[0]!));
      await Promise.resolve();
      waiting--;
      return commands.map(answer);
    },
  } as unknown as HostOps;
  return { ops, trips };
}

describe('reading what decides a snapshot', () => {
  it('reads the host in three round trips, and again under the lock in one', async () => {
    const { ops, trips } = fakeHost(DOMAIN);
    const first = await readFacts(ops, 'u', true);
    expect(trips).toHaveLength(3);
    expect(first.facts).toMatchObject({
      pool: 'images',
      poolFreeBytes: 1024 ** 3,
      libvirtVersion: '9.0.0',
      existingModes: ['internal'],
      vmState: 'running',
    });
    trips.length = 0;
    const again = await readFacts(ops, 'u', true, { since: first });
    expect(trips).toEqual([
      ['dumpxml', 'domstate', 'snapshot-list', 'snapshot-list', 'vol-pool', 'pool-refresh', 'pool-info'],
    ]);
    expect(first.facts.externalSupported).toBe(again.facts.externalSupported);
    expect(again.facts).toEqual(first.facts);
  });

  it('reads the pool again when the guess from before does not hold', async () => {
    const before = await readFacts(fakeHost(DOMAIN).ops, 'u', true);
    // The disk was swapped meanwhile: its pool is looked up, not guessed.
    const moved = DOMAIN.replace(DISK, '/srv/other.qcow2');
    const { ops, trips } = fakeHost(moved);
    const again = await readFacts(ops, 'u', true, { since: before });
    expect(trips.map((t) => t.at(-1))).toEqual(['pool-info', 'vol-pool']);
    expect(again.facts.pool).toBeNull();
    expect(again.domain.disks[0]?.source).toBe('/srv/other.qcow2');
  });

  it('a VM that stopped meanwhile needs no free space, and one that started needs it read', async () => {
    const off = await readFacts(fakeHost(DOMAIN, 'shut off').ops, 'u', true);
    expect(off.facts.poolFreeBytes).toBeNull();
    const { ops, trips } = fakeHost(DOMAIN, 'running');
    const again = await readFacts(ops, 'u', true, { since: off });
    expect(trips).toHaveLength(2);
    expect(again.facts.poolFreeBytes).toBe(1024 ** 3);
  });

  it("reads the capabilities once per host's libvirt version", async () => {
    const driver = {};
    const first = fakeHost(DOMAIN, 'shut off', driver);
    await readFacts(first.ops, 'u', false);
    expect(first.trips[0]).toContain('capabilities');
    const second = fakeHost(DOMAIN, 'shut off', driver);
    expect((await readFacts(second.ops, 'u', false)).facts.libvirtVersion).toBe('9.0.0');
    expect(second.trips.flat()).not.toContain('capabilities');
    // An upgraded libvirt may say otherwise: asked again.
    const upgraded = fakeHost(DOMAIN, 'shut off', driver, '10.0.0');
    expect((await readFacts(upgraded.ops, 'u', false)).facts.libvirtVersion).toBe('10.0.0');
    expect(upgraded.trips.map((t) => t.at(-1))).toEqual(['version', 'vol-pool', 'capabilities']);
  });

  it('looks for the pool only where the decision weighs it, when asked to', async () => {
    const { ops, trips } = fakeHost(DOMAIN, 'shut off');
    const read = await readFacts(ops, 'u', true, { pool: 'when-weighed' });
    expect(trips).toHaveLength(1);
    expect(read.facts).toMatchObject({ pool: null, poolFreeBytes: null });
    expect(read.seen.home).toBe(DISK);
  });
});
