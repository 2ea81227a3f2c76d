import {
  Alert,
  Button,
  Card,
  EmptyState,
  EmptyStateActions,
  EmptyStateBody,
  EmptyStateFooter,
  FormSelect,
  FormSelectOption,
  PageSection,
  Spinner,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import ImageIcon from '@patternfly/react-icons/dist/esm/icons/image-icon';
import UploadIcon from '@patternfly/react-icons/dist/esm/icons/upload-icon';
import { useState } from 'react';
import type { ImageSummary } from '../../../../shared/domain/provision';
import { useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import { ImageDeleteModal } from './ImageDeleteModal';
import { ImageUploadModal } from './ImageUploadModal';
import { ImagesTable } from './ImagesTable';

type KindFilter = 'images' | ImageSummary['kind'] | 'all';

const KIND_FILTERS: readonly [KindFilter, string][] = [
  ['images', 'Cloud images and ISOs'],
  ['cloud-image', 'Cloud images'],
  ['iso', 'ISOs'],
  ['disk', 'Disks'],
  ['all', 'Everything'],
];

function matches(kind: KindFilter, img: ImageSummary): boolean {
  if (kind === 'all') return true;
  if (kind === 'images') return img.kind !== 'disk';
  return img.kind === kind;
}

/** The boot images (and other volumes) of every host, and uploading one to a host's pool. */
export function ImagesPage() {
  const project = useProjectInput();
  const images = useQhciQuery('images.list', project);
  const [kind, setKind] = useState<KindFilter>('images');
  const [uploading, setUploading] = useState(false);
  const [deleting, setDeleting] = useState<ImageSummary | null>(null);
  const all = images.data ?? [];
  const shown = all
    .filter((i) => matches(kind, i))
    .sort((a, b) => a.name.localeCompare(b.name) || (a.hostName ?? '').localeCompare(b.hostName ?? ''));

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Images</Title>
      </PageSection>
      <PageSection isFilled>
        <Card>
          <Toolbar aria-label="Image actions">
            <ToolbarContent>
              <ToolbarItem>
                <Button
                  variant="primary"
                  icon={<UploadIcon />}
                  onClick={() => setUploading(true)}
                  data-testid="image-upload"
                >
                  Upload
                </Button>
              </ToolbarItem>
              <ToolbarItem>
                <FormSelect
                  aria-label="Show"
                  value={kind}
                  onChange={(_e, v) => setKind(v as KindFilter)}
                  data-testid="image-kind-filter"
                >
                  {KIND_FILTERS.map(([value, label]) => (
                    <FormSelectOption key={value} value={value} label={label} />
                  ))}
                </FormSelect>
              </ToolbarItem>
              <ToolbarItem align={{ default: 'alignEnd' }}>
                <span className="qhci-subtle" data-testid="image-count">
                  {shown.length} of {all.length}
                </span>
              </ToolbarItem>
            </ToolbarContent>
          </Toolbar>
          {images.isPending && <Spinner aria-label="Loading images" />}
          {images.isError && (
            <Alert variant="danger" isInline title={images.error.message} data-testid="images-load-error" />
          )}
          {images.data !== undefined && shown.length === 0 && (
            <EmptyState titleText="No images yet" headingLevel="h2" icon={ImageIcon}>
              <EmptyStateBody data-testid="images-empty">
                The base disk images that new virtual machines are created from appear here once a host with
                images in its storage pools is synced, or once you upload one.
              </EmptyStateBody>
              <EmptyStateFooter>
                <EmptyStateActions>
                  <Button
                    variant="secondary"
                    onClick={() => setUploading(true)}
                    data-testid="image-upload-empty"
                  >
                    Upload an image
                  </Button>
                </EmptyStateActions>
              </EmptyStateFooter>
            </EmptyState>
          )}
          {shown.length > 0 && <ImagesTable images={shown} testId="image-table" onDelete={setDeleting} />}
        </Card>
      </PageSection>
      {uploading && <ImageUploadModal images={all} onClose={() => setUploading(false)} />}
      {deleting !== null && <ImageDeleteModal image={deleting} onClose={() => setDeleting(null)} />}
    </>
  );
}
