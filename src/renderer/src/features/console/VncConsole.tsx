import { Alert, AlertActionCloseButton } from '@patternfly/react-core';
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { DisplayInfo } from '../../../../shared/domain/console';
import type { VmState } from '../../../../shared/domain/vm';
import { ConsoleStatus } from './ConsoleStatus';
import { ExposedDisplay } from './ExposedDisplay';
import { pressCombo } from './keys';
import { PasswordPrompt } from './PasswordPrompt';
import { useHostLostRetry } from './reconnect-hook';
import { hasConsole, type ConsoleView } from './session';
import { TypeTextModal } from './TypeTextModal';
import { connectVnc, typeText, type VncConnection } from './vnc-connection';
import { VncToolbar } from './VncToolbar';
import './console.css';

export interface VncConsoleProps {
  vmId: string;
  vmState: VmState;
  /** On the VM page: opens the console alone in the window. */
  onDetach?: () => void;
  /** Fill the window (the detached view) rather than a tab. */
  fill?: boolean;
}

/**
 * The VM's screen (noVNC) with its controls. The connection lives as long as the component: leaving the
 * tab or the page closes the session. Reconnect starts a new session (a new VncSession).
 */
export function VncConsole(props: VncConsoleProps) {
  const [attempt, setAttempt] = useState(0);
  const retry = useHostLostRetry(() => setAttempt((a) => a + 1));
  const [scale, setScale] = useState(true);
  const frameRef = useRef<HTMLDivElement>(null);
  const fullscreen = useFullscreen(frameRef);
  const running = hasConsole(props.vmState);
  return (
    <div
      ref={frameRef}
      className={props.fill ? 'qhci-console qhci-console-fill' : 'qhci-console'}
      data-testid="vnc-console"
    >
      {running ? (
        <VncSession
          key={attempt}
          vmId={props.vmId}
          scale={scale}
          onScale={setScale}
          fullscreen={fullscreen}
          onReconnect={() => setAttempt((a) => a + 1)}
          onView={retry.onView}
          retryNote={retry.note}
          {...(props.onDetach ? { onDetach: props.onDetach } : {})}
        />
      ) : (
        <ConsoleStatus view="off" what="console" onReconnect={() => undefined} testId="vnc" />
      )}
    </div>
  );
}

function VncSession(props: {
  vmId: string;
  scale: boolean;
  onScale(scale: boolean): void;
  fullscreen: Fullscreen;
  onReconnect(): void;
  /** Every change of what the console shows (the parent reconnects after a lost host connection). */
  onView(view: ConsoleView): void;
  retryNote: string | null;
  onDetach?: () => void;
}) {
  const screenRef = useRef<HTMLDivElement>(null);
  const { view, setView, display, conn } = useVnc(props.vmId, screenRef, props.scale);
  const { onView } = props;
  useEffect(() => onView(view), [view, onView]);
  const [typing, setTyping] = useState(false);
  // Once "Type text" closes, the keyboard goes back to the screen. Not in onClose: the dialog's focus trap
  // gives focus back to the toolbar button as it unmounts, which is after onClose and before this effect.
  const refocus = useRef(false);
  useEffect(() => {
    if (typing || !refocus.current) return;
    refocus.current = false;
    conn.current?.rfb?.focus({ preventScroll: true });
  }, [typing, conn]);
  const [notice, setNotice] = useState<string | null>(null);
  const rfb = () => conn.current?.rfb ?? null;

  return (
    <>
      <VncToolbar
        connected={view.s === 'connected'}
        scale={props.scale}
        onScale={props.onScale}
        fullscreen={props.fullscreen.active}
        onFullscreen={() => props.fullscreen.toggle().catch((e: unknown) => setNotice(fullscreenRefused(e)))}
        onSendKeys={(combo) => {
          const r = rfb();
          if (r) pressCombo((keysym, code, down) => r.sendKey(keysym, code, down), combo);
        }}
        onTypeText={() => setTyping(true)}
        onReconnect={props.onReconnect}
        {...(props.onDetach ? { onDetach: props.onDetach } : {})}
      />
      {display?.exposed && (
        <ExposedDisplay
          kind="vnc"
          listen={display.listen}
          passwordRequired={display.passwordRequired}
          testId="vnc-exposed"
        />
      )}
      {notice !== null && (
        <Alert
          variant="warning"
          isInline
          isPlain
          title={notice}
          actionClose={<AlertActionCloseButton onClose={() => setNotice(null)} />}
          data-testid="vnc-notice"
        />
      )}
      <div className="qhci-console-screen">
        <div
          ref={screenRef}
          className="qhci-console-screen-host"
          data-testid="vnc-screen"
          data-state={view.s}
        />
        {view.s === 'password' ? (
          <div className="qhci-console-overlay">
            <PasswordPrompt
              username={view.username}
              onSubmit={(credentials) => {
                setView({ s: 'connecting' });
                rfb()?.sendCredentials(credentials);
              }}
            />
          </div>
        ) : (
          view.s !== 'connected' && (
            <div className="qhci-console-overlay">
              <ConsoleStatus
                view={view}
                what="console"
                onReconnect={props.onReconnect}
                note={props.retryNote}
                testId="vnc"
              />
            </div>
          )
        )}
      </div>
      {typing && (
        <TypeTextModal
          onType={(text) => void typeText(rfb, text)}
          onClose={() => {
            refocus.current = true;
            setTyping(false);
          }}
        />
      )}
    </>
  );
}

function useVnc(vmId: string, screenRef: RefObject<HTMLDivElement | null>, scale: boolean) {
  const [view, setView] = useState<ConsoleView>({ s: 'connecting' });
  const [display, setDisplay] = useState<DisplayInfo | null>(null);
  const conn = useRef<VncConnection | null>(null);
  const scaleRef = useRef(scale);
  useEffect(() => {
    scaleRef.current = scale;
    const rfb = conn.current?.rfb;
    if (rfb) rfb.scaleViewport = scale;
  }, [scale]);
  useEffect(() => {
    const screen = screenRef.current;
    if (!screen) return;
    const c = connectVnc(vmId, screen, { view: setView, display: setDisplay, scale: () => scaleRef.current });
    conn.current = c;
    return () => {
      conn.current = null;
      c.close();
    };
  }, [vmId, screenRef]);
  return { view, setView, display, conn };
}

interface Fullscreen {
  readonly active: boolean;
  toggle(): Promise<void>;
}

/** Full screen of the console's frame (toolbar included, so it can be left with a click too). */
function useFullscreen(ref: RefObject<HTMLElement | null>): Fullscreen {
  const [active, setActive] = useState(false);
  useEffect(() => {
    const onChange = () =>
      setActive(document.fullscreenElement !== null && document.fullscreenElement === ref.current);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, [ref]);
  return {
    active,
    toggle: async () => {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await ref.current?.requestFullscreen();
    },
  };
}

function fullscreenRefused(err: unknown): string {
  const why = err instanceof Error && err.message ? ` (${err.message})` : '';
  return `The window refused to go full screen${why}. Detach the console to give it the whole window.`;
}
