import { describe, expect, it } from 'vitest';
import { localVirshRunner } from './local-process';
import { quoteVirshArg, runVirsh, runVirshBatch, virshArgsProblem, virshErrorText } from './virsh';

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

describe('virsh arguments that virsh would read as options', () => {
  it('accepts names only as option values or after "--"', () => {
    expect(virshArgsProblem(['vol-delete', '--pool', '--pool=x', '--vol', '--vol=base.qcow2'])).toBeNull();
    expect(virshArgsProblem(['vol-create-as', '--pool', 'p', '--name', '-', '--capacity', '1M'])).toBeNull();
    expect(virshArgsProblem(['domstate', '--domain', '--reason'])).toBeNull();
    expect(virshArgsProblem(['echo', '--', '--vol=x', '-y'])).toBeNull();
    expect(virshArgsProblem(['undefine', '--domain', 'u', '--nvram', '--managed-save'])).toBeNull();
    // The finding: a positional name that is an option.
    expect(virshArgsProblem(['vol-delete', '--pool', 'p', '--vol=base.qcow2'])).toMatch(
      /"--vol=base.qcow2" would be read as an option/,
    );
    expect(virshArgsProblem(['start', '-x'])).not.toBeNull();
    // A flag that takes no value does not shelter the next argument.
    expect(virshArgsProblem(['undefine', '--nvram', '--domain=other'])).not.toBeNull();
    expect(virshArgsProblem(['pool-list', '--name', '--all=x'])).not.toBeNull();
  });

  it('snapshot commands take the snapshot name only as the value of --snapshotname', () => {
    const u = '--domain';
    expect(virshArgsProblem(['snapshot-revert', u, 'x', '--snapshotname', '--current'])).toBeNull();
    expect(virshArgsProblem(['snapshot-delete', u, 'x', '--snapshotname', '--children'])).toBeNull();
    expect(virshArgsProblem(['snapshot-dumpxml', u, 'x', '--snapshotname', '-s'])).toBeNull();
    expect(virshArgsProblem(['snapshot-create', u, 'x', '--xmlfile', '--f'])).toBeNull();
    expect(virshArgsProblem(['snapshot-delete', u, 'x', '--snapshotname=--children'])).not.toBeNull();
    expect(virshArgsProblem(['snapshot-revert', u, 'x', '-s'])).not.toBeNull();
  });

  it('refuses such a command on its own, before virsh sees it', async () => {
    await expect(runVirsh(run, ['vol-info', '--pool', 'default-pool', '--vol=x'])).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    const r = await runVirshBatch(run, [
      ['echo', 'before'],
      ['domstate', '--domain=test'],
      ['echo', 'line\nbreak'],
      ['echo', 'after'],
    ]);
    expect(r[0]).toEqual({ ok: true, out: 'before\n' });
    expect(r[1]).toMatchObject({ ok: false, error: expect.stringMatching(/read as an option/) });
    expect(r[2]).toMatchObject({ ok: false, error: expect.stringMatching(/line breaks/) });
    expect(r[3]).toEqual({ ok: true, out: 'after\n' });
  });

  it('keeps names with spaces, quotes and separators whole in a one-process batch', async () => {
    const names = ["a b'; vol-delete base #", '--vol=base.qcow2', 'x\\y "z" $(id) \u00e9\u00a3'];
    const r = await runVirshBatch(run, [
      ['vol-create-as', '--pool', 'default-pool', '--name', 'base.qcow2', '--capacity', '1M'],
      ...names.map((n) => ['vol-create-as', '--pool', 'default-pool', '--name', n, '--capacity', '1M']),
      ...names.map((n) => ['vol-delete', '--pool', 'default-pool', '--vol', n]),
      ['vol-list', '--pool', 'default-pool'],
    ]);
    expect(r.every((x) => x.ok)).toBe(true);
    const list = r.at(-1)!.ok ? (r.at(-1) as { out: string }).out : '';
    expect(list).toContain('base.qcow2');
    for (const n of names) expect(list).not.toContain(n);
  });
});
