import {
  Button,
  Form,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextArea,
} from '@patternfly/react-core';
import { useState } from 'react';
import { MAX_TYPED_CHARS } from './keys';

/**
 * "Type text": a string pasted here is typed into the VM key by key, for a guest with no clipboard
 * sharing (an installer, a BIOS, a login prompt). Newlines press Enter.
 */
export function TypeTextModal(props: { onType(text: string): void; onClose(): void }) {
  const [text, setText] = useState('');
  const submit = () => {
    if (text === '') return;
    props.onType(text);
    props.onClose();
  };
  return (
    <Modal
      isOpen
      variant="small"
      onClose={props.onClose}
      aria-labelledby="vnc-type-title"
      elementToFocus="#vnc-type-text"
      data-testid="vnc-type-modal"
    >
      <ModalHeader title="Type text into the VM" labelId="vnc-type-title" />
      <ModalBody>
        <Form
          id="vnc-type-form"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <FormGroup label="Text" fieldId="vnc-type-text">
            <TextArea
              id="vnc-type-text"
              value={text}
              onChange={(_e, v) => setText(v.slice(0, MAX_TYPED_CHARS))}
              resizeOrientation="vertical"
              rows={5}
              data-testid="vnc-type-input"
            />
            <FormHelperText>
              <HelperText>
                <HelperTextItem>
                  Typed as keystrokes on a US keyboard layout; each new line presses Enter. At most{' '}
                  {MAX_TYPED_CHARS} characters.
                </HelperTextItem>
              </HelperText>
            </FormHelperText>
          </FormGroup>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="vnc-type-form" isDisabled={text === ''} data-testid="vnc-type-submit">
          Type
        </Button>
        <Button variant="link" onClick={props.onClose} data-testid="vnc-type-cancel">
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
