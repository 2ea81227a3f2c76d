/**
 * `qhci vm console NAME`: this terminal attached to the VM's serial console, through the same session and
 * MessagePort protocol as the window's Serial tab (raw mode; Ctrl+] leaves). `qhci vm screenshot NAME FILE`
 * saves the VM's screen as a PNG.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { AppError } from '../../shared/domain/errors';
import { parseStreamDown, STREAM_ACK_EVERY } from '../../shared/ipc/streams';
import { nodePortEnd } from '../../main/consoles/node-port';
import { print, type Ctx } from '../context';

const CTRL_RIGHT_BRACKET = 0x1d;

export const CONSOLE_USAGE = `  vm console NAME|ID [--host NAME]      this terminal on the VM's serial console (Ctrl+] leaves)
  vm screenshot NAME|ID FILE.png [--host NAME]
                                         saves what the VM's screen shows now`;

function terminalSize(): { cols: number; rows: number } {
  return { cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 };
}

export async function vmConsole(ctx: Ctx, vm: { id: string; name: string }): Promise<number> {
  if (!ctx.streams) throw new AppError('UNSUPPORTED', 'This transport cannot carry a console');
  const opened = await ctx.client.call('consoles.open', { vmId: vm.id, kind: 'serial', ...terminalSize() });
  const { port1, port2 } = new MessageChannel();
  ctx.streams.attach(opened.sessionId, nodePortEnd(port1), 'cli');
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  process.stderr.write(`Connected to ${vm.name} on ${opened.hostName}. Ctrl+] leaves.\n`);
  if (raw) stdin.setRawMode(true);

  let unacked = 0;
  let held: Buffer[] | null = null;
  const send = (bytes: Buffer) => {
    const b = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    port2.postMessage({ t: 'data', b }, [b]);
  };
  const onInput = (chunk: Buffer) => {
    const stop = chunk.indexOf(CTRL_RIGHT_BRACKET);
    const bytes = stop === -1 ? chunk : chunk.subarray(0, stop);
    if (bytes.length && held) held.push(bytes);
    else if (bytes.length) send(bytes);
    if (stop !== -1) port2.postMessage({ t: 'close' });
  };
  const onResize = () =>
    void ctx.client
      .call('consoles.resize', { sessionId: opened.sessionId, ...terminalSize() })
      .catch(() => {});

  const ended = new Promise<{ reason: string; message: string }>((done) => {
    port2.on('message', (m: unknown) => {
      const msg = parseStreamDown(m);
      if (!msg) return;
      if (msg.t === 'data') {
        const n = msg.b.byteLength;
        // Acknowledged once the terminal took it: a slow terminal slows the host, nothing piles up here.
        process.stdout.write(Buffer.from(msg.b), () => {
          unacked += n;
          if (unacked >= STREAM_ACK_EVERY) {
            port2.postMessage({ t: 'ack', n: unacked });
            unacked = 0;
          }
        });
        if (unacked > 0) {
          port2.postMessage({ t: 'ack', n: unacked });
          unacked = 0;
        }
      } else if (msg.t === 'pause') held ??= [];
      else if (msg.t === 'resume') {
        const h = held ?? [];
        held = null;
        h.forEach(send);
      } else done(msg);
    });
    port2.once('close', () => done({ reason: 'closed', message: 'Closed' }));
  });
  stdin.on('data', onInput);
  process.stdout.on('resize', onResize);
  try {
    const end = await ended;
    process.stderr.write(`\n${end.reason === 'closed' ? 'Disconnected' : end.message}\n`);
    return end.reason === 'closed' ? 0 : 1;
  } finally {
    stdin.off('data', onInput);
    process.stdout.off('resize', onResize);
    if (raw) stdin.setRawMode(false);
    stdin.pause();
    port2.close();
  }
}

export async function vmScreenshot(
  ctx: Ctx,
  vm: { id: string; name: string },
  file: string,
): Promise<number> {
  if (!/\.png$/i.test(file)) throw new AppError('VALIDATION', 'The file must end in .png', 'file');
  const shot = await ctx.client.call('vms.screenshot', { vmId: vm.id });
  const png = Buffer.from(shot.dataUrl.slice(shot.dataUrl.indexOf(',') + 1), 'base64');
  const path = resolve(file);
  await writeFile(path, png);
  print(ctx, { file: path, width: shot.width, height: shot.height, takenAt: shot.takenAt }, () => {
    return `Saved ${vm.name}'s screen (${shot.width}×${shot.height}) to ${path}`;
  });
  return 0;
}
