import { Alert, Button, Spinner, Title } from '@patternfly/react-core';
import ArrowLeftIcon from '@patternfly/react-icons/dist/esm/icons/arrow-left-icon';
import type { ConsoleKind } from '../../../../shared/domain/console';
import { useQhciQuery } from '../../api/hooks';
import { useUi } from '../../stores/ui';
import { SerialConsole } from './SerialConsole';
import { VncConsole } from './VncConsole';
import './console.css';

/**
 * A console alone in the window, in place of the shell: the app may open no second window, so "Detach"
 * gives this one to the console. Back returns to the VM page, on the console's tab.
 */
export function DetachedConsole(props: { vmId: string; kind: ConsoleKind }) {
  const back = useUi((s) => s.reattachConsole);
  const vm = useQhciQuery('vms.get', { id: props.vmId });
  const what = props.kind === 'vnc' ? 'Console' : 'Serial console';
  return (
    <div className="qhci-console-detached" data-testid="console-detached">
      <div className="qhci-console-detached-bar">
        <Button
          variant="secondary"
          icon={<ArrowLeftIcon />}
          onClick={back}
          data-testid="console-detached-back"
        >
          Back to the VM page
        </Button>
        <Title headingLevel="h1" size="lg">
          {vm.data ? `${vm.data.name}: ${what}` : what}
        </Title>
      </div>
      <div className="qhci-console-detached-body">
        {vm.isPending && <Spinner aria-label="Loading the virtual machine" />}
        {vm.isError && <Alert variant="danger" isInline title={vm.error.message} />}
        {vm.data &&
          (props.kind === 'vnc' ? (
            <VncConsole vmId={vm.data.id} vmState={vm.data.state} fill />
          ) : (
            <SerialConsole vmId={vm.data.id} vmState={vm.data.state} fill />
          ))}
      </div>
    </div>
  );
}
