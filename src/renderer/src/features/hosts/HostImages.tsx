import { Alert, Card, CardBody, CardTitle, Spinner } from '@patternfly/react-core';
import { useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import { ImagesTable } from '../images/ImagesTable';

/** The boot images (cloud images and ISOs) on one host, with how many overlays use each. */
export function HostImages(props: { hostId: string }) {
  const project = useProjectInput();
  const images = useQhciQuery('images.list', { ...project, hostId: props.hostId });
  const bootImages = (images.data ?? [])
    .filter((i) => i.kind !== 'disk')
    .sort((a, b) => a.name.localeCompare(b.name));
  return (
    <Card data-testid="host-images">
      <CardTitle component="h2">Images ({bootImages.length})</CardTitle>
      {images.isPending && (
        <CardBody>
          <Spinner size="md" aria-label="Loading images" />
        </CardBody>
      )}
      {images.isError && (
        <CardBody>
          <Alert variant="danger" isInline title={images.error.message} data-testid="host-images-error" />
        </CardBody>
      )}
      {images.data !== undefined && bootImages.length === 0 && (
        <CardBody className="qhci-subtle" data-testid="host-images-empty">
          No cloud images or ISOs on this host.
        </CardBody>
      )}
      {bootImages.length > 0 && (
        <ImagesTable images={bootImages} showHost={false} testId="host-images-table" />
      )}
    </Card>
  );
}
