/** Autostart with the host, the description and the labels. */
import {
  Card,
  CardBody,
  CardTitle,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  TextArea,
} from '@patternfly/react-core';
import { FieldError } from '../../components/FieldError';
import type { SettingsDraft } from './draft';
import { validated } from './fields';
import type { SectionProps } from './section';

export function GeneralSection(props: SectionProps) {
  const { draft, errors, onChange } = props;
  return (
    <Card isFullHeight data-testid="settings-general">
      <CardTitle component="h2">Autostart, description and labels</CardTitle>
      <CardBody>
        <Form onSubmit={(e) => e.preventDefault()}>
          <FormGroup label="Start with the host" fieldId="settings-autostart">
            <FormSelect
              id="settings-autostart"
              value={draft.autostart}
              onChange={(_e, v) => onChange({ autostart: v as SettingsDraft['autostart'] })}
              data-testid="settings-autostart"
            >
              <FormSelectOption value="keep" label="Keep as it is" />
              <FormSelectOption value="on" label="Start the VM when its host starts" />
              <FormSelectOption value="off" label="Do not start it with the host" />
            </FormSelect>
          </FormGroup>
          <FormGroup label="Description" fieldId="settings-description">
            <TextArea
              id="settings-description"
              value={draft.description}
              onChange={(_e, description) => onChange({ description })}
              resizeOrientation="vertical"
              rows={2}
              data-testid="settings-description"
            />
          </FormGroup>
          <FormGroup label="Labels" fieldId="settings-labels">
            <TextArea
              id="settings-labels"
              value={draft.labels}
              placeholder="key=value, one a line"
              onChange={(_e, labels) => onChange({ labels })}
              validated={validated(errors.labels)}
              resizeOrientation="vertical"
              rows={3}
              data-testid="settings-labels"
            />
            <FieldError message={errors.labels} testId="settings-labels-error" />
          </FormGroup>
        </Form>
      </CardBody>
    </Card>
  );
}
