/** Live state: a domain defined and started outside the app reaches the inventory through events. */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/main/app';
import { inProcessBridge } from '../../../src/main/ipc/in-process';
import { createClient } from '../../../src/shared/ipc/transport';
import { MIGRATIONS_DIR, tempDir } from '../../helpers/app';
import { defineDomain, removeDomain, virsh } from '../../helpers/domains';
import { host, NO_TESTBED, testbed } from '../../helpers/testbed';

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!testbed)(`host monitoring ${NO_TESTBED}`, () => {
  const dataDir = tempDir('qhci-mon-');
  // Polling is set far out so that only events can explain what the test sees.
  const app = createApp({
    dataDir,
    migrationsDir: MIGRATIONS_DIR,
    monitor: { pollMs: 10 * 60_000 },
    log: () => undefined,
  });
  const client = createClient(inProcessBridge(app));
  const made: string[] = [];
  afterAll(() => {
    app.close();
    made.forEach(removeDomain);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    [
      'ssh',
      () => ({
        kind: 'ssh' as const,
        address: host('kvm-a').address,
        port: host('kvm-a').port,
        user: host('kvm-a').user,
        auth: { method: 'key' as const, keyFile: testbed!.clientKey },
        uri: 'qemu:///system',
      }),
    ],
    ['libvirt', () => ({ kind: 'libvirt' as const, uri: 'qemu:///system' })],
  ])('through %s: define, start and undefine outside the app show up live', async (kind, connection) => {
    const h = await client.call('hosts.add', {
      name: `mon-${kind}`,
      connection: connection(),
      acceptFingerprint: host('kvm-a').hostKeyFingerprint,
    });
    const states: { vmId: string; state: string }[] = [];
    const off = client.on('vm.state', (e) => states.push(e));
    await new Promise((r) => setTimeout(r, 1500)); // let the monitor attach its event stream
    const dom = defineDomain(`qhci-t-mon-${kind}-${Date.now()} it's "odd" $(x); \\`);
    made.push(dom.uuid);
    const vm = await until('the defined domain', async () =>
      (await client.call('vms.list', {})).find((v) => v.name === dom.name && v.hostId === h.id),
    );
    expect(vm.state).toBe('shutoff');
    virsh('start', dom.uuid);
    await until('running', async () =>
      (await client.call('vms.list', {})).find((v) => v.id === vm.id)?.state === 'running' ? true : undefined,
    );
    expect(states.some((s) => s.vmId === vm.id && s.state === 'running')).toBe(true);
    removeDomain(dom.uuid);
    await until('removal', async () =>
      (await client.call('vms.list', {})).some((v) => v.id === vm.id) ? undefined : true,
    );
    off();
  });
});
