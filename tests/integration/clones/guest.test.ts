/**
 * A full clone of the real Debian guest (cloud-init, qemu-guest-agent; ../shared/tools/cloud-guest.sh) boots
 * as a machine of its own: the fresh seed gives it its own hostname (the clone's name), a new machine-id and
 * new SSH host keys, read through the guest agent, while the source keeps its own. So does a linked clone of
 * it once it is a template (the flag set in the inventory directly: the convert operation is tested apart).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app';
import { cloneFiles, removeDomainAndFiles } from '../../helpers/clones';
import { GUEST_IMAGE, NO_GUEST } from '../../helpers/console-guest';
import { virsh } from '../../helpers/domains';
import { addLocalHost, POOL, POOL_DIR, uniq, waitTask } from '../../helpers/provision';
import { vmIdOf } from '../../helpers/snapshots';
import { testbed } from '../../helpers/testbed';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A NoCloud seed ISO (volume label cidata) in the pool. */
function seedIso(path: string, instanceId: string, hostname: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'qhci-seed-'));
  try {
    writeFileSync(join(dir, 'meta-data'), `instance-id: ${instanceId}\nlocal-hostname: ${hostname}\n`);
    writeFileSync(join(dir, 'user-data'), '#cloud-config\n{}\n');
    execFileSync('genisoimage', ['-quiet', '-V', 'cidata', '-J', '-R', '-o', path, dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function defineGuest(name: string): { disk: string; seed: string } {
  const out = dirname(GUEST_IMAGE);
  const disk = join(POOL_DIR, `${name}-disk0.qcow2`);
  const seed = join(POOL_DIR, `${name}-cidata.iso`);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', GUEST_IMAGE, '-F', 'qcow2', disk]);
  seedIso(seed, `src-${randomUUID()}`, name);
  const cmdline = readFileSync(join(out, 'cmdline'), 'utf8').trim();
  const xml = `<domain type='${testbed?.accel === 'kvm' ? 'kvm' : 'qemu'}'>
  <name>${name}</name>
  <memory unit='MiB'>768</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${join(out, 'vmlinuz')}</kernel>
    <initrd>${join(out, 'initrd.img')}</initrd>
    <cmdline>${cmdline}</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/><source file='${disk}'/><target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/><source file='${seed}'/><target dev='hdc' bus='ide'/><readonly/>
    </disk>
    <interface type='network'><source network='default'/><model type='virtio'/></interface>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
    <serial type='pty'><target port='0'/></serial>
  </devices>
</domain>`;
  const dir = mkdtempSync(join(tmpdir(), 'qhci-dom-'));
  try {
    writeFileSync(join(dir, 'd.xml'), xml);
    virsh('define', join(dir, 'd.xml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  virsh('pool-refresh', POOL);
  return { disk, seed };
}

function agent(name: string, cmd: unknown): unknown {
  const out = virsh('qemu-agent-command', '--domain', name, '--timeout', '10', '--cmd', JSON.stringify(cmd));
  return (JSON.parse(out) as { return: unknown }).return;
}

/** Runs a command in the guest through its agent (waiting for the agent to answer); its stdout. */
async function guestRun(name: string, path: string, args: string[], timeoutMs = 600_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { pid } = agent(name, {
        execute: 'guest-exec',
        arguments: { path, arg: args, 'capture-output': true },
      }) as { pid: number };
      for (;;) {
        const st = agent(name, { execute: 'guest-exec-status', arguments: { pid } }) as {
          exited: boolean;
          'out-data'?: string;
        };
        if (st.exited)
          return Buffer.from(st['out-data'] ?? '', 'base64')
            .toString('utf8')
            .trim();
        if (Date.now() > deadline) throw new Error(`${path} did not finish in the guest`);
        await sleep(1000);
      }
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(3000);
    }
  }
}

/** Once cloud-init is done: the guest's hostname, machine-id and SSH ed25519 host key. */
async function identity(name: string) {
  await guestRun(name, '/usr/bin/cloud-init', ['status', '--wait']);
  return {
    hostname: await guestRun(name, '/usr/bin/hostname', []),
    machineId: await guestRun(name, '/usr/bin/cat', ['/etc/machine-id']),
    hostKey: await guestRun(name, '/usr/bin/cat', ['/etc/ssh/ssh_host_ed25519_key.pub']),
  };
}

/** Flushes the guest's disk through the agent, then powers it off. */
async function stop(name: string): Promise<void> {
  await guestRun(name, '/usr/bin/sync', []);
  virsh('destroy', name);
}

describe.skipIf(NO_GUEST !== '')(`a full clone of the real guest ${NO_GUEST}`, () => {
  let t: TestApp;
  const src = uniq('qhci-t-clsrc');
  const name = uniq('qhci-t-clone');
  const linked = uniq('qhci-t-clone');
  let files: { disk: string; seed: string } | undefined;
  let vmId = '';
  let before: Awaited<ReturnType<typeof identity>> | undefined;
  let full: Awaited<ReturnType<typeof identity>> | undefined;

  beforeAll(() => {
    t = startTestApp();
  });
  afterAll(() => {
    removeDomainAndFiles(name, cloneFiles(name));
    removeDomainAndFiles(linked, cloneFiles(linked));
    if (files) removeDomainAndFiles(src, [files.disk, files.seed]);
    t.dispose();
  });

  it('boots with its own hostname, machine-id and SSH host keys', async () => {
    files = defineGuest(src);
    virsh('start', src);
    before = await identity(src);
    expect(before.hostname).toBe(src);
    await stop(src);

    const hostId = await addLocalHost(t.client);
    vmId = await vmIdOf(t.client, hostId, src);
    const { taskId } = await t.client.call('vms.clone', { vmId, name });
    const task = await waitTask(t.client, taskId, 600_000);
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');

    virsh('start', name);
    const clone = await identity(name);
    full = clone;
    await stop(name);
    expect(clone.hostname).toBe(name);
    expect(clone.machineId).toMatch(/^[0-9a-f]{32}$/);
    expect(clone.machineId).not.toBe(before.machineId);
    expect(clone.hostKey).toMatch(/^ssh-ed25519 /);
    expect(clone.hostKey.split(' ')[1]).not.toBe(before.hostKey.split(' ')[1]);

    // The source still is itself.
    virsh('start', src);
    expect(await identity(src)).toEqual(before);
    await stop(src);
  }, 1_800_000);

  it('a linked clone of it, once a template, boots as a machine of its own too', async () => {
    expect(before && full, 'the full clone ran first').toBeTruthy();
    t.app.repos.vms.setTemplate(vmId, true);
    const { taskId } = await t.client.call('vms.clone', { vmId, name: linked, mode: 'linked' });
    const task = await waitTask(t.client, taskId, 120_000);
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');

    virsh('start', linked);
    const clone = await identity(linked);
    await stop(linked);
    expect(clone.hostname).toBe(linked);
    expect(clone.machineId).toMatch(/^[0-9a-f]{32}$/);
    for (const other of [before!, full!]) {
      expect(clone.machineId).not.toBe(other.machineId);
      expect(clone.hostKey.split(' ')[1]).not.toBe(other.hostKey.split(' ')[1]);
    }
  }, 1_800_000);
});
