import { describe, expect, it } from 'vitest';
import type { CustomizationSpec } from '../../../../../shared/domain/spec';
import { NO_SECRETS } from '../draft';
import { facts } from '../testing';
import { applySpec, initStep, validateStep } from './customization';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin@qhci';
const spec = {
  id: '55555555-5555-4555-8555-555555555555',
  name: 'Linux-Production',
  osFamily: 'linux',
  timezone: 'Europe/Berlin',
  hostnameTemplate: '{{.VMName}}-{{.Index}}',
  installAgent: true,
  sshKeys: [KEY],
  updatedAt: '2026-01-01T00:00:00Z',
} as unknown as CustomizationSpec;

describe('customization', () => {
  it('does not apply without a cloud image', () => {
    expect(validateStep(initStep(), NO_SECRETS, facts(), false)).toEqual({
      ok: true,
      errors: {},
      value: undefined,
    });
  });

  it('a bad SSH key is reported on its own key', () => {
    const r = validateStep(
      { ...initStep(), sshKeys: `${KEY}\n\nssh-ed25519 AAAAbroken` },
      NO_SECRETS,
      facts(),
      true,
    );
    expect(r.ok).toBe(false);
    expect(Object.keys(r.errors)).toEqual(['sshKeys.1']);
  });

  it('a password confirmation that differs is an error on the confirmation', () => {
    const r = validateStep(
      initStep(),
      { password: 'Corr3ct-Horse', passwordConfirm: 'Corr3ct-Horsex' },
      facts(),
      true,
    );
    expect(r.errors).toEqual({ adminPasswordConfirm: 'The passwords do not match' });
    const short = validateStep(initStep(), { password: 'short', passwordConfirm: 'short' }, facts(), true);
    expect(short.errors).toEqual({ adminPassword: 'Password must be at least 8 characters' });
  });

  it('an unknown time zone and a bad hostname template are field errors', () => {
    const r = validateStep(
      { ...initStep(), timezone: 'Mars/Olympus', hostnameTemplate: '{{.Name}}' },
      NO_SECRETS,
      facts(),
      true,
    );
    expect(r.errors.timezone).toMatch(/Not a known IANA time zone/);
    expect(r.errors.hostnameTemplate).toMatch(/Unknown placeholder/);
  });

  it('sends only what differs from the spec, and the password beside it', () => {
    const d = { ...applySpec(initStep(), spec), timezone: 'UTC', user: 'ops' };
    const r = validateStep(
      d,
      { password: 'Corr3ct-Horse', passwordConfirm: 'Corr3ct-Horse' },
      facts({ spec }),
      true,
    );
    expect(r).toMatchObject({ ok: true });
    expect(r.ok && r.value).toEqual({
      specId: spec.id,
      timezone: 'UTC',
      user: 'ops',
      password: 'Corr3ct-Horse',
      userDataMode: 'merge',
    });
  });

  it('waits for the chosen spec before it can tell what differs', () => {
    const d = applySpec(initStep(), spec);
    expect(validateStep(d, NO_SECRETS, facts(), true)).toEqual({ ok: false, errors: {} });
  });
});
