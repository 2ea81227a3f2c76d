import {
  Button,
  Card,
  CardBody,
  CardHeader,
  CardTitle,
  Checkbox,
  Content,
  Flex,
  FlexItem,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Gallery,
  Label,
  Progress,
  ProgressMeasureLocation,
  ProgressVariant,
  Form,
  TextInput,
  Title,
  Alert,
  InputGroup,
  InputGroupItem,
} from '@patternfly/react-core';
import PlusIcon from '@patternfly/react-icons/dist/esm/icons/plus-icon';
import TrashIcon from '@patternfly/react-icons/dist/esm/icons/trash-icon';
import type { StoredPool } from '../../../../../shared/domain/host';
import { FieldError } from '../../../components/FieldError';
import { useWizard } from '../../../stores/wizard';
import type { DiskDraft, SizeUnit, StepErrors } from '../draft';
import { validated } from '../fields';
import { formatSize } from '../format';
import type { WizardData } from '../useWizardData';
import { minimumBootBytes, newDisk } from './storage';

function PoolCard(props: { hostName: string; pool: StoredPool; after: number | null; chosen: boolean }) {
  const { hostName, pool, after, chosen } = props;
  const used = pool.capacityBytes > 0 ? Math.min(100, (pool.allocationBytes / pool.capacityBytes) * 100) : 0;
  const afterUsed =
    after !== null && pool.capacityBytes > 0
      ? ((pool.capacityBytes - after) / pool.capacityBytes) * 100
      : used;
  const variant =
    after !== null && after < 0
      ? ProgressVariant.danger
      : afterUsed >= 90
        ? ProgressVariant.warning
        : undefined;
  const id = `pool-card-${hostName}-${pool.name}`;
  return (
    <Card isCompact data-testid={id} className={chosen ? 'qhci-wizard-chosen-card' : undefined}>
      <CardHeader>
        <CardTitle>
          {pool.name}{' '}
          <Label isCompact color="grey">
            {pool.type}
          </Label>{' '}
          {pool.state !== 'running' && (
            <Label isCompact color="orange">
              {pool.state}
            </Label>
          )}
        </CardTitle>
        <span className="qhci-subtle">on {hostName}</span>
      </CardHeader>
      <CardBody>
        <Progress
          value={used}
          size="sm"
          measureLocation={ProgressMeasureLocation.none}
          aria-label={`Storage pool ${pool.name} on ${hostName}: ${formatSize(pool.allocationBytes)} used of ${formatSize(pool.capacityBytes)}`}
          {...(variant ? { variant } : {})}
        />
        <Content component="small" data-testid={`${id}-free`}>
          <strong>{formatSize(pool.availableBytes)} free</strong> of {formatSize(pool.capacityBytes)}
        </Content>
        <Content component="small" data-testid={`${id}-after`}>
          {after === null ? (
            <span className="qhci-subtle">Not used by this VM</span>
          ) : (
            <>
              Left after this VM: <strong>{formatSize(Math.max(0, after))}</strong>
              {after < 0 && ' (not enough)'}
            </>
          )}
        </Content>
      </CardBody>
    </Card>
  );
}

export function StorageStep(props: { errors: StepErrors; data: WizardData }) {
  const { errors, data } = props;
  const disks = useWizard((s) => s.draft.storage.disks);
  const boot = useWizard((s) => s.draft.boot);
  const update = useWizard((s) => s.update);
  const facts = data.facts;
  const outcome = data.outcome;
  const chosen = new Set(outcome?.ok ? outcome.result.chosen : []);

  // Bytes this request takes per host and pool, as the dry run planned them.
  const planned = new Map<string, number>();
  if (outcome?.ok) {
    for (const p of outcome.result.placements) {
      for (const [pool, bytes] of Object.entries(p.poolBytes)) {
        const k = `${p.hostId}\u0000${pool}`;
        planned.set(k, (planned.get(k) ?? 0) + bytes);
      }
    }
  }
  const hosts = [...data.hostDetails].sort(
    (a, b) =>
      Number(chosen.has(b.host.id)) - Number(chosen.has(a.host.id)) || a.host.name.localeCompare(b.host.name),
  );
  const poolNames = new Map<string, string[]>();
  for (const h of hosts)
    for (const p of h.pools) poolNames.set(p.name, [...(poolNames.get(p.name) ?? []), h.host.name]);
  const minBoot = minimumBootBytes(boot, facts);

  const setDisk = (i: number, patch: Partial<DiskDraft>, field: string) =>
    update('storage', { disks: disks.map((d, j) => (j === i ? ({ ...d, ...patch } as DiskDraft) : d)) }, [
      `storage.disks.${i}.${field}`,
    ]);

  return (
    <Form onSubmit={(e) => e.preventDefault()} data-testid="wizard-storage">
      <Title headingLevel="h2" size="lg">
        Storage pools
      </Title>
      {hosts.map((h) => (
        <section
          key={h.host.id}
          aria-label={`Pools of ${h.host.name}`}
          data-testid={`wizard-pools-${h.host.name}`}
        >
          <Title headingLevel="h3" size="md" className="qhci-wizard-gap">
            {h.host.name}{' '}
            {chosen.has(h.host.id) && (
              <Label color="blue" isCompact>
                Chosen host
              </Label>
            )}
          </Title>
          {h.pools.length === 0 ? (
            <span className="qhci-subtle">No storage pools</span>
          ) : (
            <Gallery hasGutter minWidths={{ default: '240px' }}>
              {h.pools.map((p) => {
                const bytes = planned.get(`${h.host.id}\u0000${p.name}`);
                return (
                  <PoolCard
                    key={p.id}
                    hostName={h.host.name}
                    pool={p}
                    chosen={chosen.has(h.host.id)}
                    after={bytes === undefined ? null : p.availableBytes - bytes}
                  />
                );
              })}
            </Gallery>
          )}
        </section>
      ))}

      <Title headingLevel="h2" size="lg" className="qhci-wizard-gap">
        Disks
      </Title>
      {errors.disks !== undefined && (
        <Alert variant="danger" isInline title={errors.disks} data-testid="wizard-disks-error" />
      )}
      {disks.map((disk, i) => {
        const isBoot = i === 0 && boot.kind === 'cloud-image' && disk.kind === 'new';
        return (
          <Card key={disk.key} isCompact data-testid={`wizard-disk-${i}`}>
            <CardHeader
              actions={{
                actions: (
                  <Button
                    variant="plain"
                    icon={<TrashIcon />}
                    aria-label={`Remove disk ${i + 1}`}
                    data-testid={`wizard-disk-remove-${i}`}
                    onClick={() =>
                      update('storage', { disks: disks.filter((_, j) => j !== i) }, ['storage.disks'])
                    }
                  />
                ),
              }}
            >
              <CardTitle>
                Disk {i + 1}
                {isBoot && (
                  <span className="qhci-subtle" data-testid="wizard-disk-boot-note">
                    {' '}
                    — boot disk: an overlay on {facts.image?.name ?? 'the cloud image'}
                    {minBoot !== null && `, at least ${formatSize(minBoot)}`}
                  </span>
                )}
              </CardTitle>
            </CardHeader>
            <CardBody>
              <Flex spaceItems={{ default: 'spaceItemsLg' }} alignItems={{ default: 'alignItemsFlexStart' }}>
                <FlexItem>
                  <FormGroup label="Kind" fieldId={`wizard-disk-kind-${i}`}>
                    <FormSelect
                      id={`wizard-disk-kind-${i}`}
                      data-testid={`wizard-disk-kind-${i}`}
                      value={disk.kind}
                      onChange={(_e, v) =>
                        update(
                          'storage',
                          {
                            disks: disks.map((d, j) =>
                              j !== i
                                ? d
                                : v === 'new'
                                  ? { ...newDisk(), key: d.key }
                                  : { key: d.key, kind: 'existing', imageId: '', pool: '', volume: '' },
                            ),
                          },
                          [`storage.disks.${i}.kind`],
                        )
                      }
                    >
                      <FormSelectOption value="new" label="New disk" />
                      <FormSelectOption value="existing" label="Existing volume" isDisabled={isBoot} />
                    </FormSelect>
                  </FormGroup>
                </FlexItem>
                {disk.kind === 'new' ? (
                  <>
                    <FlexItem>
                      <FormGroup label="Size" isRequired fieldId={`wizard-disk-size-${i}`}>
                        <InputGroup>
                          <InputGroupItem>
                            <TextInput
                              id={`wizard-disk-size-${i}`}
                              data-testid={`wizard-disk-size-${i}`}
                              value={disk.size}
                              onChange={(_e, size) => setDisk(i, { size }, 'size')}
                              validated={validated(errors[`disks.${i}.size`])}
                              inputMode="decimal"
                              className="qhci-wizard-size"
                            />
                          </InputGroupItem>
                          <InputGroupItem>
                            <FormSelect
                              id={`wizard-disk-unit-${i}`}
                              data-testid={`wizard-disk-unit-${i}`}
                              aria-label={`Unit of disk ${i + 1}'s size`}
                              value={disk.unit}
                              onChange={(_e, v) => setDisk(i, { unit: v as SizeUnit }, 'size')}
                            >
                              <FormSelectOption value="MiB" label="MiB" />
                              <FormSelectOption value="GiB" label="GiB" />
                            </FormSelect>
                          </InputGroupItem>
                        </InputGroup>
                        <FieldError
                          message={errors[`disks.${i}.size`]}
                          testId={`wizard-disk-size-${i}-error`}
                        />
                      </FormGroup>
                    </FlexItem>
                    <FlexItem>
                      <FormGroup label="Pool" fieldId={`wizard-disk-pool-${i}`}>
                        <FormSelect
                          id={`wizard-disk-pool-${i}`}
                          data-testid={`wizard-disk-pool-${i}`}
                          value={disk.pool}
                          onChange={(_e, pool) => setDisk(i, { pool }, 'pool')}
                          validated={validated(errors[`disks.${i}.pool`])}
                        >
                          <FormSelectOption value="" label="Any pool (the scheduler picks)" />
                          {[...poolNames].map(([name, on]) => (
                            <FormSelectOption
                              key={name}
                              value={name}
                              label={`${name} (on ${on.join(', ')})`}
                            />
                          ))}
                        </FormSelect>
                        <FieldError
                          message={errors[`disks.${i}.pool`]}
                          testId={`wizard-disk-pool-${i}-error`}
                        />
                      </FormGroup>
                    </FlexItem>
                    <FlexItem>
                      <FormGroup label="Provisioning" fieldId={`wizard-disk-thin-${i}`}>
                        <Checkbox
                          id={`wizard-disk-thin-${i}`}
                          data-testid={`wizard-disk-thin-${i}`}
                          label="Thin (allocated as written)"
                          description={disk.thin ? 'qcow2, sparse' : 'Thick: all of it reserved now'}
                          isChecked={disk.thin}
                          onChange={(_e, thin) => setDisk(i, { thin }, 'thin')}
                        />
                      </FormGroup>
                    </FlexItem>
                  </>
                ) : (
                  <FlexItem grow={{ default: 'grow' }}>
                    <FormGroup label="Volume" isRequired fieldId={`wizard-disk-volume-${i}`}>
                      <FormSelect
                        id={`wizard-disk-volume-${i}`}
                        data-testid={`wizard-disk-volume-${i}`}
                        value={disk.imageId}
                        onChange={(_e, id) => {
                          const v = facts.volumes.find((x) => x.id === id);
                          setDisk(i, { imageId: id, pool: v?.pool ?? '', volume: v?.name ?? '' }, 'volume');
                        }}
                        validated={validated(errors[`disks.${i}.volume`])}
                      >
                        <FormSelectOption value="" label="Choose an unattached volume" isPlaceholder />
                        {facts.volumes.map((v) => (
                          <FormSelectOption
                            key={v.id}
                            value={v.id}
                            label={`${v.hostName ?? '?'} / ${v.pool ?? '?'} / ${v.name} (${v.virtualBytes === null ? '?' : formatSize(v.virtualBytes)}, ${v.format ?? 'raw'})`}
                          />
                        ))}
                      </FormSelect>
                      <FieldError
                        message={errors[`disks.${i}.volume`]}
                        testId={`wizard-disk-volume-${i}-error`}
                      />
                      {facts.volumes.length === 0 && (
                        <span className="qhci-subtle">No unattached volumes on the hosts.</span>
                      )}
                    </FormGroup>
                  </FlexItem>
                )}
              </Flex>
            </CardBody>
          </Card>
        );
      })}
      <div>
        <Button
          variant="secondary"
          icon={<PlusIcon />}
          onClick={() => update('storage', { disks: [...disks, newDisk()] }, ['storage.disks'])}
          data-testid="wizard-disk-add"
          isDisabled={disks.length >= 16}
        >
          Add disk
        </Button>
      </div>
    </Form>
  );
}
