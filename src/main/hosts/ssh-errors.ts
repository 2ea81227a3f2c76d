/** ssh2's connection errors in words a person can act on (and VALIDATION for a key that cannot be used). */
import { AppError } from '../../shared/domain/errors';

export function describeSshError(err: Error & { level?: string; code?: string }, where: string): AppError {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED')
    return new AppError('HOST_ERROR', `${where} refused the connection (is sshd running?)`);
  if (code === 'ETIMEDOUT' || /Timed out while waiting for handshake/.test(err.message)) {
    return new AppError('HOST_ERROR', `${where} did not answer in time`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new AppError('HOST_ERROR', `The host name in ${where} cannot be resolved`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return new AppError('HOST_ERROR', `${where} is unreachable`);
  if (/Handshake failed: no matching/i.test(err.message)) {
    return new AppError(
      'HOST_ERROR',
      `${where} offers only SSH algorithms the console does not use (${err.message.replace(/^Handshake failed: /, '')}). ` +
        "SHA-1 signatures (ssh-rsa), hmac-sha1 and older algorithms are left out: update the host's OpenSSH, " +
        'or allow SHA-1 for this host only ("Allow SHA-1" in the host dialog, or qhci host add … --allow-sha1).',
    );
  }
  if (err.level === 'client-authentication') {
    return new AppError('HOST_ERROR', `${where} refused the credentials (authentication failed)`);
  }
  if (/Cannot parse privateKey|Encrypted private OpenSSH key detected|bad passphrase/i.test(err.message)) {
    return new AppError('VALIDATION', `The private key cannot be used: ${err.message}`, 'auth');
  }
  return new AppError('HOST_ERROR', `SSH to ${where} failed: ${err.message}`);
}
