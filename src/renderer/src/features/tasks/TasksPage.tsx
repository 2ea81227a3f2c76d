import TasksIcon from '@patternfly/react-icons/dist/esm/icons/tasks-icon';
import { PlaceholderPage } from '../../components/PlaceholderPage';

export function TasksPage() {
  return (
    <PlaceholderPage
      id="tasks"
      title="Tasks"
      icon={TasksIcon}
      body="Long-running operations, such as creating a virtual machine, will appear here with their progress."
    />
  );
}
