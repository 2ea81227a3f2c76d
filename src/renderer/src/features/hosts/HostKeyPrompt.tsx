import { Alert, Button, Content } from '@patternfly/react-core';
import type { HostKeyProbe } from '../../../../shared/domain/host';

/**
 * What the SSH host key probe found, when it needs the user: an unknown key is shown (type and fingerprint)
 * with an explicit trust button; a changed key is refused, naming the old and the new fingerprints.
 */
export function HostKeyPrompt(props: {
  target: string;
  probe: HostKeyProbe;
  busy: boolean;
  onTrust: () => void;
}) {
  const { target, probe, busy } = props;
  if (probe.status === 'changed') {
    return (
      <Alert
        variant="danger"
        isInline
        isLiveRegion
        title={`The host key of ${target} has changed`}
        data-testid="host-key-changed"
      >
        <Content component="p">
          The host now presents a different key than the one trusted before. This happens when the host was
          reinstalled, but it is also what an attacker in the middle of the connection would cause. QHCI does
          not connect.
        </Content>
        <dl className="qhci-fingerprints">
          <dt>Trusted before</dt>
          <dd>
            {probe.trusted.map((fp) => (
              <code key={fp} className="qhci-fingerprint" data-testid="host-fingerprint-trusted">
                {fp}
              </code>
            ))}
          </dd>
          <dt>Presented now ({probe.keyType})</dt>
          <dd>
            <code className="qhci-fingerprint" data-testid="host-fingerprint">
              {probe.fingerprint}
            </code>
          </dd>
        </dl>
        <Content component="p">
          Check the key on the host&apos;s console with{' '}
          <code>ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub</code>. If the change is expected, remove the hosts
          that use {target} from QHCI and add the host again.
        </Content>
      </Alert>
    );
  }
  return (
    <Alert
      variant="warning"
      isInline
      isLiveRegion
      title={`The host key of ${target} is not known yet`}
      data-testid="host-key-unknown"
      actionLinks={
        <Button
          variant="primary"
          onClick={props.onTrust}
          isLoading={busy}
          isDisabled={busy}
          data-testid="host-trust"
        >
          Trust and connect
        </Button>
      }
    >
      <Content component="p">
        Compare this fingerprint with the one the host prints for{' '}
        <code>ssh-keygen -lf /etc/ssh/ssh_host_{probe.keyType.replace(/^ssh-/, '')}_key.pub</code>. Trust it
        only if they are the same.
      </Content>
      <div className="qhci-fingerprint-box">
        <span className="qhci-subtle" data-testid="host-key-type">
          {probe.keyType}
        </span>
        <code className="qhci-fingerprint" data-testid="host-fingerprint">
          {probe.fingerprint}
        </code>
      </div>
    </Alert>
  );
}
