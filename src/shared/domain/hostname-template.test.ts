import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isValidHostnameLabel,
  parseHostnameTemplate,
  previewHostnames,
  randomToken,
  renderHostname,
} from './hostname-template';

describe('hostname templates', () => {
  it('renders every placeholder', () => {
    const r = renderHostname('{{.VMName}}-{{.Index}}-{{.Host}}-{{.Random}}', {
      vmName: 'web',
      index: 3,
      host: 'kvm1',
      random: () => 'x9y8z7',
    });
    expect(r).toEqual({ ok: true, hostname: 'web-3-kvm1-x9y8z7' });
  });

  it('accepts spaces inside the braces, as Go templates do', () => {
    expect(renderHostname('{{ .VMName }}', { vmName: 'db', index: 1, host: 'h' })).toEqual({
      ok: true,
      hostname: 'db',
    });
  });

  it('names the template when a rendered hostname is not an RFC 1123 label', () => {
    const long = renderHostname('{{.VMName}}', { vmName: 'a'.repeat(64), index: 1, host: 'h' });
    expect(long).toEqual({
      ok: false,
      reason: expect.stringContaining('from template "{{.VMName}}" is 64 characters long'),
    });
    const bad = renderHostname('{{.VMName}}_x', { vmName: 'web', index: 1, host: 'h' });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.reason).toContain('template "{{.VMName}}_x" may contain only letters, digits and hyphens');
    const hyphen = renderHostname('-{{.VMName}}', { vmName: 'web', index: 1, host: 'h' });
    expect(hyphen.ok).toBe(false);
  });

  it('refuses unknown and malformed placeholders', () => {
    expect(parseHostnameTemplate('{{.Name}}')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('Unknown placeholder {{.Name}}'),
    });
    expect(parseHostnameTemplate('{{.VMName')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('unclosed'),
    });
    expect(parseHostnameTemplate('')).toMatchObject({ ok: false });
  });

  it('previews one hostname per VM of a bulk creation', () => {
    let n = 0;
    const p = previewHostnames('{{.VMName}}-{{.Random}}', {
      vmName: 'app',
      count: 3,
      random: () => `r${++n}`,
    });
    expect(p).toEqual({ hostnames: ['app-1-r1', 'app-2-r2', 'app-3-r3'], error: null });
  });

  it('random tokens are lowercase letters and digits of the promised length', () => {
    for (let i = 0; i < 200; i++) expect(randomToken()).toMatch(/^[a-z0-9]{6}$/);
    expect(new Set(Array.from({ length: 50 }, () => randomToken())).size).toBeGreaterThan(45);
  });

  it('property: a rendered hostname is always a valid label, or the render reports why', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 70 }),
        fc.nat(100000),
        (literal, vmName, index) => {
          const r = renderHostname(`${literal}{{.VMName}}{{.Index}}{{.Random}}`, {
            vmName,
            index,
            host: 'h',
          });
          if (r.ok) expect(isValidHostnameLabel(r.hostname)).toBe(true);
          else expect(r.reason.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
