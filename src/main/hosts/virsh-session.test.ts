import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnLocalVirsh } from './local-process';
import { runVirshBatch } from './virsh';
import { localVirshRunner } from './local-process';
import { fitsSession, VirshSession, VirshSessions, type VirshProcess } from './virsh-session';

const URI = 'test:///default';

/** Real interactive virsh processes on the test driver, counted. */
function counted() {
  const procs: { proc: VirshProcess; exited: boolean }[] = [];
  const spawn = async () => {
    const proc = await spawnLocalVirsh(URI);
    const rec = { proc, exited: false };
    proc.onExit(() => (rec.exited = true));
    procs.push(rec);
    return proc;
  };
  return { procs, spawn };
}

const pools: VirshSessions[] = [];
const make = (spawn: () => Promise<VirshProcess>, opts?: { max?: number; idleMs?: number }) => {
  const p = new VirshSessions(spawn, opts);
  pools.push(p);
  return p;
};
afterEach(() => {
  for (const p of pools.splice(0)) p.close();
});

const until = async (f: () => boolean) => {
  for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 25));
  return f();
};

describe('interactive virsh sessions (libvirt test driver)', () => {
  it('gives each command the same output and errors as a one-process batch', async () => {
    const commands = [
      ['list', '--all', '--name'],
      ['dominfo', 'nosuch'],
      ['domstate', 'test'],
      ['echo', "it's a 'quoted' name; with $(stuff) and echo QHCI-x-b"],
      ['echo'],
      ['hostname'],
    ];
    const s = make(counted().spawn);
    const viaSession = await s.batch(commands);
    const viaProcess = await runVirshBatch(localVirshRunner(URI), commands);
    expect(viaSession).toEqual(viaProcess);
    expect(viaSession[1]).toMatchObject({ ok: false, error: expect.stringContaining("'nosuch'") });
    expect(viaSession[3]).toEqual({
      ok: true,
      out: "it's a 'quoted' name; with $(stuff) and echo QHCI-x-b\n",
    });
  });

  it('reuses one process for command after command, and checks each on its own', async () => {
    const c = counted();
    const s = make(c.spawn);
    expect((await s.run(['domstate', 'test'])).trim()).toBe('running');
    await expect(s.run(['domstate', 'nosuch'])).rejects.toMatchObject({
      code: 'HOST_ERROR',
      message: expect.stringMatching(/^virsh domstate: .*nosuch/),
    });
    expect((await s.run(['list', '--all', '--name'])).trim()).toBe('test');
    expect(c.procs).toHaveLength(1);
  });

  it('pipelines thousands of commands over a few processes and keeps every result in order', async () => {
    const c = counted();
    const s = make(c.spawn, { max: 3 });
    const n = 3000;
    const r = await s.batch(
      Array.from({ length: n }, (_, i) => ['echo', `item-${i}-${'x'.repeat(30)}`]),
      { parallel: 3 },
    );
    expect(r).toHaveLength(n);
    r.forEach((x, i) => expect(x).toEqual({ ok: true, out: `item-${i}-${'x'.repeat(30)}\n` }));
    expect(c.procs.length).toBeLessThanOrEqual(3);
  });

  it('never runs more than max processes, however many callers wait', async () => {
    const c = counted();
    const s = make(c.spawn, { max: 2 });
    const outs = await Promise.all(Array.from({ length: 8 }, (_, i) => s.run(['echo', `c${i}`])));
    expect(outs.map((o) => o.trim())).toEqual(Array.from({ length: 8 }, (_, i) => `c${i}`));
    expect(c.procs.length).toBeLessThanOrEqual(2);
  });

  it('a killed process fails what it had not finished; the next call starts a new one', async () => {
    const c = counted();
    const s = make(c.spawn);
    await s.run(['echo', 'warm']);
    const [first] = c.procs;
    first!.proc.kill();
    expect(await until(() => first!.exited)).toBe(true);
    expect((await s.run(['echo', 'again'])).trim()).toBe('again');
    expect(c.procs).toHaveLength(2);
  });

  it('a timeout kills the process and rejects; later calls work', async () => {
    // A process that never answers stands in for a hung libvirtd.
    let mute = true;
    const c = counted();
    const s = make(async () => {
      const p = await c.spawn();
      if (!mute) return p;
      mute = false;
      return { ...p, write: () => undefined };
    });
    await expect(s.run(['echo', 'lost'], { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'HOST_ERROR',
      message: expect.stringMatching(/did not finish within/),
    });
    expect(await until(() => c.procs[0]!.exited)).toBe(true);
    expect((await s.run(['echo', 'fine'])).trim()).toBe('fine');
  });

  it('closes idle processes after idleMs, and all of them on close()', async () => {
    const c = counted();
    const s = make(c.spawn, { idleMs: 100 });
    await Promise.all([s.run(['echo', 'a']), s.run(['echo', 'b'])]);
    expect(c.procs).toHaveLength(2);
    expect(await until(() => c.procs.every((p) => p.exited))).toBe(true);
    await s.run(['echo', 'c']);
    s.close();
    expect(await until(() => c.procs.every((p) => p.exited))).toBe(true);
    await expect(s.run(['echo', 'd'])).rejects.toMatchObject({ code: 'HOST_ERROR' });
  });

  it('keeps hostile names whole: no option, no second command, no lost markers', async () => {
    const c = counted();
    const s = make(c.spawn, { max: 1 });
    const pool = ['--pool', 'default-pool'];
    const names = [
      '--vol=base.qcow2',
      "a b'; vol-delete --pool default-pool base.qcow2 #",
      'x\\y "z" $(id) !1 \u00e9\u00a3 \u2603',
      '--',
    ];
    const made = await s.batch([
      ['vol-create-as', ...pool, '--name', 'base.qcow2', '--capacity', '1M'],
      ...names.map((n) => ['vol-create-as', ...pool, '--name', n, '--capacity', '1M']),
    ]);
    expect(made.every((r) => r.ok)).toBe(true);
    for (const n of names) {
      expect((await s.run(['vol-path', ...pool, '--vol', n])).trim()).toBe(`/default-pool/${n}`);
      await s.run(['vol-delete', ...pool, '--vol', n]);
      expect((await s.run(['vol-path', ...pool, '--vol', 'base.qcow2'])).trim()).toBe(
        '/default-pool/base.qcow2',
      );
    }
    // A name where virsh would read an option is refused before it is sent (a line virsh cannot parse would
    // run none of its markers and leave the session waiting), and the session goes on.
    const r = await s.batch(
      [
        ['vol-delete', ...pool, '--vol=base.qcow2'],
        ['echo', 'still here'],
      ],
      { timeoutMs: 5000 },
    );
    expect(r[0]).toMatchObject({ ok: false, error: expect.stringMatching(/read as an option/) });
    expect(r[1]).toEqual({ ok: true, out: 'still here\n' });
    await expect(s.run(['vol-info', ...pool, '--vol=base.qcow2'])).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect(c.procs).toHaveLength(1);
  });

  it('says which arguments must not go through the line editor', () => {
    expect(fitsSession(['vol-create-as', 'pool', 'name', '1024'])).toBe(true);
    expect(fitsSession(['echo', 'a\tb'])).toBe(false);
    expect(fitsSession(['echo', 'a\u0001'])).toBe(false);
  });
});

/** A VirshProcess whose output the test writes, chunk by chunk, as virsh would answer what was sent. */
function scripted() {
  const cb = { out: (_: string) => undefined as void, err: (_: string) => undefined as void };
  const sent: string[] = [];
  const proc: VirshProcess = {
    write: (d) => void sent.push(d),
    onStdout: (f) => void (cb.out = f),
    onStderr: (f) => void (cb.err = f),
    onExit: () => undefined,
    end: () => undefined,
    kill: () => undefined,
    ref: () => undefined,
  };
  /** What virsh prints for the lines sent: the prompt and echo, then each command's output and error. */
  const answer = (outputs: readonly { out: string; err: string }[]) => {
    const marks = [...sent.join('').matchAll(/echo (QHCI-[0-9a-f]+-\d+)-b/g)].map((m) => m[1]!);
    sent.length = 0;
    let stdout = '';
    let stderr = '';
    marks.forEach((m, i) => {
      stdout += `virsh # echo ${m}-b ; …\n${m}-b\n${outputs[i]!.out}\n${m}\n`;
      stderr += `${outputs[i]!.err}error: ${m}\n`;
    });
    return { stdout, stderr };
  };
  return { proc, answer, cb };
}

const cut = (text: string, sizes: readonly number[]) => {
  const parts: string[] = [];
  let i = 0;
  for (let k = 0; i < text.length; k++) {
    const n = sizes.length ? sizes[k % sizes.length]! : text.length;
    parts.push(text.slice(i, i + n));
    i += n;
  }
  return parts;
};

describe('a virsh session reading its output', () => {
  it('gives every command its own output however the output is cut into chunks', async () => {
    const output = fc.record({
      out: fc.oneof(fc.constant(''), fc.string({ maxLength: 300 }), fc.constant('x'.repeat(5000))),
      err: fc.constantFrom('', 'error: failed to get domain\n'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(output, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 4 }),
        async (outputs, outSizes, errSizes) => {
          const v = scripted();
          const session = new VirshSession(v.proc);
          const results = session.send(outputs.map((_, i) => ['echo', String(i)]));
          const { stdout, stderr } = v.answer(outputs);
          const outs = cut(stdout, outSizes);
          const errs = cut(stderr, errSizes);
          // Both streams interleaved, as they come from a process.
          for (let i = 0; i < Math.max(outs.length, errs.length); i++) {
            if (outs[i] !== undefined) v.cb.out(outs[i]!);
            if (errs[i] !== undefined) v.cb.err(errs[i]!);
          }
          const got = await results;
          got.forEach((r, i) => {
            const o = outputs[i]!;
            if (o.err) expect(r).toEqual({ ok: false, error: 'failed to get domain' });
            else expect(r).toEqual({ ok: true, out: o.out });
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads megabytes of output in small chunks in one pass, not one pass per chunk', async () => {
    const time = async (bytes: number) => {
      const v = scripted();
      const session = new VirshSession(v.proc);
      const body = "Domain: 'vm'\n  state.state=1\n  cpu.time=1234567890\n".repeat(bytes / 50);
      const result = session.send([['domstats']]);
      const { stdout, stderr } = v.answer([{ out: body, err: '' }]);
      const chunks = cut(stdout, [4096]);
      const t0 = performance.now();
      for (const c of chunks) v.cb.out(c);
      v.cb.err(stderr);
      const [r] = await result;
      const ms = performance.now() - t0;
      expect(r).toEqual({ ok: true, out: body });
      return ms;
    };
    await time(100_000);
    const small = Math.min(await time(200_000), await time(200_000));
    const large = Math.min(await time(2_000_000), await time(2_000_000));
    // Ten times the output, in ten times the chunks: about ten times the work (quadratic would be 100).
    expect(large).toBeLessThan(small * 30 + 20);
  });
});
