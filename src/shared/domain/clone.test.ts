import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cloneNames, cloneNamesProblem, VmCloneInput } from './clone';

describe('clone names', () => {
  it('renders {{.VMName}} and {{.Index}} for each clone', () => {
    expect(cloneNames('{{.VMName}}-{{.Index}}', 'web', 3)).toEqual(['web-1', 'web-2', 'web-3']);
    expect(cloneNames('{{ .VMName }}-copy', 'web', 1)).toEqual(['web-copy']);
  });

  it('appends -N to a name without {{.Index}} when there are several', () => {
    expect(cloneNames('db', 'x', 2)).toEqual(['db-1', 'db-2']);
    expect(cloneNames('db', 'x', 1)).toEqual(['db']);
  });

  it('refuses unknown placeholders, bad names and repeats', () => {
    expect(cloneNamesProblem('{{.Random}}', 'vm', 1)).toMatch(/only the placeholders/);
    expect(cloneNamesProblem('-rf', 'vm', 1)).toMatch(/not a VM name/);
    expect(cloneNamesProblem('a/b', 'vm', 1)).toMatch(/not a VM name/);
    expect(cloneNamesProblem('{{.VMName}}{{.Index}}', 'vm', 12)).toBeNull();
  });

  it('never lets a rendered name through that is not a VM name', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), fc.integer({ min: 1, max: 5 }), (t, n) => {
        if (cloneNamesProblem(t, 'vm', n) !== null) return;
        for (const name of cloneNames(t, 'vm', n)) expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/);
      }),
    );
  });

  it('validates the request: mode, count and a name template', () => {
    const id = '00000000-0000-4000-8000-0000000000aa';
    expect(VmCloneInput.parse({ vmId: id, name: 'c' })).toMatchObject({ mode: 'full', count: 1 });
    expect(VmCloneInput.safeParse({ vmId: id, name: 'c', count: 51 }).success).toBe(false);
    expect(VmCloneInput.safeParse({ vmId: id, name: 'c', mode: 'thin' }).success).toBe(false);
    expect(VmCloneInput.safeParse({ vmId: id, name: '--name=x' }).success).toBe(false);
  });
});
