/**
 * A VM's serial console: `virsh console --force` in a pseudo-terminal, on an SSH host over its connection
 * or here for a libvirt URI host. virsh's own lines before the guest's bytes ("Connected to domain…",
 * "Escape character is ^]", a polkit notice) are held back; Ctrl+] (0x1d) from the page leaves.
 */
import { AppError } from '../../shared/domain/errors';
import type { HostDriver } from '../hosts/driver';
import { Relay } from './relay';
import type { ConsoleStream, HostTerminal, StreamEnd, TerminalSize } from './types';
import { domainState, notRunning, qemuRuns, stateAfterEnd, stoppedMessage } from './vm-state';

/** virsh's last line before the guest's bytes: "Escape character is ^] (Ctrl + ])" (older: "… is ^]"). */
const ESCAPE_LINE = /Escape character is \^\][^\n]*\n/;
/** Past these, the preamble is not coming (another virsh, a changed message): bytes pass as they are. */
export const PREAMBLE_MAX_BYTES = 64 * 1024;
export const PREAMBLE_MAX_MS = 3000;
/** How much of the last output is kept to read virsh's error when it ends. */
const TAIL = 2048;

/** Where the guest's bytes start, just after virsh's escape-character line; -1 while it has not come. */
export function preambleEnd(buf: Buffer): number {
  const m = ESCAPE_LINE.exec(buf.toString('latin1'));
  return m ? m.index + m[0].length : -1;
}

/** virsh's "error: …" lines in terminal output, without the prefix; null if there are none. */
export function virshErrorLines(output: string): string | null {
  const errors = output
    .split(/\r?\n|\r/)
    .map((l) => /^\s*error:\s*(.*)$/.exec(l)?.[1]?.trim())
    .filter((l): l is string => l !== undefined && l !== '');
  return errors.length ? errors.join('; ').slice(0, 1000) : null;
}

/** Why virsh ended before the console opened, as an AppError a person can act on. */
export function openFailure(output: string, code: number | null): AppError {
  const text = virshErrorLines(output);
  if (text === null) {
    return new AppError(
      'HOST_ERROR',
      code === null
        ? 'The connection to the host was lost while the serial console opened'
        : `virsh console ended with exit status ${code} before the console opened`,
    );
  }
  if (/cannot find character device|no console/i.test(text))
    return new AppError('UNSUPPORTED', `This VM has no serial console (${text})`);
  if (/not running/i.test(text)) return new AppError('CONFLICT', `The VM is not running: ${text}`);
  return new AppError('HOST_ERROR', `The serial console did not open: ${text}`);
}

/**
 * Reads until virsh's preamble has passed and resolves with the bytes that came after it (or, after
 * PREAMBLE_MAX_*, with everything read); rejects if virsh ends first. Leaves the stream paused.
 */
function afterPreamble(term: HostTerminal): Promise<Buffer> {
  const { stream } = term;
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stream.off('data', onData);
      stream.pause();
      settle();
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const at = preambleEnd(buf);
      if (at >= 0) finish(() => resolve(buf.subarray(at)));
      else if (buf.length >= PREAMBLE_MAX_BYTES) finish(() => resolve(buf));
    };
    const timer = setTimeout(() => finish(() => resolve(buf)), PREAMBLE_MAX_MS);
    stream.on('data', onData);
    void term.exited.then((code) => finish(() => reject(openFailure(buf.toString('utf8'), code))));
  });
}

export async function openSerial(
  driver: HostDriver,
  uuid: string,
  size: TerminalSize,
): Promise<ConsoleStream> {
  const state = await domainState(driver, uuid);
  if (!qemuRuns(state)) throw notRunning(state, 'use its serial console');
  const term = await driver.openVirshTerminal(['console', '--force', '--domain', uuid], size);
  let first: Buffer;
  try {
    first = await afterPreamble(term);
  } catch (err) {
    term.close();
    throw err;
  }
  let tail = '';
  const stream = new Relay(term.stream, first, (chunk) => {
    tail = (tail + chunk.toString('latin1')).slice(-TAIL);
  });
  let closedHere = false;
  return {
    stream,
    resize: (s) => term.resize(s),
    whyEnded: () =>
      closedHere
        ? Promise.resolve({ reason: 'closed', message: 'Closed' })
        : serialEnd(driver, uuid, term, tail),
    close: () => {
      if (closedHere) return;
      closedHere = true;
      term.close();
      stream.destroy();
    },
  };
}

async function serialEnd(
  driver: HostDriver,
  uuid: string,
  term: HostTerminal,
  tail: string,
): Promise<StreamEnd> {
  // The stream ended; virsh's exit follows at once (a terminal that hangs on is as good as lost).
  const code = await Promise.race([
    term.exited,
    new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000).unref()),
  ]);
  if (code === null || code === undefined) {
    return driver.kind === 'ssh'
      ? { reason: 'host-lost', message: 'The connection to the host was lost' }
      : { reason: 'error', message: 'virsh console was stopped' };
  }
  const now = await stateAfterEnd(driver, uuid);
  if (now.kind === 'lost') return { reason: 'host-lost', message: now.message };
  if (now.kind === 'stopped') return { reason: 'vm-stopped', message: stoppedMessage(now.state) };
  if (code === 0) return { reason: 'closed', message: 'Left the serial console' };
  if (/stream had I\/O failure/.test(tail))
    return { reason: 'taken-over', message: 'Another session took over the serial console' };
  return {
    reason: 'error',
    message: virshErrorLines(tail) ?? `virsh console ended with exit status ${code}`,
  };
}
