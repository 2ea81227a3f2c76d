import { Page } from '@patternfly/react-core';
import { useInventoryInvalidation } from '../api/events';
import { DetachedConsole } from '../features/console/DetachedConsole';
import { FoldersPage } from '../features/folders/FoldersPage';
import { HostsPage } from '../features/hosts/HostsPage';
import { ImagesPage } from '../features/images/ImagesPage';
import { SpecsPage } from '../features/specs/SpecsPage';
import { TasksPage } from '../features/tasks/TasksPage';
import { VmsPage } from '../features/vms/VmsPage';
import { CreateVmWizard } from '../features/wizard/CreateVmWizard';
import { useUi, type PageId } from '../stores/ui';
import { AppMasthead } from './AppMasthead';
import { AppSidebar } from './AppSidebar';

const PAGE_COMPONENTS: Record<PageId, () => React.JSX.Element> = {
  hosts: HostsPage,
  vms: VmsPage,
  folders: FoldersPage,
  specs: SpecsPage,
  images: ImagesPage,
  tasks: TasksPage,
  'create-vm': CreateVmWizard,
};

export function AppShell() {
  useInventoryInvalidation();
  const page = useUi((s) => s.page);
  const detached = useUi((s) => s.detachedConsole);
  const Current = PAGE_COMPONENTS[page];
  // A detached console fills the window: no masthead, no sidebar (new windows are not allowed).
  if (detached !== null) return <DetachedConsole vmId={detached.vmId} kind={detached.kind} />;
  return (
    <Page masthead={<AppMasthead />} sidebar={<AppSidebar />} isManagedSidebar mainAriaLabel="Page content">
      <Current />
    </Page>
  );
}
