import {
  Alert,
  Button,
  ExpandableSection,
  Flex,
  FlexItem,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Progress,
  Radio,
} from '@patternfly/react-core';
import { useEffect, useState } from 'react';
import type { HostDetail } from '../../../../shared/domain/host';
import type { ImageSummary, Task } from '../../../../shared/domain/provision';
import { qhci } from '../../api/client';
import { FileChooser, type ChosenFile } from '../../components/FileChooser';
import { useQhciMutation } from '../../api/hooks';
import { fieldMessage, toAppError } from '../../components/errors';
import { formatSize } from './format';

/** A task's progress as a percentage (main reports a fraction, 0-1). */
export const percent = (task: Task) => Math.max(0, Math.min(100, Math.round(task.progress * 100)));

/** Follows one task: its state as `task.progress` events report it (and as it was when asked). */
export function useTask(taskId: string | null): Task | undefined {
  const [task, setTask] = useState<Task | undefined>();
  useEffect(() => {
    if (taskId === null) return;
    let live = true;
    const off = qhci.on('task.progress', ({ task: t }) => {
      if (t.id === taskId) setTask(t);
    });
    qhci
      .call('tasks.get', { id: taskId })
      .then((t) => {
        if (live) setTask((prev) => prev ?? t);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      off();
    };
  }, [taskId]);
  return taskId === null ? undefined : task;
}

/**
 * Copies an image onto the chosen host: one from another host, or a file on this workstation, into one of
 * the host's pools, as a task whose progress is shown.
 */
export function ImageUpload(props: {
  project: { projectId?: string };
  target: HostDetail | undefined;
  others: readonly ImageSummary[];
  kind: 'cloud-image' | 'iso';
}) {
  const { project, target, others, kind } = props;
  const [open, setOpen] = useState(false);
  const [source, setSource] = useState<'host' | 'file'>(others.length > 0 ? 'host' : 'file');
  const [imageId, setImageId] = useState('');
  const [file, setFile] = useState<ChosenFile | null>(null);
  const [pool, setPool] = useState('');
  const [taskId, setTaskId] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>();
  const upload = useQhciMutation('images.upload');
  const task = useTask(taskId);
  const pools = target?.pools ?? [];
  const poolName = pool !== '' ? pool : (pools[0]?.name ?? '');
  const running = task !== undefined && (task.state === 'queued' || task.state === 'running');
  const canStart =
    target !== undefined && poolName !== '' && (source === 'host' ? imageId !== '' : file !== null);

  const start = async () => {
    if (!target) return;
    setError(undefined);
    setTaskId(null);
    try {
      const r = await upload.mutateAsync({
        ...project,
        hostId: target.host.id,
        pool: poolName,
        ...(source === 'host' ? { sourceImageId: imageId } : { sourcePath: file?.token ?? '' }),
      });
      setTaskId(r.taskId);
    } catch (err) {
      setError(fieldMessage(toAppError(err)));
    }
  };

  return (
    <ExpandableSection
      toggleText={`Upload ${kind === 'iso' ? 'an ISO' : 'a cloud image'} to ${target?.host.name ?? 'the chosen host'}`}
      isExpanded={open}
      onToggle={(_e, v) => setOpen(v)}
      toggleId="wizard-upload-toggle"
      data-testid="wizard-upload"
    >
      <FormGroup role="radiogroup" fieldId="wizard-upload-source" label="From" isInline>
        <Radio
          id="wizard-upload-from-host"
          data-testid="wizard-upload-from-host"
          name="upload-source"
          label="Another host"
          isChecked={source === 'host'}
          onChange={() => setSource('host')}
          isDisabled={others.length === 0}
        />
        <Radio
          id="wizard-upload-from-file"
          data-testid="wizard-upload-from-file"
          name="upload-source"
          label="A file on this workstation"
          isChecked={source === 'file'}
          onChange={() => setSource('file')}
        />
      </FormGroup>
      <Flex spaceItems={{ default: 'spaceItemsMd' }} alignItems={{ default: 'alignItemsFlexEnd' }}>
        <FlexItem grow={{ default: 'grow' }}>
          {source === 'host' ? (
            <FormGroup label="Image" fieldId="wizard-upload-image">
              <FormSelect
                id="wizard-upload-image"
                data-testid="wizard-upload-image"
                value={imageId}
                onChange={(_e, v) => setImageId(v)}
              >
                <FormSelectOption value="" label="Choose an image" isPlaceholder />
                {others.map((i) => (
                  <FormSelectOption
                    key={i.id}
                    value={i.id}
                    label={`${i.hostName ?? '?'} / ${i.name} (${i.format ?? '?'}, ${i.virtualBytes === null ? '?' : formatSize(i.virtualBytes)})`}
                  />
                ))}
              </FormSelect>
            </FormGroup>
          ) : (
            <FormGroup label="File" fieldId="wizard-upload-path">
              <FileChooser
                id="wizard-upload-path"
                testId="wizard-upload-path"
                purpose="image"
                value={file}
                onChange={setFile}
                onError={setError}
                placeholder="No file chosen"
              />
            </FormGroup>
          )}
        </FlexItem>
        <FlexItem>
          <FormGroup label="Into pool" fieldId="wizard-upload-pool">
            <FormSelect
              id="wizard-upload-pool"
              data-testid="wizard-upload-pool"
              value={poolName}
              onChange={(_e, v) => setPool(v)}
            >
              {pools.map((p) => (
                <FormSelectOption
                  key={p.id}
                  value={p.name}
                  label={`${p.name} (${formatSize(p.availableBytes)} free)`}
                />
              ))}
            </FormSelect>
          </FormGroup>
        </FlexItem>
        <FlexItem>
          <Button
            variant="secondary"
            onClick={() => void start()}
            isDisabled={!canStart || running || upload.isPending}
            isLoading={upload.isPending || running}
            data-testid="wizard-upload-start"
          >
            Upload
          </Button>
        </FlexItem>
      </Flex>
      {error !== undefined && (
        <Alert variant="danger" isInline title={error} data-testid="wizard-upload-error" />
      )}
      {task !== undefined && (
        <Progress
          className="qhci-wizard-gap"
          value={percent(task)}
          title={task.title}
          data-testid="wizard-upload-progress"
          variant={task.state === 'failed' ? 'danger' : task.state === 'succeeded' ? 'success' : undefined}
          helperText={task.error?.message}
        />
      )}
    </ExpandableSection>
  );
}
