import { describe, expect, it } from 'vitest';
import { POWER_ACTIONS, VM_STATES } from '../../../../shared/domain/vm';
import { POWER_HINT, POWER_LABEL, powerAvailable, powerEnabled, primaryPowerAction } from './power';

describe('a list row’s one-click power action', () => {
  it('starts a VM that is off or crashed, resumes a paused one, shuts a running one down', () => {
    expect(primaryPowerAction('shutoff')).toBe('start');
    expect(primaryPowerAction('crashed')).toBe('start');
    expect(primaryPowerAction('paused')).toBe('resume');
    expect(primaryPowerAction('running')).toBe('shutdown');
  });

  it('is an action that applies whenever one of start, resume or shut down does; else Start, disabled', () => {
    for (const state of VM_STATES) {
      const a = primaryPowerAction(state);
      const any = (['start', 'resume', 'shutdown'] as const).some((x) => powerEnabled(x, state));
      expect(powerEnabled(a, state)).toBe(any);
      if (!any) expect(a).toBe('start');
    }
  });

  it('every action has a label and a hint', () => {
    for (const a of POWER_ACTIONS) {
      expect(POWER_LABEL[a]).not.toBe('');
      expect(POWER_HINT[a]).not.toBe('');
    }
  });
});

describe('whether a power action can be asked now', () => {
  it('needs the action to apply to the state, the VM not being created, and no action of ours running', () => {
    for (const action of POWER_ACTIONS) {
      for (const state of VM_STATES) {
        expect(powerAvailable({ state }, null, action)).toBe(
          state !== 'creating' && powerEnabled(action, state),
        );
        expect(powerAvailable({ state }, 'start', action)).toBe(false);
      }
    }
    expect(powerAvailable({ state: 'running' }, null, 'shutdown')).toBe(true);
    expect(powerAvailable({ state: 'running' }, 'reboot', 'shutdown')).toBe(false);
  });

  it('offers no power action on a template: it is never started', () => {
    for (const action of POWER_ACTIONS) {
      for (const state of VM_STATES)
        expect(powerAvailable({ state, template: true }, null, action)).toBe(false);
    }
  });
});
