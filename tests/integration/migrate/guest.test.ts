/**
 * The real Debian guest migrated live between the two real hosts and back: a process started in the
 * guest keeps counting across both moves and the guest never reboots (its uptime only grows), read through
 * the guest agent on whichever host runs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app';
import { defineGuest, guestRun } from '../../helpers/cloud-vm';
import { NO_GUEST } from '../../helpers/console-guest';
import { addLocalHost, addSshHost, uniq, waitTask } from '../../helpers/provision';
import { secondHost, virshB, type SecondHost } from '../../helpers/second-host';
import { vmIdOf } from '../../helpers/snapshots';
import { removeFromBoth, virshA } from '../../helpers/two-hosts';

const kvmB = secondHost();
const skip = NO_GUEST || kvmB.reason;

/** A command in the guest through its agent, on the host given by its virsh. */
async function inGuest(run: (...a: string[]) => string, name: string, script: string): Promise<string> {
  const agent = (cmd: unknown) =>
    (
      JSON.parse(
        run('qemu-agent-command', '--domain', name, '--timeout', '10', '--cmd', JSON.stringify(cmd)),
      ) as {
        return: { pid?: number; exited?: boolean; 'out-data'?: string };
      }
    ).return;
  const { pid } = agent({
    execute: 'guest-exec',
    arguments: { path: '/bin/sh', arg: ['-c', script], 'capture-output': true },
  });
  for (let i = 0; i < 60; i++) {
    const st = agent({ execute: 'guest-exec-status', arguments: { pid } });
    if (st.exited)
      return Buffer.from(st['out-data'] ?? '', 'base64')
        .toString('utf8')
        .trim();
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${script} did not finish in the guest`);
}

/** Its uptime (s) and the counter, then the counter again two seconds later. */
async function pulse(run: (...a: string[]) => string, name: string) {
  const [up, first] = (await inGuest(run, name, 'cut -d" " -f1 /proc/uptime; cat /var/tmp/counter')).split(
    '\n',
  );
  await new Promise((r) => setTimeout(r, 2500));
  const again = Number(await inGuest(run, name, 'cat /var/tmp/counter'));
  return { uptime: Number(up), counter: Number(first), again };
}

describe.skipIf(skip !== '')(`a running guest migrated live and back ${skip}`, () => {
  let t: TestApp;
  let b: SecondHost;
  const name = uniq('qhci-t-migguest');
  let files: { disk: string; seed: string } | undefined;

  beforeAll(() => {
    b = kvmB.host!;
    t = startTestApp();
  });
  afterAll(() => {
    removeFromBoth(b, [name], files ? [files.disk, files.seed] : []);
    t.dispose();
  });

  it('keeps a process counting across both moves, without a reboot', async () => {
    files = defineGuest(name);
    virshA('start', name);
    await guestRun(name, '/usr/bin/cloud-init', ['status', '--wait']);
    await inGuest(
      virshA,
      name,
      'nohup sh -c "i=0; while :; do i=\\$((i+1)); echo \\$i > /var/tmp/counter; sleep 1; done" >/dev/null 2>&1 & sleep 2',
    );
    const onA = await pulse(virshA, name);
    expect(onA.again).toBeGreaterThan(onA.counter);

    const hostA = await addLocalHost(t.client);
    const hostB = await addSshHost(t.client, 'kvm-b');
    const vmId = await vmIdOf(t.client, hostA, name);
    const there = await waitTask(
      t.client,
      (await t.client.call('vms.migrate', { vmId, toHostId: hostB })).taskId,
      900_000,
    );
    expect(there.state, JSON.stringify(there.error)).toBe('succeeded');
    const onB = await pulse((...a) => virshB(b, ...a), name);
    expect(onB.uptime).toBeGreaterThan(onA.uptime);
    expect(onB.counter).toBeGreaterThan(onA.again);
    expect(onB.again).toBeGreaterThan(onB.counter);

    const back = await waitTask(
      t.client,
      (await t.client.call('vms.migrate', { vmId, toHostId: hostA })).taskId,
      900_000,
    );
    expect(back.state, JSON.stringify(back.error)).toBe('succeeded');
    const home = await pulse(virshA, name);
    expect(home.uptime).toBeGreaterThan(onB.uptime);
    expect(home.counter).toBeGreaterThan(onB.again);
    expect(home.again).toBeGreaterThan(home.counter);
  }, 1_800_000);
});
