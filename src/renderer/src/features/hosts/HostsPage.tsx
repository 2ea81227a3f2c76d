import ServerIcon from '@patternfly/react-icons/dist/esm/icons/server-icon';
import { PlaceholderPage } from '../../components/PlaceholderPage';

export function HostsPage() {
  return (
    <PlaceholderPage
      id="hosts"
      title="Hosts"
      icon={ServerIcon}
      body="The KVM/libvirt hosts QHCI manages will appear here, with their connection state, CPU, memory and storage."
    />
  );
}
