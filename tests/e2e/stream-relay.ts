/**
 * The test-process side of the console stream bridge (bridge.ts, installStreamBridge): after consoles.open
 * succeeds for the page, the session is attached to one end of a Node MessageChannel, exactly as Electron's
 * transport attaches it to a MessageChannelMain, and the other end is relayed to the page's port.
 */
import type { Page } from '@playwright/test';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { App } from '../../src/main/app';
import { nodePortEnd } from '../../src/main/consoles/node-port';
import { STREAM_PORT_TAG } from '../../src/shared/ipc/streams';
import {
  installStreamBridge,
  STREAM_DOWN_FUNCTION,
  STREAM_OPEN_FUNCTION,
  STREAM_UP_BINDING,
  type RelayedMessage,
} from './bridge';

export async function relayStreams(page: Page, app: App): Promise<(result: unknown) => Promise<void>> {
  const relays = new Map<string, MessagePort>();
  await page.exposeBinding(STREAM_UP_BINDING, (_source, sessionId: unknown, m: RelayedMessage) => {
    const port = relays.get(String(sessionId));
    if (!port || typeof m !== 'object' || m === null) return;
    if (typeof m.b64 === 'string') {
      const bytes = Buffer.from(m.b64, 'base64');
      const b = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
      port.postMessage({ t: m.t, b }, [b]);
    } else port.postMessage(m);
  });
  await page.addInitScript(installStreamBridge, {
    tag: STREAM_PORT_TAG,
    upBinding: STREAM_UP_BINDING,
    openFunction: STREAM_OPEN_FUNCTION,
    downFunction: STREAM_DOWN_FUNCTION,
  });

  /** Called with every consoles.open result the page got. */
  return async (result) => {
    const r = result as { ok: boolean; value?: { sessionId: string } };
    if (!r.ok || !r.value) return;
    const sessionId = r.value.sessionId;
    const { port1, port2 } = new MessageChannel();
    relays.set(sessionId, port2);
    // In order: each message waits for the previous one to reach the page.
    let chain = page.evaluate(
      ([fn, id]) => (globalThis as unknown as Record<string, (id: string) => void>)[fn]!(id),
      [STREAM_OPEN_FUNCTION, sessionId] as const,
    );
    port2.on('message', (m: { t: string; b?: ArrayBuffer }) => {
      const relayed = m.b ? { t: m.t, b64: Buffer.from(m.b).toString('base64') } : m;
      chain = chain
        .then(() =>
          page.evaluate(
            ([fn, id, msg]) =>
              (globalThis as unknown as Record<string, (id: string, m: unknown) => void>)[fn]!(id, msg),
            [STREAM_DOWN_FUNCTION, sessionId, relayed] as const,
          ),
        )
        .catch(() => undefined);
    });
    port2.once('close', () => relays.delete(sessionId));
    app.consoles.attach(sessionId, nodePortEnd(port1), 'page');
    await chain.catch(() => undefined);
  };
}
