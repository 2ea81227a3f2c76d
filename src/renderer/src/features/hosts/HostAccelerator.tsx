/**
 * The host's accelerator: what it offers, its policy (editable: automatic, only KVM, or TCG for a host whose
 * KVM cannot run a real guest), and the guest CPU mode creation found to start here.
 */
import { FormSelect, FormSelectOption, HelperText, HelperTextItem } from '@patternfly/react-core';
import { useState } from 'react';
import {
  ACCELERATOR_LABELS,
  ACCELERATORS,
  describeCpuVariant,
  type Accelerator,
} from '../../../../shared/domain/cpu';
import type { HostSummary } from '../../../../shared/domain/host';
import { useQhciMutation } from '../../api/hooks';
import { toAppError } from '../../components/errors';
import { ACCEL_LABEL } from './format';

/** What the host's VMs run under now: its policy over what it offers. */
export function acceleratorInUse(host: HostSummary): string {
  if (!host.facts) return 'unknown until the first sync';
  if (host.policy.accelerator === 'tcg') return ACCEL_LABEL.qemu;
  if (host.policy.accelerator === 'kvm' && host.facts.domainType !== 'kvm')
    return 'none: the policy asks for KVM, which this host does not offer';
  return ACCEL_LABEL[host.facts.domainType];
}

export function HostAcceleratorPolicy(props: { host: HostSummary }) {
  const { host } = props;
  const update = useQhciMutation('hosts.update');
  const [error, setError] = useState<string | null>(null);
  const change = (accelerator: Accelerator) => {
    setError(null);
    update.mutate(
      { id: host.id, policy: { accelerator } },
      { onError: (err) => setError(toAppError(err).message) },
    );
  };
  return (
    <>
      <FormSelect
        id={`host-accel-policy-${host.id}`}
        data-testid="host-accel-policy"
        aria-label="Accelerator policy"
        value={host.policy.accelerator}
        isDisabled={update.isPending}
        onChange={(_e, v) => change(v as Accelerator)}
      >
        {ACCELERATORS.map((a) => (
          <FormSelectOption key={a} value={a} label={ACCELERATOR_LABELS[a]} />
        ))}
      </FormSelect>
      <HelperText>
        <HelperTextItem data-testid="host-accel-in-use">
          New VMs run under {acceleratorInUse(host)}.
        </HelperTextItem>
        {error && (
          <HelperTextItem variant="error" data-testid="host-accel-policy-error">
            {error}
          </HelperTextItem>
        )}
      </HelperText>
    </>
  );
}

/** "host-passthrough without arch-capabilities (found by a creation)", or that none is recorded yet. */
export function cpuModeText(host: HostSummary): string {
  return host.cpuMode
    ? `${describeCpuVariant(host.cpuMode)} (the mode that last started under KVM here; tried first)`
    : 'not known yet: the first creation under KVM finds one';
}
