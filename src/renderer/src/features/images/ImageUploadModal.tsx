import {
  Alert,
  Button,
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Radio,
  TextInput,
} from '@patternfly/react-core';
import { useState } from 'react';
import { ImageUploadInput, type ImageSummary } from '../../../../shared/domain/provision';
import { useQhciMutation, useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import { FieldError } from '../../components/FieldError';
import { FileChooser, type ChosenFile } from '../../components/FileChooser';
import { fieldMessage, toAppError } from '../../components/errors';
import { useUi } from '../../stores/ui';
import { TaskFailure } from '../tasks/TaskFailure';
import { TaskProgress } from '../tasks/TaskProgress';
import { TaskStateLabel } from '../tasks/TaskStateLabel';

type Field = 'sourcePath' | 'sourceImageId' | 'hostId' | 'pool' | 'name';

/** The upload's task, live: task.progress events replace the cached task. */
function UploadProgress(props: { taskId: string }) {
  const task = useQhciQuery('tasks.get', { id: props.taskId });
  if (task.data === undefined) return null;
  return (
    <div className="qhci-form-status" data-testid="image-upload-task">
      <div>
        <strong>{task.data.title}</strong> <TaskStateLabel task={task.data} testId="image-upload-state" />
      </div>
      <TaskProgress task={task.data} testId="image-upload-progress" />
      <span className="qhci-subtle">{task.data.steps.find((s) => s.state === 'running')?.detail}</span>
      <TaskFailure task={task.data} testIdPrefix="image-upload" />
    </div>
  );
}

/** Copies a workstation file, or another host's image, into a pool of a chosen host, as a task. */
export function ImageUploadModal(props: { images: readonly ImageSummary[]; onClose: () => void }) {
  const project = useProjectInput();
  const goTo = useUi((s) => s.goTo);
  const hosts = useQhciQuery('hosts.list', project);
  const upload = useQhciMutation('images.upload');
  const [source, setSource] = useState<'file' | 'host'>('file');
  const [file, setFile] = useState<ChosenFile | null>(null);
  const [sourceImageId, setSourceImageId] = useState('');
  const [hostId, setHostId] = useState('');
  const [pool, setPool] = useState('');
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [taskId, setTaskId] = useState<string | null>(null);

  const host = hosts.data?.find((h) => h.id === hostId) ?? hosts.data?.[0];
  const detail = useQhciQuery('hosts.get', { id: host?.id ?? '' }, { enabled: host !== undefined });
  const pools = detail.data?.pools ?? [];
  const chosenPool = pool !== '' ? pool : (pools[0]?.name ?? '');
  const others = props.images.filter((i) => i.kind !== 'disk' && i.hostId !== host?.id);

  const submit = async () => {
    setFormError(null);
    const input = {
      ...project,
      hostId: host?.id ?? '',
      pool: chosenPool,
      ...(source === 'file' ? { sourcePath: file?.token ?? '' } : { sourceImageId }),
      ...(name.trim() !== '' ? { name: name.trim() } : {}),
    };
    const parsed = ImageUploadInput.safeParse(input);
    if (!parsed.success) {
      const next: Partial<Record<Field, string>> = {};
      for (const issue of parsed.error.issues) {
        const f = (
          issue.path[0] === 'sourceImageId' || (issue.path[0] === 'sourcePath' && source === 'host')
            ? 'sourceImageId'
            : issue.path[0]
        ) as Field;
        next[f] ??=
          f === 'hostId'
            ? 'Choose a host'
            : f === 'sourceImageId'
              ? 'Choose an image'
              : f === 'sourcePath'
                ? 'Choose a file'
                : issue.message;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    try {
      const started = await upload.mutateAsync(input);
      setTaskId(started.taskId);
    } catch (err) {
      const e = toAppError(err);
      if (e.field && ['sourcePath', 'sourceImageId', 'hostId', 'pool', 'name'].includes(e.field)) {
        setErrors({ [e.field as Field]: fieldMessage(e) });
      } else setFormError(e.message);
    }
  };

  return (
    <Modal
      isOpen
      variant="medium"
      onClose={props.onClose}
      aria-labelledby="image-upload-title"
      elementToFocus="#image-upload-source-file"
      data-testid="image-upload-modal"
    >
      <ModalHeader
        title="Upload an image"
        labelId="image-upload-title"
        description="The image is copied into a storage pool of the host, where new VMs can use it."
      />
      <ModalBody>
        {formError !== null && (
          <Alert variant="danger" isInline title={formError} data-testid="image-upload-error" />
        )}
        {taskId !== null ? (
          <UploadProgress taskId={taskId} />
        ) : (
          <Form
            id="image-upload-form"
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <FormGroup role="radiogroup" isInline fieldId="image-upload-source" label="Source" isRequired>
              <Radio
                id="image-upload-source-file"
                name="image-upload-source"
                label="A file on this workstation"
                isChecked={source === 'file'}
                onChange={() => setSource('file')}
                data-testid="image-upload-source-file"
              />
              <Radio
                id="image-upload-source-host"
                name="image-upload-source"
                label="An image on another host"
                isChecked={source === 'host'}
                onChange={() => setSource('host')}
                data-testid="image-upload-source-host"
              />
            </FormGroup>
            {source === 'file' ? (
              <FormGroup label="File" isRequired fieldId="image-upload-path">
                <FileChooser
                  id="image-upload-path"
                  purpose="image"
                  value={file}
                  onChange={(f) => {
                    setFile(f);
                    setErrors((e) => ({ ...e, sourcePath: undefined }));
                  }}
                  onError={(message) => setErrors((e) => ({ ...e, sourcePath: message }))}
                  placeholder="No file chosen"
                  validated={errors.sourcePath ? 'error' : 'default'}
                  testId="image-upload-path"
                />
                <FieldError message={errors.sourcePath} testId="image-upload-path-error" />
              </FormGroup>
            ) : (
              <FormGroup label="Image" isRequired fieldId="image-upload-source-image">
                <FormSelect
                  id="image-upload-source-image"
                  value={sourceImageId}
                  onChange={(_e, v) => setSourceImageId(v)}
                  validated={errors.sourceImageId ? 'error' : 'default'}
                  data-testid="image-upload-source-image"
                >
                  <FormSelectOption value="" label="Choose an image" isPlaceholder />
                  {others.map((i) => (
                    <FormSelectOption
                      key={i.id}
                      value={i.id}
                      label={`${i.name} (${i.hostName ?? '?'} / ${i.pool ?? '?'})`}
                    />
                  ))}
                </FormSelect>
                <FieldError message={errors.sourceImageId} testId="image-upload-source-image-error" />
              </FormGroup>
            )}
            <FormGroup label="Host" isRequired fieldId="image-upload-host">
              <FormSelect
                id="image-upload-host"
                value={host?.id ?? ''}
                onChange={(_e, v) => {
                  setHostId(v);
                  setPool('');
                }}
                validated={errors.hostId ? 'error' : 'default'}
                data-testid="image-upload-host"
              >
                {(hosts.data ?? []).map((h) => (
                  <FormSelectOption key={h.id} value={h.id} label={h.name} />
                ))}
              </FormSelect>
              <FieldError message={errors.hostId} testId="image-upload-host-error" />
            </FormGroup>
            <FormGroup label="Storage pool" isRequired fieldId="image-upload-pool">
              <FormSelect
                id="image-upload-pool"
                value={chosenPool}
                onChange={(_e, v) => setPool(v)}
                validated={errors.pool ? 'error' : 'default'}
                data-testid="image-upload-pool"
              >
                {pools.map((p) => (
                  <FormSelectOption key={p.id} value={p.name} label={p.name} />
                ))}
              </FormSelect>
              <FieldError message={errors.pool} testId="image-upload-pool-error" />
            </FormGroup>
            <FormGroup label="Volume name" fieldId="image-upload-name">
              <TextInput
                id="image-upload-name"
                value={name}
                onChange={(_e, v) => setName(v)}
                validated={errors.name ? 'error' : 'default'}
                data-testid="image-upload-name"
              />
              {errors.name === undefined && (
                <FormHelperText>
                  <HelperText>
                    <HelperTextItem>Optional: the source&apos;s file name is used by default.</HelperTextItem>
                  </HelperText>
                </FormHelperText>
              )}
              <FieldError message={errors.name} testId="image-upload-name-error" />
            </FormGroup>
          </Form>
        )}
      </ModalBody>
      <ModalFooter>
        {taskId === null ? (
          <>
            <Button
              type="submit"
              form="image-upload-form"
              isLoading={upload.isPending}
              isDisabled={upload.isPending}
              data-testid="image-upload-start"
            >
              Upload
            </Button>
            <Button variant="link" onClick={props.onClose} data-testid="image-upload-cancel">
              Cancel
            </Button>
          </>
        ) : (
          <>
            <Button onClick={props.onClose} data-testid="image-upload-close">
              Close
            </Button>
            <Button variant="link" onClick={() => goTo('tasks')} data-testid="image-upload-tasks">
              Go to Tasks
            </Button>
          </>
        )}
      </ModalFooter>
    </Modal>
  );
}
