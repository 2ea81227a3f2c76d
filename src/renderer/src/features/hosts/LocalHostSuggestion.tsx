import { Alert, AlertActionLink } from '@patternfly/react-core';
import { useQhciMutation, useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import { toAppError } from '../../components/errors';

/**
 * First run: when this workstation runs libvirt itself and no host uses it yet, offer it in one click
 * (as virt-manager offers its local connection).
 */
export function LocalHostSuggestion() {
  const project = useProjectInput();
  const suggestion = useQhciQuery('hosts.suggestLocal', {});
  const add = useQhciMutation('hosts.add');
  const uri = suggestion.data?.uri;
  if (!uri) return null;
  return (
    <Alert
      variant="info"
      isInline
      title="This workstation runs libvirt"
      data-testid="host-local-suggestion"
      actionLinks={
        <AlertActionLink
          data-testid="host-local-add"
          isDisabled={add.isPending}
          onClick={() =>
            add.mutate({ ...project, name: 'This workstation', connection: { kind: 'libvirt', uri } })
          }
        >
          {add.isPending ? 'Adding…' : `Add ${uri}`}
        </AlertActionLink>
      }
    >
      Manage the virtual machines on this computer too, through <code>{uri}</code>.
      {add.isError && (
        <div className="pf-v6-u-danger-color-100" data-testid="host-local-error">
          {toAppError(add.error).message}
        </div>
      )}
    </Alert>
  );
}
