import {
  ActionGroup,
  Button,
  Card,
  CardBody,
  CardTitle,
  Form,
  FormGroup,
  TextInput,
} from '@patternfly/react-core';
import { useState } from 'react';

/**
 * The display asked for a password (noVNC's credentialsrequired). The value goes to the VNC server only;
 * QHCI never reads it from libvirt and does not keep it.
 */
export function PasswordPrompt(props: {
  username: boolean;
  onSubmit(credentials: { username?: string; password: string }): void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  return (
    <Card className="qhci-console-password" data-testid="vnc-password">
      <CardTitle component="h2">This display asks for a password</CardTitle>
      <CardBody>
        <Form
          onSubmit={(e) => {
            e.preventDefault();
            props.onSubmit(props.username ? { username, password } : { password });
          }}
        >
          {props.username && (
            <FormGroup label="User name" fieldId="vnc-username">
              <TextInput
                id="vnc-username"
                value={username}
                onChange={(_e, v) => setUsername(v)}
                autoComplete="off"
                data-testid="vnc-username-input"
              />
            </FormGroup>
          )}
          <FormGroup label="Password" fieldId="vnc-password-input">
            <TextInput
              id="vnc-password-input"
              type="password"
              value={password}
              onChange={(_e, v) => setPassword(v)}
              autoComplete="off"
              autoFocus
              data-testid="vnc-password-input"
            />
          </FormGroup>
          <ActionGroup>
            <Button type="submit" data-testid="vnc-password-submit">
              Connect
            </Button>
          </ActionGroup>
        </Form>
      </CardBody>
    </Card>
  );
}
