/**
 * The SSH connection to the host cut in the middle of each snapshot operation (the SSH host kvm-a, onto the
 * testbed's libvirtd): the TCP socket under ssh2 destroyed as the network would, either as the task reaches
 * the step that changes the host or while that step's command runs on the host (its virsh, or the qemu-img
 * libvirtd runs on the shut-off VM's disk, seen in the process list). The task fails, or finishes when the
 * app reconnected before sending the command; afterwards libvirt's list and the qcow2 file agree: a
 * snapshot is whole and recorded, or absent, never half-made (a create cut while it ran is rolled back);
 * the VM's disk holds one whole state, the VM stays shut off, nothing of it still runs on the host, and the
 * next operation on the VM runs. */
import { execFile, execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshDriver } from '../../../src/main/hosts/drivers/ssh';
import type { Task } from '../../../src/shared/domain/provision';
import { startTestApp, type TestApp } from '../../helpers/app';
import { domstate, virsh } from '../../helpers/domains';
import { addSshHost, waitTask } from '../../helpers/provision';
import {
  defineDiskVm,
  qcowSnapshots,
  qemuIo,
  removeDiskVm,
  virshSnapshots,
  vmIdOf,
  type DiskVm,
} from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

type Cut = 'step' | 'command';

/** A disk whose internal snapshots take long enough to be cut in the middle: 512-byte clusters, 32 MiB. */
const SLOW_DISK = {
  clusterSize: '512',
  size: '64M',
  data: 'write -P 0xaa 0 32M',
  check: 'read -P 0xaa 0 32M',
};

/** Processes on the host (kvm-a is this machine's sshd) whose command line matches. */
const hostProcesses = (pattern: string) =>
  new Promise<number>((resolve) =>
    execFile('pgrep', ['-f', pattern], (_err, out) => resolve(out.split('\n').filter(Boolean).length)),
  );

describe.skipIf(!testbed)(`the SSH connection cut in a snapshot operation ${NO_TESTBED}`, () => {
  let t: TestApp;
  let hostId = '';
  let vm: DiskVm;
  let vmId = '';

  const conn = async () => ((await t.app.hosts.driverFor(hostId)) as SshDriver).conn;
  /** As the network would: the TCP connection under ssh2 goes away. */
  const destroySocket = async () =>
    ((await conn()) as unknown as { client: { _sock: { destroy(): void } } }).client._sock.destroy();

  /**
   * Starts the operation and cuts the connection at the point; resolves with its finished task and whether
   * the cut came while the command ran on the host. `step` is the step that changes the host, `command`
   * the virsh command it runs there.
   */
  async function cutIn(
    start: () => Promise<{ taskId: string }>,
    step: string,
    command: string,
    cut: Cut,
  ): Promise<{ task: Task; whileRunning: boolean }> {
    let whileRunning = false;
    let cutDone: Promise<void> = Promise.resolve();
    if (cut === 'command') {
      // When the app sends the command, watch for it on the host (the virsh process or the qemu-img that
      // libvirtd runs on the shut-off VM's disk) and cut as soon as it runs there.
      const d = (await t.app.hosts.driverFor(hostId)) as SshDriver;
      const virshCall = d.virsh.bind(d);
      d.virsh = (args, opts) => {
        const p = virshCall(args, opts);
        if (args[0] === command) {
          d.virsh = virshCall;
          let answered = false;
          void p.finally(() => (answered = true)).catch(() => undefined);
          cutDone = (async () => {
            while (!answered) {
              if ((await hostProcesses(onHost(command))) > 0) {
                whileRunning = true;
                break;
              }
            }
            await destroySocket();
          })();
        }
        return p;
      };
    }
    const { taskId } = await start();
    if (cut === 'step') {
      cutDone = new Promise<void>((resolve) => {
        const off = t.client.on('task.progress', ({ task }) => {
          const s = task.steps.find((x) => x.name === step);
          if (task.id !== taskId || (s?.state !== 'running' && task.state === 'running')) return;
          off();
          void destroySocket().then(resolve);
        });
      });
    }
    const task = await waitTask(t.client, taskId, 60_000);
    await cutDone;
    await t.app.provisioning.drain();
    return { task, whileRunning };
  }

  /** The host's processes for a command on the VM: virsh run for it, or libvirtd's qemu-img on its disk. */
  const onHost = (command: string) =>
    `^virsh .*${command} --domain ${vm.uuid}|qemu-img snapshot .*${vm.disk}`;

  /** What the host holds settles: no virsh of ours runs for the VM any more, nor a qemu-img on its disk. */
  async function settled(): Promise<void> {
    const end = Date.now() + 10_000;
    while ((await hostProcesses(onHost('snapshot-'))) > 0) {
      if (Date.now() > end) throw new Error('a virsh for the VM still runs on the host');
      await new Promise((r) => setTimeout(r, 50));
    }
    // A snapshot the host finished after the app lost it would show up now.
    await new Promise((r) => setTimeout(r, 500));
  }

  /** The next operation on the VM runs: its lock is free and the host is reached again. */
  async function nextRuns(): Promise<void> {
    const { taskId } = await t.client.call('snapshots.create', { vmId, name: 'next', memory: false });
    expect((await waitTask(t.client, taskId)).state).toBe('succeeded');
    virsh('snapshot-delete', '--domain', vm.uuid, '--snapshotname', 'next');
  }

  beforeAll(async () => {
    t = startTestApp();
    hostId = await addSshHost(t.client, 'kvm-a');
    vm = defineDiskVm();
    execFileSync('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-o',
      `cluster_size=${SLOW_DISK.clusterSize}`,
      vm.disk,
      SLOW_DISK.size,
    ]);
    expect(qemuIo(vm.disk, SLOW_DISK.data)).toBe(true);
    vmId = await vmIdOf(t.client, hostId, vm.name);
    const { taskId } = await t.client.call('snapshots.create', { vmId, name: 'base', memory: false });
    expect((await waitTask(t.client, taskId)).state).toBe('succeeded');
  });
  afterAll(() => {
    t?.dispose();
    if (vm) removeDiskVm(vm);
  });

  it.each<Cut>(['step', 'command'])(
    'create, cut at the %s: the snapshot is whole and recorded, or absent',
    async (cut) => {
      const { task, whileRunning } = await cutIn(
        () => t.client.call('snapshots.create', { vmId, name: 'half', memory: false }),
        'snapshot',
        'snapshot-create-as',
        cut,
      );
      expect(['succeeded', 'failed']).toContain(task.state);
      if (cut === 'command') expect(whileRunning).toBe(true);
      await settled();
      const made = task.state === 'succeeded';
      if (!made) expect(task.error?.message).toMatch(/connection|closed|lost|ended|reach/i);
      const expected = made ? ['base', 'half'] : ['base'];
      expect(virshSnapshots(vm.uuid)).toEqual(expected);
      expect(qcowSnapshots(vm.disk).sort()).toEqual(expected);
      expect(domstate(vm.uuid)).toBe('shut off');
      expect(qemuIo(vm.disk, SLOW_DISK.check)).toBe(true);
      if (made) virsh('snapshot-delete', '--domain', vm.uuid, '--snapshotname', 'half');
      await nextRuns();
    },
  );

  it.each<Cut>(['step', 'command'])(
    'revert, cut at the %s: the VM is as it was or reverted, its snapshots untouched',
    async (cut) => {
      expect(qemuIo(vm.disk, 'write -P 0x55 0 32M')).toBe(true);
      const { task, whileRunning } = await cutIn(
        () => t.client.call('snapshots.revert', { vmId, name: 'base' }),
        'revert',
        'snapshot-revert',
        cut,
      );
      expect(['succeeded', 'failed']).toContain(task.state);
      if (cut === 'command') expect(whileRunning).toBe(true);
      await settled();
      expect(virshSnapshots(vm.uuid)).toEqual(['base']);
      expect(qcowSnapshots(vm.disk)).toEqual(['base']);
      expect(domstate(vm.uuid)).toBe('shut off');
      // One whole state: the one before (0x55) or base's (0xaa); a succeeded task means base's.
      const reverted = qemuIo(vm.disk, SLOW_DISK.check);
      expect(reverted || qemuIo(vm.disk, 'read -P 0x55 0 32M')).toBe(true);
      if (task.state === 'succeeded') expect(reverted).toBe(true);
      await nextRuns();
    },
  );

  it.each<Cut>(['step', 'command'])(
    'delete, cut at the %s: the snapshot is whole in libvirt and in the disk, or gone from both',
    async (cut) => {
      virsh('snapshot-create-as', '--domain', vm.uuid, '--name', 'doomed');
      const { task, whileRunning } = await cutIn(
        () => t.client.call('snapshots.delete', { vmId, names: ['doomed'] }),
        'delete',
        'snapshot-delete',
        cut,
      );
      expect(['succeeded', 'failed']).toContain(task.state);
      if (cut === 'command') expect(whileRunning).toBe(true);
      await settled();
      const listed = virshSnapshots(vm.uuid);
      expect([['base'], ['base', 'doomed']]).toContainEqual(listed);
      expect(qcowSnapshots(vm.disk).sort()).toEqual(listed);
      if (task.state === 'succeeded') expect(listed).toEqual(['base']);
      expect(domstate(vm.uuid)).toBe('shut off');
      if (listed.includes('doomed')) {
        virsh('snapshot-delete', '--domain', vm.uuid, '--snapshotname', 'doomed');
      }
      await nextRuns();
    },
  );
});
