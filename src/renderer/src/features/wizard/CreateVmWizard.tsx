import {
  Alert,
  AlertActionLink,
  Button,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  PageSection,
  Title,
  Wizard,
  WizardFooterWrapper,
  WizardStep,
  useWizardContext,
  type WizardNavItemProps,
} from '@patternfly/react-core';
import { useCallback, useMemo, useState } from 'react';
import type { AppError } from '../../../../shared/domain/errors';
import type { CreateVmRequestInput } from '../../../../shared/domain/provision';
import { useQhciMutation } from '../../api/hooks';
import { toAppError } from '../../components/errors';
import { useUi } from '../../stores/ui';
import { useWizard } from '../../stores/wizard';
import { CreateProgress } from './CreateProgress';
import { STEP_IDS, STEP_NAMES, type StepErrors, type StepId } from './draft';
import { visibleErrors } from './fields';
import { checkDraft, type StepResults } from './request';
import { BasicsStep } from './steps/BasicsStep';
import { BootStep } from './steps/BootStep';
import { ComputeStep } from './steps/ComputeStep';
import { CustomizationStep } from './steps/CustomizationStep';
import { NetworkStep } from './steps/NetworkStep';
import { PlacementStep } from './steps/PlacementStep';
import { ReviewStep } from './steps/ReviewStep';
import { StorageStep } from './steps/StorageStep';
import { useWizardData } from './useWizardData';
import './wizard.css';

/** Next, Back, Discard, and on the last step Create; Next stays disabled while the step is invalid. */
function Footer(props: {
  steps: StepResults;
  hidden: boolean;
  creating: boolean;
  canCreate: boolean;
  onCreate: () => void;
  onDiscard: () => void;
}) {
  const { activeStep, goToNextStep, goToPrevStep } = useWizardContext();
  const touch = useWizard((s) => s.touch);
  const id = activeStep.id as StepId;
  const isReview = id === 'review';
  const result = isReview ? undefined : props.steps[id];
  const invalid = result !== undefined && !result.ok;
  return (
    <WizardFooterWrapper>
      {isReview ? (
        <Button
          variant="primary"
          onClick={props.onCreate}
          isDisabled={!props.canCreate || props.creating}
          isLoading={props.creating}
          data-testid="wizard-create"
        >
          Create
        </Button>
      ) : (
        <Button
          variant="primary"
          onClick={() => void goToNextStep()}
          isDisabled={invalid}
          data-testid="wizard-next"
        >
          Next
        </Button>
      )}
      <Button
        variant="secondary"
        onClick={() => void goToPrevStep()}
        isDisabled={activeStep.index === 1}
        data-testid="wizard-back"
      >
        Back
      </Button>
      <Button variant="link" onClick={props.onDiscard} data-testid="wizard-discard">
        Discard draft
      </Button>
      {invalid && props.hidden && (
        <Button variant="link" isInline onClick={() => touch(`${id}.*`)} data-testid="wizard-show-missing">
          Show what is missing
        </Button>
      )}
    </WizardFooterWrapper>
  );
}

function DiscardModal(props: { onConfirm: () => void; onCancel: () => void }) {
  return (
    <Modal
      isOpen
      variant="small"
      onClose={props.onCancel}
      aria-labelledby="wizard-discard-title"
      data-testid="wizard-discard-modal"
    >
      <ModalHeader title="Discard this draft?" labelId="wizard-discard-title" titleIconVariant="warning" />
      <ModalBody>Everything entered in the wizard is lost; the VM is not created.</ModalBody>
      <ModalFooter>
        <Button variant="danger" onClick={props.onConfirm} data-testid="wizard-discard-confirm">
          Discard
        </Button>
        <Button variant="link" onClick={props.onCancel} data-testid="wizard-discard-cancel">
          Keep editing
        </Button>
      </ModalFooter>
    </Modal>
  );
}

/** The create-VM wizard: eight steps over one draft that outlives the page. */
export function CreateVmWizard() {
  const draft = useWizard((s) => s.draft);
  const secrets = useWizard((s) => s.secrets);
  const touched = useWizard((s) => s.touched);
  const dirty = useWizard((s) => s.dirty);
  const step = useWizard((s) => s.step);
  const setStep = useWizard((s) => s.setStep);
  const touch = useWizard((s) => s.touch);
  const discard = useWizard((s) => s.discard);
  const uiProject = useUi((s) => s.projectId);
  const data = useWizardData(draft);
  const check = useMemo(
    () => checkDraft(draft, secrets, data.facts, uiProject),
    [draft, secrets, data.facts, uiProject],
  );
  const [restored] = useState(dirty);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const [wizardKey, setWizardKey] = useState(0);
  const [started, setStarted] = useState<{ taskIds: readonly string[]; vmIds: readonly string[] } | null>(
    null,
  );
  const [createError, setCreateError] = useState<AppError | undefined>();
  const create = useQhciMutation('vms.create');

  const request: CreateVmRequestInput | undefined = check.ok ? check.request : undefined;
  const firstInvalid = check.ok ? STEP_IDS.length : STEP_IDS.indexOf(check.firstInvalid);
  const errorsOf = (id: Exclude<StepId, 'review'>): StepErrors =>
    visibleErrors(id, check.steps[id].errors, touched);
  const activeId = step;
  const hidden =
    activeId !== 'review' &&
    Object.keys(check.steps[activeId].errors).length > Object.keys(errorsOf(activeId)).length;

  const onCreate = async () => {
    if (!request) return;
    setCreateError(undefined);
    try {
      const r = await create.mutateAsync({ request });
      setStarted(r);
    } catch (err) {
      setCreateError(toAppError(err));
    }
  };

  const onSucceeded = useCallback(() => {
    const vmId = started?.vmIds[0];
    discard();
    setStarted(null);
    if (vmId !== undefined) useUi.getState().openVm(vmId);
    else useUi.getState().goTo('vms');
  }, [started, discard]);

  const doDiscard = () => {
    discard();
    setConfirmDiscard(false);
    setCreateError(undefined);
    setWizardKey((k) => k + 1);
  };

  const navItem = (id: StepId) => ({ 'data-testid': `wizard-nav-${id}` }) as Partial<WizardNavItemProps>;
  const status = (id: Exclude<StepId, 'review'>) =>
    Object.keys(errorsOf(id)).length > 0 ? ('error' as const) : ('default' as const);

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Create virtual machine</Title>
        {restored && !started && (
          <Alert
            variant="info"
            isInline
            isPlain
            title="Your draft was kept while you were away."
            data-testid="wizard-restored"
            actionLinks={
              <AlertActionLink onClick={() => setConfirmDiscard(true)}>Discard it</AlertActionLink>
            }
          />
        )}
      </PageSection>
      <PageSection type="wizard" isFilled aria-label="Create virtual machine wizard">
        {started ? (
          <PageSection>
            <CreateProgress
              taskIds={started.taskIds}
              onSucceeded={onSucceeded}
              onBack={() => setStarted(null)}
            />
          </PageSection>
        ) : (
          <Wizard
            key={wizardKey}
            className="qhci-wizard"
            data-testid="wizard"
            navAriaLabel="Wizard steps"
            startIndex={STEP_IDS.indexOf(step) + 1}
            onStepChange={(_e, current, prev) => {
              touch(`${String(prev.id)}.*`);
              setStep(current.id as StepId);
            }}
            footer={
              <Footer
                steps={check.steps}
                hidden={hidden}
                creating={create.isPending}
                canCreate={request !== undefined}
                onCreate={() => void onCreate()}
                onDiscard={() => setConfirmDiscard(true)}
              />
            }
          >
            <WizardStep
              id="basics"
              name={STEP_NAMES.basics}
              navItem={navItem('basics')}
              status={status('basics')}
            >
              <BasicsStep errors={errorsOf('basics')} project={data.project} />
            </WizardStep>
            <WizardStep
              id="placement"
              name={STEP_NAMES.placement}
              navItem={navItem('placement')}
              status={status('placement')}
              isDisabled={firstInvalid < 1}
            >
              <PlacementStep errors={errorsOf('placement')} data={data} />
            </WizardStep>
            <WizardStep
              id="compute"
              name={STEP_NAMES.compute}
              navItem={navItem('compute')}
              status={status('compute')}
              isDisabled={firstInvalid < 2}
            >
              <ComputeStep errors={errorsOf('compute')} data={data} />
            </WizardStep>
            <WizardStep
              id="storage"
              name={STEP_NAMES.storage}
              navItem={navItem('storage')}
              status={status('storage')}
              isDisabled={firstInvalid < 3}
            >
              <StorageStep errors={errorsOf('storage')} data={data} />
            </WizardStep>
            <WizardStep
              id="network"
              name={STEP_NAMES.network}
              navItem={navItem('network')}
              status={status('network')}
              isDisabled={firstInvalid < 4}
            >
              <NetworkStep errors={errorsOf('network')} data={data} />
            </WizardStep>
            <WizardStep
              id="boot"
              name={STEP_NAMES.boot}
              navItem={navItem('boot')}
              status={status('boot')}
              isDisabled={firstInvalid < 5}
            >
              <BootStep errors={errorsOf('boot')} data={data} />
            </WizardStep>
            <WizardStep
              id="customization"
              name={STEP_NAMES.customization}
              navItem={navItem('customization')}
              status={status('customization')}
              isDisabled={firstInvalid < 6}
            >
              <CustomizationStep errors={errorsOf('customization')} data={data} />
            </WizardStep>
            <WizardStep
              id="review"
              name={STEP_NAMES.review}
              navItem={navItem('review')}
              isDisabled={!check.ok}
            >
              {createError && (
                <Alert
                  variant="danger"
                  isInline
                  title={createError.message}
                  data-testid="wizard-create-error"
                  className="qhci-wizard-gap"
                />
              )}
              <ReviewStep request={request} data={data} />
            </WizardStep>
          </Wizard>
        )}
      </PageSection>
      {confirmDiscard && <DiscardModal onConfirm={doDiscard} onCancel={() => setConfirmDiscard(false)} />}
    </>
  );
}
