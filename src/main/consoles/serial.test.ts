import { Duplex } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { HostDriver } from '../hosts/driver';
import { openSerial, preambleEnd, virshErrorLines } from './serial';
import type { ConsoleStream, HostTerminal } from './types';

const PREAMBLE =
  'Authorization not available. Check if polkit service is running or see debug message for more information.\r\n' +
  "Connected to domain 'web'\r\nEscape character is ^] (Ctrl + ])\r\n";

/** A terminal whose output the test writes and whose exit it decides. */
function fakeTerminal() {
  const written: Buffer[] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      written.push(chunk);
      cb();
    },
  });
  let exit!: (code: number | null) => void;
  const exited = new Promise<number | null>((r) => (exit = r));
  const term: HostTerminal & { sizes: unknown[]; closed: number } = {
    stream,
    sizes: [],
    closed: 0,
    resize: (s) => term.sizes.push(s),
    exited,
    close: () => {
      term.closed += 1;
    },
  };
  /** virsh ends: its last words, then the end of the stream, then the exit status. */
  const end = (code: number | null, last = '') => {
    if (last) stream.push(Buffer.from(last));
    stream.push(null);
    exit(code);
  };
  return { term, written, end, say: (s: string) => stream.push(Buffer.from(s)) };
}

function fakeDriver(term: HostTerminal, states: string[], kind: 'ssh' | 'libvirt' = 'ssh') {
  const args: (readonly string[])[] = [];
  const driver = {
    kind,
    virsh: vi.fn(async () => `${states.length > 1 ? states.shift() : states[0]}\n`),
    openVirshTerminal: async (a: readonly string[]) => {
      args.push(a);
      return term;
    },
  } as unknown as HostDriver;
  return { driver, args };
}

function read(cs: ConsoleStream): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    cs.stream.on('data', (d: Buffer) => (out += d.toString()));
    cs.stream.on('close', () => resolve(out));
  });
}

describe('the serial console', () => {
  it('finds the end of virsh preamble, with or without the Ctrl hint', () => {
    expect(preambleEnd(Buffer.from(`${PREAMBLE}login:`))).toBe(PREAMBLE.length);
    expect(preambleEnd(Buffer.from('Escape character is ^]\nx'))).toBe(23);
    expect(preambleEnd(Buffer.from("Connected to domain 'web'\r\n"))).toBe(-1);
  });

  it('reads virsh error lines out of terminal output', () => {
    expect(virshErrorLines('guest text\r\nerror: stream had I/O failure\r\n\r\n')).toBe(
      'stream had I/O failure',
    );
    expect(virshErrorLines('no errors here')).toBeNull();
  });

  it('runs virsh console --force, hides the preamble, passes bytes both ways, and leaves with Ctrl+]', async () => {
    const { term, written, end, say } = fakeTerminal();
    const { driver, args } = fakeDriver(term, ['running']);
    say(PREAMBLE.slice(0, 40));
    setTimeout(() => say(`${PREAMBLE.slice(40)}Debian login: `), 10);
    const cs = await openSerial(driver, 'u-1', { cols: 100, rows: 30 });
    expect(args).toEqual([['console', '--force', '--domain', 'u-1']]);
    const out = read(cs);
    cs.stream.write('root\r');
    cs.resize!({ cols: 120, rows: 40 });
    cs.stream.write(Buffer.from([0x1d]));
    say('\r\n');
    end(0);
    expect(await out).toBe('Debian login: \r\n');
    expect(Buffer.concat(written).toString()).toBe('root\r\x1d');
    expect(term.sizes).toEqual([{ cols: 120, rows: 40 }]);
    expect(await cs.whyEnded()).toEqual({ reason: 'closed', message: 'Left the serial console' });
  });

  it('says another session took over when virsh reports an I/O failure and the VM still runs', async () => {
    const { term, end, say } = fakeTerminal();
    const { driver } = fakeDriver(term, ['running']);
    say(PREAMBLE);
    const cs = await openSerial(driver, 'u-1', { cols: 80, rows: 24 });
    const out = read(cs);
    end(1, '\r\nerror: stream had I/O failure\r\n');
    await out;
    expect(await cs.whyEnded()).toEqual({
      reason: 'taken-over',
      message: 'Another session took over the serial console',
    });
  });

  it('says the VM stopped, or the host was lost, or what virsh said', async () => {
    const stopped = fakeTerminal();
    const d1 = fakeDriver(stopped.term, ['running', 'shut off']);
    stopped.say(PREAMBLE);
    const cs1 = await openSerial(d1.driver, 'u-1', { cols: 80, rows: 24 });
    stopped.end(0);
    await read(cs1);
    expect(await cs1.whyEnded()).toEqual({ reason: 'vm-stopped', message: 'The VM stopped (shut off)' });

    const lost = fakeTerminal();
    lost.say(PREAMBLE);
    const cs2 = await openSerial(fakeDriver(lost.term, ['running']).driver, 'u-1', { cols: 80, rows: 24 });
    lost.end(null);
    await read(cs2);
    expect(await cs2.whyEnded()).toMatchObject({ reason: 'host-lost' });

    const odd = fakeTerminal();
    odd.say(PREAMBLE);
    const cs3 = await openSerial(fakeDriver(odd.term, ['running']).driver, 'u-1', { cols: 80, rows: 24 });
    odd.end(1, 'error: internal error: something odd\r\n');
    await read(cs3);
    expect(await cs3.whyEnded()).toEqual({ reason: 'error', message: 'internal error: something odd' });
  });

  it('refuses a stopped VM before running virsh', async () => {
    const { term } = fakeTerminal();
    const { driver, args } = fakeDriver(term, ['shut off']);
    await expect(openSerial(driver, 'u-1', { cols: 80, rows: 24 })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'The VM is not running (shut off): start it to use its serial console',
    });
    expect(args).toEqual([]);
  });

  it('fails with virsh error when the console cannot open (no serial device)', async () => {
    const { term, end } = fakeTerminal();
    const { driver } = fakeDriver(term, ['running']);
    setTimeout(() => end(1, 'error: internal error: cannot find character device <null>\r\n'), 5);
    await expect(openSerial(driver, 'u-1', { cols: 80, rows: 24 })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: 'This VM has no serial console (internal error: cannot find character device <null>)',
    });
    expect(term.closed).toBe(1);
  });

  it('gives up waiting for the preamble after a while and passes everything through', async () => {
    vi.useFakeTimers();
    try {
      const { term, say } = fakeTerminal();
      const { driver } = fakeDriver(term, ['running']);
      say('some other virsh says hello\r\n');
      const opening = openSerial(driver, 'u-1', { cols: 80, rows: 24 });
      await vi.advanceTimersByTimeAsync(3100);
      const cs = await opening;
      expect(cs.stream.read()?.toString()).toBe('some other virsh says hello\r\n');
      cs.close();
      expect(await cs.whyEnded()).toEqual({ reason: 'closed', message: 'Closed' });
    } finally {
      vi.useRealTimers();
    }
  });
});
