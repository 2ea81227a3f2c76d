import { describe, expect, it } from 'vitest';
import { localVirshRunner } from './local-process';
import { quoteVirshArg, runVirsh, runVirshBatch, virshErrorText } from './virsh';

const run = localVirshRunner('test:///default');

describe('virsh transport (libvirt test driver)', () => {
  it('runs one command and turns virsh errors into readable HOST_ERRORs', async () => {
    expect((await runVirsh(run, ['list', '--all', '--name'])).trim()).toBe('test');
    await expect(runVirsh(run, ['dominfo', 'nosuch'])).rejects.toMatchObject({
      code: 'HOST_ERROR',
      message: expect.stringContaining("failed to get domain 'nosuch'"),
    });
  });

  it('keeps each command of a batch apart, failures included, in one process', async () => {
    const r = await runVirshBatch(run, [
      ['list', '--all', '--name'],
      ['dominfo', 'nosuch'],
      ['domstate', 'test'],
      ['echo', "it's a 'quoted' name; with $(stuff)"],
    ]);
    expect(r[0]).toEqual({ ok: true, out: 'test\n\n' });
    expect(r[1]).toMatchObject({
      ok: false,
      error: expect.stringContaining("failed to get domain 'nosuch'"),
    });
    expect(r[2]).toEqual({ ok: true, out: 'running\n\n' });
    expect(r[3]).toEqual({ ok: true, out: "it's a 'quoted' name; with $(stuff)\n" });
  });

  it('splits a large batch over several processes and still keeps every result', async () => {
    const n = 3000;
    const r = await runVirshBatch(
      run,
      Array.from({ length: n }, (_, i) => ['echo', `item-${i}-${'x'.repeat(30)}`]),
    );
    expect(r).toHaveLength(n);
    r.forEach((x, i) => expect(x).toEqual({ ok: true, out: `item-${i}-${'x'.repeat(30)}\n` }));
  });

  it('refuses line breaks inside a batch argument', () => {
    expect(() => quoteVirshArg('a\nb')).toThrow(/line breaks/);
    expect(quoteVirshArg('plain-name')).toBe('plain-name');
  });

  it('error text keeps the error lines only', () => {
    expect(virshErrorText('error: failed to get domain\nerror: Domain not found\n')).toBe(
      'failed to get domain; Domain not found',
    );
    expect(virshErrorText('')).toMatch(/without a message/);
  });
});
