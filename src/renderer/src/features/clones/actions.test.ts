import { describe, expect, it } from 'vitest';
import { VM_STATES, type VmSummary } from '../../../../shared/domain/vm';
import { clonesOf, vmActions, vmActionState, vmKind } from './actions';

const vm = (over: Partial<VmSummary> = {}) => ({
  name: 'web',
  state: 'shutoff' as VmSummary['state'],
  template: false,
  linked: false,
  ...over,
});

describe('the clone and template actions a VM offers', () => {
  it('a plain shut-off VM can be cloned and converted, not detached', () => {
    expect(vmActions(vm()).map((a) => [a.action, a.state.enabled])).toEqual([
      ['clone', true],
      ['convert', true],
      ['migrate', true],
    ]);
  });

  it('a running VM is cloned only once shut off, and converted after the dialog says it is shut down', () => {
    const running = vm({ state: 'running' });
    expect(vmActionState(running, 'clone')).toMatchObject({ enabled: false, reason: /Shut web down first/ });
    expect(vmActionState(running, 'convert').enabled).toBe(true);
    expect(vmActionState(vm({ state: 'paused' }), 'convert').reason).toMatch(/shut off or running/);
  });

  it('a running or shut-off VM can be migrated; a paused one says why not; a template stays on its host', () => {
    expect(vmActionState(vm({ state: 'running' }), 'migrate').enabled).toBe(true);
    expect(vmActionState(vm({ state: 'paused' }), 'migrate').reason).toMatch(
      /running or shut off to migrate/,
    );
    expect(vmActionState(vm({ template: true }), 'migrate').shown).toBe(false);
  });

  it('a template offers only a new linked clone: never converted again, never detached', () => {
    const t = vm({ template: true });
    expect(vmActions(t).map((a) => a.action)).toEqual(['linked-clone']);
    expect(vmActionState(t, 'linked-clone').enabled).toBe(true);
  });

  it('a linked clone can be detached while shut off', () => {
    const l = vm({ linked: true });
    expect(vmActions(l).map((a) => a.action)).toEqual(['clone', 'convert', 'detach', 'migrate']);
    expect(vmActionState(l, 'detach').enabled).toBe(true);
    expect(vmActionState({ ...l, state: 'running' }, 'detach').reason).toMatch(/Shut web down first/);
  });

  it('nothing is offered on a VM being created, and every refusal says why', () => {
    for (const state of VM_STATES) {
      for (const flags of [{}, { linked: true }, { template: true }]) {
        for (const a of vmActions(vm({ state, ...flags }))) {
          if (!a.state.enabled) expect(a.state.reason).toMatch(/\w/);
          if (state === 'creating' && a.action !== 'linked-clone') expect(a.state.enabled).toBe(false);
        }
      }
    }
  });
});

describe('a VM’s kind and its clones', () => {
  it('tells templates and linked clones apart', () => {
    expect(vmKind({ template: true, linked: false })).toBe('template');
    expect(vmKind({ template: false, linked: true })).toBe('linked');
    expect(vmKind({ template: false, linked: false })).toBe('vm');
  });

  it('lists the linked clones of a template apart from its full clones, in natural name order', () => {
    const vms = [
      { name: 'b-10', parentId: 't', linked: true },
      { name: 'b-2', parentId: 't', linked: true },
      { name: 'full', parentId: 't', linked: false },
      { name: 'other', parentId: 'x', linked: true },
      { name: 'plain', parentId: null, linked: false },
    ];
    const c = clonesOf(vms, 't');
    expect(c.linked.map((v) => v.name)).toEqual(['b-2', 'b-10']);
    expect(c.full.map((v) => v.name)).toEqual(['full']);
  });
});
