import { FormHelperText, HelperText, HelperTextItem } from '@patternfly/react-core';

/** The error line under a form field; renders nothing when there is no error. */
export function FieldError(props: { message: string | undefined; testId: string; id?: string }) {
  if (props.message === undefined) return null;
  return (
    <FormHelperText>
      <HelperText isLiveRegion>
        <HelperTextItem variant="error" data-testid={props.testId} {...(props.id ? { id: props.id } : {})}>
          {props.message}
        </HelperTextItem>
      </HelperText>
    </FormHelperText>
  );
}
