/**
 * The VM page's Settings tab: CPU, memory, disks, NICs, CD-ROM, boot order, autostart, description and
 * labels, edited as a draft; "Review changes" shows what the host would do (the XML diff, live or next boot,
 * refusals) before anything is applied. A template's settings are not edited here.
 */
import {
  ActionGroup,
  Alert,
  Button,
  EmptyState,
  EmptyStateBody,
  Grid,
  GridItem,
  List,
  ListItem,
  Spinner,
} from '@patternfly/react-core';
import LockIcon from '@patternfly/react-icons/dist/esm/icons/lock-icon';
import { useState } from 'react';
import type { VmDetail } from '../../../../shared/domain/vm';
import { ComputeSection } from './ComputeSection';
import { DisksSection } from './DisksSection';
import {
  destructiveChanges,
  draftChanges,
  initDraft,
  requestErrors,
  validateDraft,
  type SettingsDraft,
} from './draft';
import { GeneralSection } from './GeneralSection';
import { MediaBootSection } from './MediaBootSection';
import { NicsSection } from './NicsSection';
import { useHostResources } from './resources';
import { ReviewModal } from './ReviewModal';
import './settings.css';

/** Why the VM's settings cannot be edited here, or null. */
function readOnlyReason(vm: VmDetail): string | null {
  if (vm.template) {
    return 'A template is never started and its disks are the read-only bases of its linked clones: changing it would change what every clone reads. Make a full clone of it, change the clone, and convert that into a new template.';
  }
  if (vm.hostId === null)
    return 'The VM is on no host the inventory knows: there is no definition to change.';
  return null;
}

export function SettingsTab(props: { vm: VmDetail }) {
  const reason = readOnlyReason(props.vm);
  if (reason !== null) {
    return (
      <EmptyState
        titleText="These settings are read-only"
        headingLevel="h2"
        icon={LockIcon}
        data-testid="settings-read-only"
      >
        <EmptyStateBody data-testid="settings-read-only-reason">{reason}</EmptyStateBody>
      </EmptyState>
    );
  }
  return <SettingsEditor vm={props.vm} />;
}

/** The draft, kept with the VM it was made from: an untouched draft follows the VM when it is read again. */
function useDraft(vm: VmDetail) {
  const [state, setState] = useState(() => ({ base: vm, draft: initDraft(vm) }));
  let current = state;
  if (state.base !== vm && draftChanges(state.draft, state.base).length === 0) {
    current = { base: vm, draft: initDraft(vm) };
    setState(current);
  }
  return {
    base: current.base,
    draft: current.draft,
    update: (patch: Partial<SettingsDraft>) => setState((s) => ({ ...s, draft: { ...s.draft, ...patch } })),
    reset: () => setState({ base: vm, draft: initDraft(vm) }),
  };
}

function SettingsEditor(props: { vm: VmDetail }) {
  const { base, draft, update, reset } = useDraft(props.vm);
  const host = useHostResources(base);
  const [reviewing, setReviewing] = useState(false);
  const [tried, setTried] = useState(false);
  const errors = validateDraft(draft, { diskBytes: host.diskBytes });
  const changes = draftChanges(draft, base);
  const whole = requestErrors(base.id, changes);
  const invalid = Object.keys(errors).length > 0 || whole.length > 0;
  const shownErrors = tried ? errors : {};
  const section = { vm: base, draft, errors: shownErrors, host, onChange: update };

  return (
    <div data-testid="settings-tab">
      {host.error !== null && (
        <Alert
          variant="warning"
          isInline
          title="The host's pools and networks could not be read"
          data-testid="settings-host-error"
        >
          {host.error}
        </Alert>
      )}
      {host.loading && <Spinner size="md" aria-label="Reading the host's pools and networks" />}
      <Grid hasGutter>
        <GridItem span={12}>
          <ComputeSection {...section} />
        </GridItem>
        <GridItem span={12}>
          <DisksSection {...section} />
        </GridItem>
        <GridItem span={12}>
          <NicsSection {...section} />
        </GridItem>
        <GridItem lg={6}>
          <MediaBootSection {...section} />
        </GridItem>
        <GridItem lg={6}>
          <GeneralSection {...section} />
        </GridItem>
      </Grid>
      <div className="qhci-settings-footer" data-testid="settings-footer">
        {tried && whole.length > 0 && (
          <Alert
            variant="danger"
            isInline
            isPlain
            title="The changes cannot go together"
            data-testid="settings-request-errors"
          >
            <List>
              {whole.map((m) => (
                <ListItem key={m}>{m}</ListItem>
              ))}
            </List>
          </Alert>
        )}
        <ActionGroup>
          <Button
            variant="primary"
            // A draft with mistakes can be reviewed: the click names them.
            isDisabled={(changes.length === 0 && !invalid) || (tried && invalid)}
            onClick={() => {
              setTried(true);
              if (!invalid) setReviewing(true);
            }}
            data-testid="settings-review"
          >
            Review changes
          </Button>
          <Button
            variant="link"
            isDisabled={changes.length === 0}
            onClick={reset}
            data-testid="settings-discard"
          >
            Discard
          </Button>
          <span className="qhci-subtle" data-testid="settings-count">
            {changes.length === 0
              ? 'No changes'
              : changes.length === 1
                ? '1 change'
                : `${changes.length} changes`}
          </span>
        </ActionGroup>
      </div>
      {reviewing && (
        <ReviewModal
          vm={base}
          changes={changes}
          destructive={destructiveChanges(changes, base)}
          onClose={() => setReviewing(false)}
          onApplied={() => {
            reset();
            setTried(false);
          }}
        />
      )}
    </div>
  );
}
