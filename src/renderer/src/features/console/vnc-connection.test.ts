import { describe, expect, it } from 'vitest';
import { disconnectView } from './vnc-connection';

describe('disconnectView', () => {
  it('says why main ended the stream (the VM stopped, the host was lost)', () => {
    expect(disconnectView(true, { reason: 'vm-stopped', message: 'The VM stopped' }, null, 'ok')).toEqual({
      s: 'ended',
      reason: 'vm-stopped',
      message: 'The VM stopped',
    });
  });

  it('says a TLS-only display is not supported rather than "connection failed"', () => {
    const view = disconnectView(false, null, null, 'tls-only');
    expect(view).toMatchObject({ s: 'failed' });
    expect(view.s === 'failed' && view.message).toMatch(/TLS displays are not supported/);
  });

  it('passes on the display’s own reason for refusing (a wrong password)', () => {
    expect(disconnectView(false, null, 'Authentication failed', 'ok')).toEqual({
      s: 'failed',
      message: 'The display refused the connection: Authentication failed.',
    });
  });

  it('tells a failed handshake from a display that closed cleanly', () => {
    expect(disconnectView(false, null, null, 'unknown')).toMatchObject({ s: 'failed' });
    expect(disconnectView(true, null, null, 'ok')).toMatchObject({ s: 'ended', reason: 'closed' });
  });
});
