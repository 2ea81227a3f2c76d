import { Button, Label } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { ImageSummary } from '../../../../shared/domain/provision';
import { formatBytes } from '../hosts/format';

export const IMAGE_KIND: Record<ImageSummary['kind'], { text: string; color: 'blue' | 'purple' | 'grey' }> = {
  'cloud-image': { text: 'Cloud image', color: 'blue' },
  iso: { text: 'ISO', color: 'purple' },
  disk: { text: 'Disk', color: 'grey' },
};

/**
 * Images and volumes: where each is, what it is, and how many overlays use it as their base. With onDelete,
 * each row has a Delete action (an image that overlays use cannot be deleted: the button says why).
 */
export function ImagesTable(props: {
  images: readonly ImageSummary[];
  showHost?: boolean;
  testId: string;
  onDelete?: (image: ImageSummary) => void;
}) {
  const showHost = props.showHost ?? true;
  const { onDelete } = props;
  return (
    <Table aria-label="Images" variant="compact" data-testid={props.testId}>
      <Thead>
        <Tr>
          <Th modifier="nowrap">Name</Th>
          {showHost && <Th modifier="nowrap">Host</Th>}
          <Th modifier="nowrap">Pool</Th>
          <Th modifier="nowrap">Kind</Th>
          <Th modifier="nowrap">Format</Th>
          <Th modifier="nowrap">Virtual size</Th>
          <Th modifier="nowrap">Used by</Th>
          {onDelete && <Th screenReaderText="Actions" />}
        </Tr>
      </Thead>
      <Tbody>
        {props.images.map((img) => (
          <Tr key={img.id} data-testid={`image-row-${img.name}`}>
            <Td dataLabel="Name">
              <strong className="qhci-break" title={img.path}>
                {img.name}
              </strong>
              <div className="qhci-subtle qhci-break">
                <code>{img.path}</code>
              </div>
            </Td>
            {showHost && (
              <Td dataLabel="Host" modifier="nowrap" data-testid={`image-host-${img.name}`}>
                {img.hostName ?? '—'}
              </Td>
            )}
            <Td dataLabel="Pool" modifier="nowrap" data-testid={`image-pool-${img.name}`}>
              {img.pool ?? '—'}
            </Td>
            <Td dataLabel="Kind" data-testid={`image-kind-${img.name}`}>
              <Label isCompact color={IMAGE_KIND[img.kind].color}>
                {IMAGE_KIND[img.kind].text}
              </Label>
            </Td>
            <Td dataLabel="Format" data-testid={`image-format-${img.name}`}>
              {img.format ?? '—'}
            </Td>
            <Td dataLabel="Virtual size" modifier="nowrap" data-testid={`image-size-${img.name}`}>
              {img.virtualBytes === null ? '—' : formatBytes(img.virtualBytes)}
            </Td>
            <Td dataLabel="Used by" modifier="nowrap" data-testid={`image-usedby-${img.name}`}>
              {img.usedBy === 0 ? '—' : `${img.usedBy} overlay${img.usedBy === 1 ? '' : 's'}`}
            </Td>
            {onDelete && (
              <Td dataLabel="Actions" modifier="fitContent">
                <Button
                  variant="secondary"
                  isDanger
                  size="sm"
                  onClick={() => onDelete(img)}
                  isAriaDisabled={img.usedBy > 0}
                  title={
                    img.usedBy > 0
                      ? `Used as the base of ${img.usedBy} overlay${img.usedBy === 1 ? '' : 's'}: delete those first`
                      : undefined
                  }
                  aria-label={`Delete ${img.name}`}
                  data-testid={`image-delete-${img.name}`}
                >
                  Delete
                </Button>
              </Td>
            )}
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
