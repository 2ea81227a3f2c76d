import {
  Alert,
  AlertActionLink,
  Button,
  Content,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core';
import ExternalLinkAltIcon from '@patternfly/react-icons/dist/esm/icons/external-link-alt-icon';
import SyncAltIcon from '@patternfly/react-icons/dist/esm/icons/sync-alt-icon';
import { useEffect, useRef, useState } from 'react';
import type { VmState } from '../../../../shared/domain/vm';
import { ConsoleStatus } from './ConsoleStatus';
import { connectSerial, type TerminalSize } from './serial-connection';
import { useHostLostRetry } from './reconnect-hook';
import { END_TITLE, hasConsole, type ConsoleView } from './session';
import './console.css';

export interface SerialConsoleProps {
  vmId: string;
  vmState: VmState;
  onDetach?: () => void;
  fill?: boolean;
}

/**
 * The VM's serial console in a terminal. Like `virsh console`, Ctrl+] leaves; another session that takes
 * the console over (virsh console --force) ends this one, and the tab says so.
 */
export function SerialConsole(props: SerialConsoleProps) {
  const [attempt, setAttempt] = useState(0);
  const retry = useHostLostRetry(() => setAttempt((a) => a + 1));
  const running = hasConsole(props.vmState);
  return (
    <div
      className={props.fill ? 'qhci-console qhci-console-fill' : 'qhci-console'}
      data-testid="serial-console"
    >
      {running ? (
        <SerialSession
          key={attempt}
          vmId={props.vmId}
          onReconnect={() => setAttempt((a) => a + 1)}
          onView={retry.onView}
          retryNote={retry.note}
          {...(props.onDetach ? { onDetach: props.onDetach } : {})}
        />
      ) : (
        <ConsoleStatus view="off" what="serial console" onReconnect={() => undefined} testId="serial" />
      )}
    </div>
  );
}

function SerialSession(props: {
  vmId: string;
  onReconnect(): void;
  /** Every change of what the console shows (the parent reconnects after a lost host connection). */
  onView(view: ConsoleView): void;
  retryNote: string | null;
  onDetach?: () => void;
}) {
  const hostRef = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<ConsoleView>({ s: 'connecting' });
  const { onView } = props;
  useEffect(() => onView(view), [view, onView]);
  const [size, setSize] = useState<TerminalSize | null>(null);
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const c = connectSerial(props.vmId, host, setView, setSize);
    return () => c.close();
  }, [props.vmId]);

  return (
    <>
      <Toolbar className="qhci-console-toolbar" data-testid="serial-toolbar">
        <ToolbarContent>
          <ToolbarItem>
            <Content component="small" className="qhci-subtle">
              Press Enter if the console shows nothing yet. Ctrl+] leaves.
            </Content>
          </ToolbarItem>
          <ToolbarGroup align={{ default: 'alignEnd' }}>
            <ToolbarItem>
              <Button
                variant="secondary"
                icon={<SyncAltIcon />}
                onClick={props.onReconnect}
                data-testid="serial-reconnect-toolbar"
              >
                Reconnect
              </Button>
            </ToolbarItem>
            {props.onDetach && (
              <ToolbarItem>
                <Button
                  variant="secondary"
                  icon={<ExternalLinkAltIcon />}
                  onClick={props.onDetach}
                  data-testid="serial-detach"
                >
                  Detach
                </Button>
              </ToolbarItem>
            )}
          </ToolbarGroup>
        </ToolbarContent>
      </Toolbar>
      <SerialState view={view} onReconnect={props.onReconnect} note={props.retryNote} />
      <div className="qhci-console-screen">
        <div
          ref={hostRef}
          className="qhci-serial-host"
          data-testid="serial-screen"
          data-state={view.s}
          data-cols={size?.cols}
          data-rows={size?.rows}
        />
        {view.s === 'connecting' && (
          <div className="qhci-console-overlay">
            <ConsoleStatus
              view={view}
              what="serial console"
              onReconnect={props.onReconnect}
              testId="serial"
            />
          </div>
        )}
      </div>
    </>
  );
}

/** Over the terminal, which keeps its last output: why the console is no longer connected. */
function SerialState(props: { view: ConsoleView; onReconnect(): void; note: string | null }) {
  const { view } = props;
  if (view.s === 'connecting' || view.s === 'connected' || view.s === 'password') return null;
  const reconnect = (
    <AlertActionLink onClick={props.onReconnect} data-testid="serial-reconnect">
      Reconnect
    </AlertActionLink>
  );
  if (view.s === 'left') {
    return (
      <Alert variant="info" isInline title="Disconnected" actionLinks={reconnect} data-testid="serial-left">
        You left the serial console with Ctrl+].
      </Alert>
    );
  }
  const failed = view.s === 'failed';
  return (
    <Alert
      variant={
        failed || view.reason === 'error' ? 'danger' : view.reason === 'taken-over' ? 'warning' : 'info'
      }
      isInline
      title={failed ? 'The serial console could not connect' : END_TITLE[view.reason]}
      actionLinks={reconnect}
      data-testid={failed ? 'serial-failed' : `serial-ended-${view.reason}`}
    >
      <span data-testid="serial-message">{view.message}</span>
      {props.note && <div data-testid="serial-retry">{props.note}</div>}
    </Alert>
  );
}
