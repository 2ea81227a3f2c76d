import { Alert } from '@patternfly/react-core';
import './console.css';

/**
 * A display that listens beyond the host's loopback: anyone who reaches the host on the network can reach
 * the VM's screen. Shown on the VM page (from the last sync) and over the console (from the live display).
 */
export function ExposedDisplay(props: {
  kind: string;
  /** Where it listens, when known. */
  listen: string | null;
  /** Whether the display asks for a password, when known. */
  passwordRequired?: boolean;
  testId: string;
}) {
  const password =
    props.passwordRequired === undefined
      ? ''
      : props.passwordRequired
        ? ' (it asks for a password)'
        : ', and it asks for no password';
  return (
    <Alert
      variant="warning"
      isInline
      className="qhci-console-exposed"
      title={`This VM's ${props.kind.toUpperCase()} display listens beyond the host's loopback${props.listen === null ? '' : ` (${props.listen})`}`}
      data-testid={props.testId}
    >
      Others on the host&apos;s network can reach its screen{password}. Make it listen on 127.0.0.1 only: the
      console reaches it through the host connection either way.
    </Alert>
  );
}
