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
function fakeHost(domainXml: string, state = 'running') {
  const trips: string[][] = [];
  let waiting = 0;
  const answer = (cmd: readonly string[]): BatchResult => {
    const out: Record<string, string> = {
      dumpxml: domainXml,
      domstate: state,
      'snapshot-list': cmd.includes('--external') ? '' : 'base\n',
      capabilities: fixture('qemu-caps.xml'),
      version: 'Running against daemon: 9.0.0',
      'vol-pool': cmd[2] === DISK ? 'images' : '',
      'pool-refresh': '',
      'pool-info': 'Name: images\nAvailable:      1073741824\n',
    };
    return cmd[0] === 'vol-pool' && cmd[2] !== DISK
      ? { ok: false, error: 'no storage vol' }
      : { ok: true, out: out[cmd[0]!] ?? '' };
  };
  const ops = {
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
});
