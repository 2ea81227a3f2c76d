/** Node's MessagePort (worker_threads) as a PortEnd: the CLI, the tests and the browser test bridge use it. */
import type { MessagePort } from 'node:worker_threads';
import type { PortEnd } from './port-pump';

export function nodePortEnd(port: MessagePort): PortEnd {
  return {
    // Data buffers are transferred, not copied: main does not touch them again.
    post: (msg) => port.postMessage(msg, msg.t === 'data' ? [msg.b] : []),
    onMessage: (listener) => void port.on('message', listener),
    onClose: (listener) => void port.once('close', listener),
    close: () => port.close(),
  };
}
