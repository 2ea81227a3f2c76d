/**
 * A VM of the real Debian guest (cloud-init, qemu-guest-agent; ../shared/tools/cloud-guest.sh) defined on
 * the testbed's qemu:///system with our kind of seed (`<name>-cidata.iso`, its own instance-id and hostname),
 * for clone and template tests: its identity (hostname, machine-id, SSH host key) read through the guest
 * agent once cloud-init is done.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GUEST_IMAGE } from './console-guest';
import { virsh } from './domains';
import { POOL, POOL_DIR } from './provision';
import { testbed } from './testbed';

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

export function defineGuest(name: string): { disk: string; seed: string } {
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

/** Runs a command in the guest (by domain name) through its agent (waiting for the agent to answer); its stdout. */
export async function guestRun(
  name: string,
  path: string,
  args: string[],
  timeoutMs = 600_000,
): Promise<string> {
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
export async function identity(name: string) {
  await guestRun(name, '/usr/bin/cloud-init', ['status', '--wait']);
  return {
    hostname: await guestRun(name, '/usr/bin/hostname', []),
    machineId: await guestRun(name, '/usr/bin/cat', ['/etc/machine-id']),
    hostKey: await guestRun(name, '/usr/bin/cat', ['/etc/ssh/ssh_host_ed25519_key.pub']),
  };
}

/** Flushes the guest's disk through the agent, then powers it off. */
export async function stop(name: string): Promise<void> {
  await guestRun(name, '/usr/bin/sync', []);
  virsh('destroy', name);
}
