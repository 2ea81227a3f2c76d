/**
 * The one-click way out of a power-on its host refused for the VM's CPU. The VM is rewritten only here, on
 * the user's click: the button says what it does, and what happened shows beside it.
 */
import { Button, HelperText, HelperTextItem } from '@patternfly/react-core';
import { useQhciMutation } from '../../api/hooks';
import { toAppError } from '../../components/errors';

export function CpuFixButton(props: { vmId: string; vmName: string }) {
  const fix = useQhciMutation('vms.fixCpu');
  return (
    <div className="qhci-cpu-fix" data-testid={`vm-cpu-fix-${props.vmName}`}>
      <Button
        variant="secondary"
        size="sm"
        isLoading={fix.isPending}
        isDisabled={fix.isPending || fix.isSuccess}
        onClick={() => fix.mutate({ vmId: props.vmId })}
        data-testid="vm-cpu-fix-button"
      >
        Use a compatible CPU mode
      </Button>
      <HelperText>
        {fix.isSuccess ? (
          <HelperTextItem variant="success" data-testid="vm-cpu-fix-result">
            {fix.data.detail}
          </HelperTextItem>
        ) : fix.isError ? (
          <HelperTextItem variant="error" data-testid="vm-cpu-fix-error">
            {toAppError(fix.error).message}
          </HelperTextItem>
        ) : (
          <HelperTextItem>
            Redefines the VM with the first CPU mode this host starts (the one that last worked here first)
            and starts it. If none starts, its definition is left as it was.
          </HelperTextItem>
        )}
      </HelperText>
    </div>
  );
}
