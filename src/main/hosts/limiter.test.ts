import { describe, expect, it } from 'vitest';
import { Limiter } from './limiter';

const tick = () => new Promise<void>((r) => setImmediate(r));

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Limiter', () => {
  it('runs at most max jobs at once, the others in order of arrival', async () => {
    const l = new Limiter(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const all = gates.map((g, i) =>
      l.run(async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(l.active).toBe(2);
    expect(l.waiting).toBe(2);
    gates[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    expect(await Promise.all(all)).toEqual([0, 1, 2, 3]);
    expect(l.active).toBe(0);
    expect(l.waiting).toBe(0);
  });

  it('frees the slot of a job that fails', async () => {
    const l = new Limiter(1);
    const failing = l.run(() => Promise.reject(new Error('dead host')));
    const next = l.run(() => Promise.resolve('ok'));
    await expect(failing).rejects.toThrow('dead host');
    expect(await next).toBe('ok');
    expect(l.active).toBe(0);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new Limiter(0)).toThrow(RangeError);
    expect(() => new Limiter(1.5)).toThrow(RangeError);
  });
});
