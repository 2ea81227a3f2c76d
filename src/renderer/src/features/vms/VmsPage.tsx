import DesktopIcon from '@patternfly/react-icons/dist/esm/icons/desktop-icon';
import { PlaceholderPage } from '../../components/PlaceholderPage';

export function VmsPage() {
  return (
    <PlaceholderPage
      id="vms"
      title="Virtual Machines"
      icon={DesktopIcon}
      body="The virtual machines of every host will appear here, with their state, host and folder."
    />
  );
}
