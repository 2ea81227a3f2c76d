import {
  Card,
  CardBody,
  CardTitle,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
} from '@patternfly/react-core';
import type { FolderNode } from '../../../../shared/domain/folder';
import { countDescendants } from './tree';

/** What is known about the selected folder. */
export function FolderDetails(props: { folder: FolderNode | undefined }) {
  const { folder } = props;
  return (
    <Card isFullHeight>
      <CardTitle component="h2">Selected folder</CardTitle>
      <CardBody>
        {folder === undefined ? (
          <span data-testid="folder-details-none">Select a folder in the tree.</span>
        ) : (
          <DescriptionList isHorizontal>
            <DescriptionListGroup>
              <DescriptionListTerm>Path</DescriptionListTerm>
              <DescriptionListDescription data-testid="folder-details-path">
                {folder.path}
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>VMs in it</DescriptionListTerm>
              <DescriptionListDescription data-testid="folder-details-vms">
                {folder.vmCount}
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Subfolders</DescriptionListTerm>
              <DescriptionListDescription data-testid="folder-details-subfolders">
                {countDescendants(folder)}
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Last changed</DescriptionListTerm>
              <DescriptionListDescription>
                {new Date(folder.updatedAt).toLocaleString()}
              </DescriptionListDescription>
            </DescriptionListGroup>
          </DescriptionList>
        )}
      </CardBody>
    </Card>
  );
}
