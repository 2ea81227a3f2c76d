import { afterEach, describe, expect, it } from 'vitest';
import type { BatchResult } from '../hosts/virsh';
import {
  domainKey,
  hostKey,
  POOL_POLLS,
  poolKey,
  REFRESH_POLLS,
  UsagePoller,
  type HostUsage,
} from './poller';

/** A host that answers the usage batch with a domain whose CPU time grows 0.5 s per call, after `delayMs`. */
class FakeHost {
  calls = 0;
  running = 0;
  maxRunning = 0;
  delayMs = 0;
  fail: string | null = null;
  hang = false;
  /** The first word of each command of each batch. */
  readonly asked: string[][] = [];
  private cpu = 0;

  async virshBatch(commands: readonly (readonly string[])[]): Promise<BatchResult[]> {
    this.calls++;
    this.asked.push(commands.map(([c]) => c!));
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (this.hang) await new Promise(() => undefined);
      await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.fail) throw new Error(this.fail);
      this.cpu += 5e8;
      const dom = `Domain: 'vm1'\n  state.state=1\n  cpu.time=${this.cpu}\n  vcpu.current=1\n  balloon.rss=1024\n`;
      return commands.map(([c]) =>
        c === 'domstats'
          ? { ok: true, out: dom }
          : c === 'nodeinfo'
            ? { ok: true, out: 'CPU(s): 4\nMemory size: 4096 KiB\n' }
            : { ok: false, error: `${c} is not supported` },
      );
    } finally {
      this.running--;
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until `f` holds (a loaded machine runs timers late; a test waits for what it needs, up to 5 s). */
const until = (f: () => boolean) => expect.poll(f, { timeout: 5000, interval: 5 }).toBe(true);
const pollers: UsagePoller[] = [];
afterEach(() => pollers.splice(0).forEach((p) => p.close()));

function setup(hosts: Record<string, FakeHost>, intervalMs = 20, timeoutMs = 1000) {
  const p = new UsagePoller({
    driverOf: (id) => {
      const h = hosts[id];
      if (!h) throw new Error(`no host ${id}`);
      return h;
    },
    intervalMs,
    timeoutMs,
  });
  pollers.push(p);
  return p;
}

describe('UsagePoller', () => {
  it('polls only while someone is subscribed', async () => {
    const a = new FakeHost();
    const p = setup({ a });
    await sleep(60);
    expect(a.calls).toBe(0);
    const got: HostUsage[] = [];
    const off = p.subscribe('a', (u) => got.push(u));
    await until(() => got.length >= 3);
    off();
    const calls = a.calls;
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(p.active).toEqual([]);
    await sleep(80);
    expect(a.calls).toBe(calls);
    // Rates from the second poll on: the CPU time grew 0.5 s per poll on one vCPU.
    const rated = got.filter((u) => u.rates?.domains[0]?.cpuPercent !== undefined);
    expect(rated.length).toBeGreaterThanOrEqual(2);
    // Every poll that ended is in the history (the first has levels only, no CPU rate).
    expect(p.history('a', domainKey('cpu', 'vm1')).v.length).toBe(a.calls - 1);
    expect(got[0]!.warnings).toEqual([
      'nodecpustats: nodecpustats is not supported',
      'nodememstats: nodememstats is not supported',
      'pools: pool-list is not supported',
    ]);
  });

  it('keeps polling while one of two subscribers stays, and gives a late one the last result at once', async () => {
    const a = new FakeHost();
    const p = setup({ a });
    const off1 = p.subscribe('a', () => undefined);
    await sleep(50);
    const late: HostUsage[] = [];
    const off2 = p.subscribe('a', (u) => late.push(u));
    expect(late).toHaveLength(1);
    off1();
    off1();
    const calls = a.calls;
    await until(() => a.calls > calls);
    off2();
  });

  it('never polls one host twice at once, however long a poll takes', async () => {
    const a = new FakeHost();
    a.delayMs = 50;
    const p = setup({ a }, 5);
    const off = p.subscribe('a', () => undefined);
    await Promise.all([p.pollOnce('a'), p.pollOnce('a'), p.pollOnce('a')]);
    await sleep(200);
    off();
    expect(a.maxRunning).toBe(1);
    expect(a.calls).toBeGreaterThanOrEqual(3);
  });

  it('a hung host delays no other host, and its subscribers hear it at the deadline', async () => {
    const a = new FakeHost();
    const dead = new FakeHost();
    dead.hang = true;
    const p = setup({ a, dead }, 20, 100);
    const fromA: HostUsage[] = [];
    const fromDead: HostUsage[] = [];
    const offA = p.subscribe('a', (u) => fromA.push(u));
    const offD = p.subscribe('dead', (u) => fromDead.push(u));
    await until(() => fromA.length >= 6 && fromDead.length >= 1);
    await sleep(50);
    offA();
    offD();
    expect(fromA.filter((u) => !u.error).length).toBeGreaterThanOrEqual(6);
    expect(dead.calls).toBe(1);
    expect(fromDead).toHaveLength(1);
    expect(fromDead[0]!.error).toMatch(/did not finish within/);
  });

  it('records a failed poll, keeps the last rates and goes on', async () => {
    const a = new FakeHost();
    const p = setup({ a });
    await p.pollOnce('a');
    a.fail = 'the connection to a closed';
    const failed = await p.pollOnce('a');
    expect(failed.error).toBe('the connection to a closed');
    expect(failed.rates?.domains[0]?.name).toBe('vm1');
    a.fail = null;
    const ok = await p.pollOnce('a');
    expect(ok.error).toBeUndefined();
    // Over both intervals: 0.5 s of CPU time since the first poll's sample.
    expect(ok.rates?.domains[0]?.cpuPercent).toBeGreaterThan(0);
    const missing = await p.pollOnce('nope');
    expect(missing.error).toBe('no host nope');
  });

  it('a listener that throws stops neither the others nor the polling', async () => {
    const a = new FakeHost();
    const p = setup({ a });
    let n = 0;
    const err = console.error;
    console.error = () => undefined;
    try {
      const off1 = p.subscribe('a', () => {
        throw new Error('boom');
      });
      const off2 = p.subscribe('a', () => n++);
      await until(() => n >= 3);
      off1();
      off2();
    } finally {
      console.error = err;
    }
    expect(n).toBeGreaterThanOrEqual(3);
  });

  it('a domain that is gone loses its history', async () => {
    const a = new FakeHost();
    const p = setup({ a });
    await p.pollOnce('a');
    await p.pollOnce('a');
    expect(p.history('a', domainKey('memory', 'vm1')).v).toEqual([1024 * 1024, 1024 * 1024]);
    a.virshBatch = async (commands) =>
      commands.map(([c]) => (c === 'domstats' ? { ok: true, out: '' } : { ok: false, error: 'no' }));
    await p.pollOnce('a');
    expect(p.history('a', domainKey('memory', 'vm1')).v).toEqual([]);
    expect(p.history('a', hostKey('cpu')).v).toEqual([]);
    expect(p.latest('a')?.rates?.domains).toEqual([]);
  });

  it('polls at the shortest interval any subscriber asks, and slows down when it leaves', async () => {
    const a = new FakeHost();
    const p = setup({ a }, 1000);
    const offSlow = p.subscribe('a', () => undefined, 400);
    await sleep(100);
    expect(a.calls).toBe(1);
    // A faster subscriber brings the next poll forward: 40 ms after the last one started.
    const offFast = p.subscribe('a', () => undefined, 40);
    expect(p.interval('a')).toBe(40);
    const t0 = Date.now();
    await until(() => a.calls >= 5);
    // Four more polls at 40 ms, not at 400: well under one slow interval each (allowing a loaded machine).
    expect(Date.now() - t0).toBeLessThan(1200);
    offFast();
    expect(p.interval('a')).toBe(400);
    await sleep(60);
    const calls = a.calls;
    await sleep(300);
    expect(a.calls).toBeLessThanOrEqual(calls + 1);
    offSlow();
    expect(p.interval('a')).toBeUndefined();
  });

  it('a subscriber that comes while a poll asked for directly is under way still gets polling', async () => {
    const a = new FakeHost();
    a.delayMs = 30;
    const p = setup({ a });
    const direct = p.pollOnce('a');
    const got: HostUsage[] = [];
    const off = p.subscribe('a', (u) => got.push(u));
    await direct;
    // Polls go on after the direct one ended (without the fix, the subscriber got that one only).
    await expect.poll(() => got.length, { timeout: 3000, interval: 20 }).toBeGreaterThanOrEqual(3);
    off();
  });

  it("keeps each pool's allocation and drops a pool that is gone", async () => {
    const a = new FakeHost();
    let pools = ' Name State Autostart Persistent Capacity Allocation Available\n---------------\n';
    pools +=
      ' p1   running no yes 10.00 GiB 1.00 GiB 9.00 GiB\n p2   running no yes 10.00 GiB 2.00 GiB 8.00 GiB\n';
    const base = a.virshBatch.bind(a);
    a.virshBatch = async (commands) => {
      const r = await base(commands);
      return r.map((x, i) => (commands[i]![0] === 'pool-list' ? { ok: true, out: pools } : x));
    };
    const p = setup({ a });
    await p.pollOnce('a');
    expect(p.history('a', poolKey('p2')).v).toEqual([2 * 2 ** 30]);
    pools = pools.split('\n').slice(0, 3).join('\n');
    // The pools are read every POOL_POLLS polls (the first one included).
    for (let i = 0; i < POOL_POLLS; i++) await p.pollOnce('a');
    const read = a.asked.map((c) => c.includes('pool-list'));
    expect(read).toEqual([true, ...Array<boolean>(POOL_POLLS - 1).fill(false), true]);
    expect(p.history('a', poolKey('p1')).v).toEqual([2 ** 30, 2 ** 30]);
    expect(p.keys('a').filter((k) => k.startsWith('pool/'))).toEqual([poolKey('p1')]);
  });

  it('asks nodeinfo and what failed only now and then, keeping the CPU count in between', async () => {
    const a = new FakeHost();
    const p = setup({ a });
    for (let i = 0; i <= REFRESH_POLLS; i++) {
      const u = await p.pollOnce('a');
      expect(u.rates?.node.cpus).toBe(4);
    }
    const all = ['domstats', 'nodecpustats', 'nodememstats', 'nodeinfo', 'pool-list'];
    expect(a.asked[0]).toEqual(all);
    // nodecpustats, nodememstats and pool-list failed on the first poll: domstats alone until the refresh.
    expect(a.asked[1]).toEqual(['domstats']);
    expect(a.asked[REFRESH_POLLS - 1]).toEqual(['domstats']);
    expect(a.asked[REFRESH_POLLS]).toEqual(all);
  });
});
