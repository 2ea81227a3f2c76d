import ImageIcon from '@patternfly/react-icons/dist/esm/icons/image-icon';
import { PlaceholderPage } from '../../components/PlaceholderPage';

export function ImagesPage() {
  return (
    <PlaceholderPage
      id="images"
      title="Images"
      icon={ImageIcon}
      body="The base disk images that new virtual machines are created from will appear here."
    />
  );
}
