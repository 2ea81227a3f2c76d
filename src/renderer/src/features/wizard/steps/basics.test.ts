import { describe, expect, it } from 'vitest';
import { initStep, validateStep } from './basics';

describe('basics', () => {
  it('starts empty and invalid: a name is required', () => {
    const r = validateStep(initStep());
    expect(r.ok).toBe(false);
    expect(r.errors.name).toBe('Name is required');
  });

  it('refuses a name libvirt would not take, with the schema message', () => {
    const r = validateStep({ ...initStep(), name: 'web server!' });
    expect(r.errors.name).toMatch(/^Name may contain only letters, digits/);
    expect(validateStep({ ...initStep(), name: '-web' }).ok).toBe(false);
    expect(validateStep({ ...initStep(), name: 'a'.repeat(64) }).errors.name).toBe(
      'Name must be at most 63 characters',
    );
  });

  it('leaves room for the "-N" a bulk creation appends', () => {
    const name = 'a'.repeat(62);
    expect(validateStep({ ...initStep(), name }).ok).toBe(true);
    expect(validateStep({ ...initStep(), name, count: '10' }).errors.name).toMatch(
      /Name too long for 10 VMs/,
    );
  });

  it('reads the count as a whole number within 1-100', () => {
    expect(validateStep({ ...initStep(), name: 'web', count: 'two' }).errors.count).toBe(
      'Count must be a whole number',
    );
    expect(validateStep({ ...initStep(), name: 'web', count: '0' }).errors.count).toBe(
      'Count must be at least 1',
    );
    expect(validateStep({ ...initStep(), name: 'web', count: '101' }).errors.count).toBe(
      'Count must be at most 100',
    );
  });

  it('gives the trimmed name, the count and the folder as request fields', () => {
    const folderId = '44444444-4444-4444-8444-444444444444';
    const r = validateStep({ ...initStep(), name: ' web ', count: '3', folderId });
    expect(r).toMatchObject({ ok: true, value: { name: 'web', count: 3, folderId, description: '' } });
  });
});
