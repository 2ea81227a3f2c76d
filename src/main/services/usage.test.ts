import { afterEach, describe, expect, it } from 'vitest';
import type { HostSummary } from '../../shared/domain/host';
import type { UsageSample } from '../../shared/domain/usage';
import type { BatchResult } from '../hosts/virsh';
import { AppEvents } from './events';
import { createUsageService, type UsageService } from './usage';

/** A host whose domains vm-a (running, CPU time growing) and vm-b (shut off) answer every poll. */
function fakeDriver() {
  let cpu = 0;
  const d = {
    reads: 0,
    async virshBatch(commands: readonly (readonly string[])[]): Promise<BatchResult[]> {
      d.reads++;
      cpu += 1e8;
      return commands.map(([c]) =>
        c === 'domstats'
          ? {
              ok: true,
              out: `Domain: 'vm-a'\n  state.state=1\n  cpu.time=${cpu}\n  vcpu.current=2\n  balloon.rss=2048\nDomain: 'vm-b'\n  state.state=5\n  balloon.current=4096\n`,
            }
          : c === 'nodeinfo'
            ? { ok: true, out: 'CPU(s): 4\nMemory size: 8192 KiB\n' }
            : { ok: false, error: `${c} is not supported` },
      );
    },
  };
  return d;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const services: UsageService[] = [];
afterEach(() => services.splice(0).forEach((s) => s.close()));

function setup(hostIds: string[]) {
  const hosts = new Set(hostIds);
  const drivers = new Map(hostIds.map((id) => [id, fakeDriver()]));
  const vms = new Map([['h1', new Map([['vm-a', 'id-a']])]]);
  const events = new AppEvents();
  const samples: UsageSample[] = [];
  events.subscribe((e, p) => e === 'usage.sample' && samples.push(p as UsageSample));
  const usage = createUsageService({
    hosts: {
      list: () => [...hosts].map((id) => ({ id }) as HostSummary),
      get: (id) => (hosts.has(id) ? ({ id } as HostSummary) : undefined),
    },
    vms: {
      get: () => undefined,
      idsByName: (hostId) => new Map(vms.get(hostId) ?? []),
    },
    driverFor: (id) => Promise.resolve(drivers.get(id)!),
    events,
    forgetAfterMs: 300,
  });
  services.push(usage);
  return { usage, hosts, drivers, vms, events, samples };
}

describe('usage service', () => {
  it('maps domains to VM ids; a domain the inventory does not know is left out until it does', async () => {
    const t = setup(['h1']);
    t.usage.watch({ hostIds: ['h1'], intervalSeconds: 2, leaseSeconds: 30 });
    await t.usage.poller.pollOnce('h1');
    await sleep(20);
    await t.usage.poller.pollOnce('h1');
    const s = t.samples.at(-1)!;
    expect(s.vms.map((v) => v.vmId)).toEqual(['id-a']);
    expect(s.vms[0]).toMatchObject({ vmId: 'id-a', memoryBytes: 2048 * 1024, netRxBps: null });
    // 0.1 s of CPU time per poll, over a few milliseconds: a large share, but a number.
    expect(s.vms[0]!.cpuPercent).toBeGreaterThan(0);
    // vm-b is synced into the inventory: the next sample names it (shut off: no memory in use).
    t.vms.get('h1')!.set('vm-b', 'id-b');
    t.events.emit('inventory.changed', { entity: 'vms', projectId: null });
    await t.usage.poller.pollOnce('h1');
    expect(t.samples.at(-1)!.vms).toContainEqual(
      expect.objectContaining({ vmId: 'id-b', memoryBytes: null }),
    );
  });

  it('a host nobody watches for a while, or that left the inventory, loses its history', async () => {
    const t = setup(['h1', 'h2']);
    const w = t.usage.watch({ intervalSeconds: 10, leaseSeconds: 30 });
    expect(w.hostIds).toEqual(['h1', 'h2']);
    await t.usage.poller.pollOnce('h1');
    await t.usage.poller.pollOnce('h2');
    expect(t.usage.poller.keys('h1').length).toBeGreaterThan(0);
    t.usage.unwatch(w.watchId);
    expect(t.usage.polling().size).toBe(0);
    // Kept a while (a window that comes back finds its charts), then dropped.
    expect(t.usage.poller.keys('h1').length).toBeGreaterThan(0);
    await sleep(450);
    expect(t.usage.poller.keys('h1')).toEqual([]);
    expect(t.usage.poller.byteLength).toBe(0);

    t.usage.watch({ hostIds: ['h2'], intervalSeconds: 10, leaseSeconds: 30 });
    await t.usage.poller.pollOnce('h2');
    t.hosts.delete('h2');
    t.events.emit('inventory.changed', { entity: 'hosts', projectId: null });
    expect(t.usage.polling().size).toBe(0);
    expect(t.usage.poller.keys('h2')).toEqual([]);
  });

  it('polls a host watched twice once, at the faster interval', async () => {
    const t = setup(['h1']);
    const slow = t.usage.watch({ hostIds: ['h1'], intervalSeconds: 10, leaseSeconds: 30 });
    t.usage.watch({ hostIds: ['h1'], intervalSeconds: 5, leaseSeconds: 30 });
    expect(t.usage.polling()).toEqual(new Map([['h1', 5000]]));
    expect(t.usage.poller.interval('h1')).toBe(5000);
    await sleep(50);
    expect(t.drivers.get('h1')!.reads).toBe(1);
    // Renewing the slow one changes nothing.
    t.usage.watch({ watchId: slow.watchId, hostIds: ['h1'], intervalSeconds: 10, leaseSeconds: 30 });
    await sleep(50);
    expect(t.drivers.get('h1')!.reads).toBe(1);
  });

  it('refuses a new watch past the limit, and any once closed', () => {
    const t = setup(['h1']);
    for (let i = 0; i < 256; i++) t.usage.watch({ hostIds: ['h1'], intervalSeconds: 10, leaseSeconds: 30 });
    expect(() => t.usage.watch({ hostIds: ['h1'], intervalSeconds: 10, leaseSeconds: 30 })).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
    t.usage.close();
    expect(() => t.usage.watch({ intervalSeconds: 2, leaseSeconds: 30 })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED' }),
    );
  });
});
