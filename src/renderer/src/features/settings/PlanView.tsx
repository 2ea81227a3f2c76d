/**
 * What a settings change would do, as `vms.settingsPlan` answered: the refusals (with the scheduler's reasons
 * when the growth does not fit), each change with when it takes effect, the volumes made, grown or deleted,
 * and the domain XML diff.
 */
import { Alert, Label, List, ListItem, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { SettingsEffect, VmSettingsPreview } from '../../../../shared/domain/vm-settings';
import { XmlDiffView } from './XmlDiffView';

const EFFECTS: Record<
  SettingsEffect,
  { text: string; color: 'blue' | 'orange' | 'green' | 'purple'; help: string }
> = {
  live: { text: 'Live', color: 'blue', help: 'on the running VM now, not kept after it stops' },
  'next-boot': { text: 'Next boot', color: 'orange', help: 'in the definition, from the next start' },
  both: { text: 'Both', color: 'green', help: 'on the running VM now, and kept in the definition' },
  now: { text: 'Now', color: 'purple', help: 'at once; no restart involved' },
};

export function EffectLabel(props: { effect: SettingsEffect; testId?: string }) {
  const e = EFFECTS[props.effect];
  return (
    <Label color={e.color} isCompact data-testid={props.testId}>
      {e.text}
    </Label>
  );
}

function Refusals(props: { preview: VmSettingsPreview; summaries: readonly string[] }) {
  const { preview } = props;
  const misfit = preview.fit !== null && !preview.fit.feasible ? preview.fit : null;
  if (preview.refusals.length === 0 && misfit === null) return null;
  // The request-wide refusal that only repeats the scheduler's reasons is said once, below, with its host.
  const refusals = preview.refusals.filter(
    (r) => !(misfit !== null && r.index < 0 && misfit.reasons.some((x) => r.message.includes(x))),
  );
  return (
    <Alert
      variant="danger"
      isInline
      title="These changes cannot be made; nothing will be changed"
      data-testid="settings-refusals"
    >
      {refusals.length > 0 && (
        <List>
          {refusals.map((r, i) => (
            <ListItem key={i} data-testid="settings-refusal">
              {r.index >= 0 && props.summaries[r.index] !== undefined ? (
                <strong>{props.summaries[r.index]}: </strong>
              ) : null}
              {r.message}
            </ListItem>
          ))}
        </List>
      )}
      {misfit !== null && (
        <div className="qhci-settings-fit" data-testid="settings-fit-reasons">
          The scheduler&apos;s checks on {misfit.hostName} refuse the growth:
          <List>
            {misfit.reasons.map((r) => (
              <ListItem key={r}>{r}</ListItem>
            ))}
          </List>
        </div>
      )}
    </Alert>
  );
}

function Changes(props: { preview: VmSettingsPreview }) {
  const used = [...new Set(props.preview.changes.map((c) => c.effect))];
  return (
    <>
      <Table aria-label="Changes" variant="compact" data-testid="settings-plan-changes">
        <Thead>
          <Tr>
            <Th width={50}>Change</Th>
            <Th modifier="nowrap">Takes effect</Th>
            <Th>Note</Th>
          </Tr>
        </Thead>
        <Tbody>
          {props.preview.changes.map((c) => (
            <Tr key={c.index} data-testid={`settings-plan-change-${c.index}`}>
              <Td dataLabel="Change">{c.summary}</Td>
              <Td dataLabel="Takes effect">
                <EffectLabel effect={c.effect} testId={`settings-plan-effect-${c.index}`} />
              </Td>
              <Td dataLabel="Note" className="qhci-subtle">
                {c.note ?? ''}
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      <p className="qhci-subtle qhci-settings-helper">
        {used.map((e) => `${EFFECTS[e].text}: ${EFFECTS[e].help}.`).join(' ')}
      </p>
    </>
  );
}

function Volumes(props: { preview: VmSettingsPreview }) {
  const v = props.preview.volumes;
  const rows: [string, readonly string[], string][] = [
    ['Created', v.create, 'create'],
    ['Grown', v.grow, 'grow'],
    ['Deleted', v.delete, 'delete'],
  ];
  if (rows.every(([, list]) => list.length === 0)) return null;
  return (
    <div data-testid="settings-plan-volumes">
      <Title headingLevel="h3" size="md">
        Volumes
      </Title>
      <List isPlain>
        {rows.flatMap(([what, list, id]) =>
          list.map((name) => (
            <ListItem key={`${id}-${name}`} data-testid={`settings-volume-${id}`}>
              <Label isCompact color={id === 'delete' ? 'red' : id === 'create' ? 'green' : 'blue'}>
                {what}
              </Label>{' '}
              <code>{name}</code>
            </ListItem>
          )),
        )}
      </List>
    </div>
  );
}

export function PlanView(props: { preview: VmSettingsPreview; summaries: readonly string[] }) {
  const { preview } = props;
  const fit = preview.fit;
  return (
    <div className="qhci-settings-plan" data-testid="settings-plan">
      <Refusals preview={preview} summaries={props.summaries} />
      {preview.changes.length > 0 && <Changes preview={preview} />}
      {fit !== null && fit.feasible && (
        <div className="qhci-subtle" data-testid="settings-fit-ok">
          The growth fits on {fit.hostName} (the scheduler&apos;s checks for memory, CPU overcommit and pool
          space).
        </div>
      )}
      <Volumes preview={preview} />
      <div>
        <Title headingLevel="h3" size="md">
          Domain XML: what libvirt will get
        </Title>
        <XmlDiffView before={preview.xmlBefore} after={preview.xmlAfter} />
      </div>
    </div>
  );
}
