import { describe, expect, it } from 'vitest';
import type { VmGuestStatus } from '../../../../shared/domain/vm';
import { guestSummary, NO_LIFE_WARNING_MS } from './guest';

const base: VmGuestStatus = {
  state: 'running',
  domainType: 'kvm',
  agent: false,
  source: null,
  addresses: [],
};

describe('guestSummary', () => {
  it('names the agent and its addresses first, then a DHCP lease', () => {
    expect(guestSummary({ ...base, agent: true, source: 'agent', addresses: ['10.0.0.5'] }, 0).text).toBe(
      'Guest agent answering · 10.0.0.5',
    );
    expect(guestSummary({ ...base, source: 'lease', addresses: ['192.168.122.9'] }, 0).text).toBe(
      'DHCP lease 192.168.122.9 · no guest agent',
    );
  });

  it('warns only under KVM, only after long enough with no sign at all', () => {
    expect(guestSummary(base, NO_LIFE_WARNING_MS - 1).warning).toBeNull();
    expect(guestSummary(base, NO_LIFE_WARNING_MS).warning).toMatch(/accelerator to TCG/);
    expect(guestSummary({ ...base, domainType: 'qemu' }, 10 * NO_LIFE_WARNING_MS).warning).toBeNull();
    expect(
      guestSummary({ ...base, source: 'lease', addresses: ['x'] }, 10 * NO_LIFE_WARNING_MS).warning,
    ).toBeNull();
  });
});
