/**
 * The testbed's simulated hosts in numbers (scripts/testbed.sh up-many): started on demand, since `up` does
 * not start them; then read from testbed.json's "simHosts".
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from './app';
import type { TestbedHost } from './testbed';

export interface SimHost extends TestbedHost {
  readonly domains: number;
}

const STATE = process.env.QHCI_TESTBED_DIR ?? '/tmp/qhci-testbed';

/** Starts (if needed) at least `count` simulated hosts of `domains` domains each; returns the first `count`. */
export function startSimHosts(count: number, domains: number): SimHost[] {
  execFileSync(join(REPO_ROOT, 'scripts/testbed.sh'), ['up-many', String(count), String(domains)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const tb = JSON.parse(readFileSync(join(STATE, 'testbed.json'), 'utf8')) as { simHosts?: SimHost[] };
  const hosts = (tb.simHosts ?? []).slice(0, count);
  if (hosts.length < count || hosts.some((h) => h.domains !== domains))
    throw new Error(`scripts/testbed.sh up-many ${count} ${domains} did not start them all`);
  return hosts;
}

/** The connection input of hosts.add for a simulated host. */
export function simConnection(h: SimHost, clientKey: string) {
  return {
    kind: 'ssh' as const,
    address: h.address,
    port: h.port,
    user: h.user,
    auth: { method: 'key' as const, keyFile: clientKey },
    uri: h.uri,
  };
}

/**
 * A host that has gone silent: it accepts TCP connections and never says a word (a hung machine, or a
 * firewall that lets the SYN through), so only the connect timeout ends an attempt.
 */
export async function silentHost(address = '127.0.2.1'): Promise<{ port: number; close(): void }> {
  const held: Socket[] = [];
  const server: Server = createServer((s) => {
    s.on('error', () => undefined);
    held.push(s);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, resolve);
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close() {
      held.forEach((s) => s.destroy());
      server.close();
    },
  };
}
