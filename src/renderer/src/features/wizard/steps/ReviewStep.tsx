import {
  Alert,
  ClipboardCopyButton,
  CodeBlock,
  CodeBlockAction,
  CodeBlockCode,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  FormSelect,
  FormSelectOption,
  Spinner,
  Tab,
  Tabs,
  TabTitleText,
  Title,
} from '@patternfly/react-core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { guestProfile } from '../../../../../shared/domain/guest-profiles';
import type { CreateVmRequestInput, VmCreatePreviewItem } from '../../../../../shared/domain/provision';
import { qhci } from '../../../api/client';
import { findFolder } from '../../folders/tree';
import { useQhciQuery } from '../../../api/hooks';
import { useWizard } from '../../../stores/wizard';
import { formatSize } from '../format';
import type { WizardData } from '../useWizardData';

type Doc = 'domainXml' | 'userData' | 'metaData' | 'networkConfig';
const DOCS: readonly { key: Doc; title: string; testId: string }[] = [
  { key: 'domainXml', title: 'Domain XML', testId: 'xml' },
  { key: 'userData', title: 'user-data', testId: 'user-data' },
  { key: 'metaData', title: 'meta-data', testId: 'meta-data' },
  { key: 'networkConfig', title: 'network-config', testId: 'network-config' },
];

/** The request without the password, for a cache key: the password itself is never kept in one. */
function redacted(request: CreateVmRequestInput) {
  if (request.customization?.password === undefined) return request;
  return { ...request, customization: { ...request.customization, password: '(set)' } };
}

function CopyableDoc(props: { text: string; testId: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copyId = `wizard-copy-${props.testId}`;
  return (
    <CodeBlock
      actions={
        <CodeBlockAction>
          <ClipboardCopyButton
            id={copyId}
            data-testid={copyId}
            textId={`wizard-review-${props.testId}`}
            aria-label={`Copy the ${props.label}`}
            onClick={() => {
              void navigator.clipboard.writeText(props.text).then(
                () => setCopied(true),
                () => setCopied(false),
              );
            }}
            exitDelay={copied ? 1500 : 600}
            variant="plain"
            onTooltipHidden={() => setCopied(false)}
          >
            {copied ? 'Copied' : `Copy the ${props.label}`}
          </ClipboardCopyButton>
        </CodeBlockAction>
      }
    >
      <CodeBlockCode id={`wizard-review-${props.testId}`} data-testid={`wizard-review-${props.testId}`}>
        {props.text}
      </CodeBlockCode>
    </CodeBlock>
  );
}

function PreviewDocs({ item }: { item: VmCreatePreviewItem }) {
  const [tab, setTab] = useState<Doc>('domainXml');
  return (
    <Tabs
      activeKey={tab}
      onSelect={(_e, k) => setTab(k as Doc)}
      aria-label="What will be used"
      data-testid="wizard-review-tabs"
      mountOnEnter
    >
      {DOCS.map((d) => {
        const text = item[d.key];
        return (
          <Tab
            key={d.key}
            eventKey={d.key}
            title={<TabTitleText>{d.title}</TabTitleText>}
            data-testid={`wizard-review-tab-${d.testId}`}
          >
            {text === null ? (
              <Alert variant="info" isInline isPlain title={`No ${d.title}: cloud-init is off.`} />
            ) : (
              <CopyableDoc text={text} testId={d.testId} label={d.title} />
            )}
          </Tab>
        );
      })}
    </Tabs>
  );
}

/** The summary, and exactly what main would use: the domain XML and the cloud-init documents. */
export function ReviewStep(props: { request: CreateVmRequestInput | undefined; data: WizardData }) {
  const { request, data } = props;
  const revision = useWizard((s) => s.secretsRevision);
  const draft = useWizard((s) => s.draft);
  const folders = useQhciQuery('folders.tree', data.project);
  const [index, setIndex] = useState(0);
  const preview = useQuery({
    queryKey: ['vms', 'vms.preview', request ? redacted(request) : null, revision],
    queryFn: () => qhci.call('vms.preview', { request: request! }),
    enabled: request !== undefined,
    gcTime: 0,
  });
  if (request === undefined) {
    return <Alert variant="warning" isInline title="A step before this one is not complete yet." />;
  }
  const items = preview.data?.items ?? [];
  const item = items[Math.min(index, items.length - 1)];
  const folder = folders.data
    ? (findFolder(folders.data, request.folderId ?? null) ?? folders.data)
    : undefined;
  const image = data.facts.image;
  const c = request.compute;
  const rows: [string, string, string][] = [
    [
      'Name',
      request.count && request.count > 1
        ? `${request.name}-1 … ${request.name}-${request.count}`
        : request.name,
      'name',
    ],
    ['Folder', folder?.path ?? '/', 'folder'],
    ['Host', items.length > 0 ? [...new Set(items.map((i) => i.hostName))].join(', ') : '…', 'host'],
    [
      'Compute',
      `${c.sockets * c.cores} vCPUs (${c.sockets} × ${c.cores}), ${formatSize(c.memoryBytes)} memory`,
      'compute',
    ],
    [
      'Disks',
      (request.disks ?? [])
        .map((d, i) =>
          d.kind === 'existing'
            ? `${d.pool}/${d.volume}`
            : `${d.sizeBytes === undefined ? 'image size' : formatSize(d.sizeBytes)} ${d.thin === false ? 'thick' : 'thin'}${d.pool ? ` in ${d.pool}` : ''}${i === 0 && request.boot?.kind === 'cloud-image' ? ` (overlay on ${image?.name ?? 'the image'})` : ''}`,
        )
        .join('; ') || 'none',
      'disks',
    ],
    [
      'Network',
      (request.nics ?? []).map((n) => `${n.network}${n.model ? ` (${n.model})` : ''}`).join(', ') || 'none',
      'nics',
    ],
    [
      'Boot',
      request.boot?.kind === 'none' || request.boot === undefined
        ? 'none'
        : `${request.boot.kind === 'iso' ? 'ISO' : 'cloud image'} ${image?.name ?? ''}`,
      'boot',
    ],
    ['Guest OS', guestProfile(draft.boot.profile).label, 'profile'],
    [
      'Customization',
      request.customization === undefined
        ? 'none (no cloud-init)'
        : [
            data.facts.spec ? `spec ${data.facts.spec.name}` : 'no spec',
            request.customization.password !== undefined ? 'password set' : null,
          ]
            .filter(Boolean)
            .join(', '),
      'customization',
    ],
  ];

  return (
    <div data-testid="wizard-review">
      <DescriptionList isHorizontal isCompact data-testid="wizard-summary">
        {rows.map(([term, value, id]) => (
          <DescriptionListGroup key={id}>
            <DescriptionListTerm>{term}</DescriptionListTerm>
            <DescriptionListDescription data-testid={`wizard-summary-${id}`}>
              {value}
            </DescriptionListDescription>
          </DescriptionListGroup>
        ))}
      </DescriptionList>
      <Title headingLevel="h2" size="lg" className="qhci-wizard-gap">
        What will be used
      </Title>
      {preview.isPending && <Spinner size="lg" aria-label="Building the preview" />}
      {preview.isError && (
        <Alert variant="danger" isInline title={preview.error.message} data-testid="wizard-preview-error" />
      )}
      {items.length > 1 && (
        <FormSelect
          id="wizard-review-vm"
          data-testid="wizard-review-vm"
          aria-label="Which VM"
          value={String(index)}
          onChange={(_e, v) => setIndex(Number(v))}
        >
          {items.map((it, i) => (
            <FormSelectOption key={it.name} value={String(i)} label={`${it.name} on ${it.hostName}`} />
          ))}
        </FormSelect>
      )}
      {item && <PreviewDocs key={item.name} item={item} />}
    </div>
  );
}
