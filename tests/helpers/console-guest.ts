/**
 * The real Debian guest (../shared/tools/cloud-guest.sh; QHCI_CLOUD_IMAGE) booted for console tests: a
 * throw-away overlay on the image, its kernel started directly (no boot loader wait) with the console on
 * tty1 (a 1024×768 framebuffer) and ttyS0, VNC on the host's loopback, and the guest agent. No seed: cloud-init
 * finds no datasource and stays out of the way, and getty shows "debian login:" on both consoles.
 * Under TCG it reaches the prompt in about a minute here; the accelerator is the one the testbed found
 * to boot a real kernel (scripts/testbed.sh accel).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { removeDomain, virsh } from './domains';
import { NO_TESTBED, testbed } from './testbed';

export const GUEST_IMAGE = process.env.QHCI_CLOUD_IMAGE ?? '';

/** Why console tests on the real guest cannot run here, or '' when they can. */
export const NO_GUEST = !GUEST_IMAGE
  ? 'QHCI_CLOUD_IMAGE is not set (the path of a cloud-guest.sh image; .ci/run builds one)'
  : !existsSync(GUEST_IMAGE)
    ? `QHCI_CLOUD_IMAGE=${GUEST_IMAGE} does not exist`
    : !existsSync(join(dirname(GUEST_IMAGE), 'vmlinuz'))
      ? `no vmlinuz beside ${GUEST_IMAGE}`
      : NO_TESTBED;

export interface Guest {
  readonly uuid: string;
  readonly name: string;
  /** Destroys and undefines the domain and removes its overlay. */
  remove(): void;
}

export function startGuest(name = `qhci-t-guest-${randomUUID().slice(0, 8)}`): Guest {
  const out = dirname(GUEST_IMAGE);
  const dir = mkdtempSync(join(tmpdir(), 'qhci-guest-'));
  // QEMU runs as its own user (libvirt-qemu): it must be able to reach the overlay inside.
  chmodSync(dir, 0o711);
  const overlay = join(dir, 'disk.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', GUEST_IMAGE, '-F', 'qcow2', overlay]);
  const cmdline = `${readFileSync(join(out, 'cmdline'), 'utf8').trim()} video=1024x768`;
  const type = testbed?.accel === 'kvm' ? 'kvm' : 'qemu';
  const uuid = randomUUID();
  const xml = `<domain type='${type}'>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <memory unit='MiB'>768</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${join(out, 'vmlinuz')}</kernel>
    <initrd>${join(out, 'initrd.img')}</initrd>
    <cmdline>${cmdline}</cmdline>
  </os>
  <features><acpi/></features>
  <on_reboot>restart</on_reboot>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/><source file='${overlay}'/><target dev='vda' bus='virtio'/>
    </disk>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'><listen type='address' address='127.0.0.1'/></graphics>
    <video><model type='vga'/></video>
  </devices>
</domain>`;
  writeFileSync(join(dir, 'domain.xml'), xml);
  virsh('define', join(dir, 'domain.xml'));
  virsh('start', uuid);
  return {
    uuid,
    name,
    remove() {
      removeDomain(uuid);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the guest agent answers (the guest has booted to its services); false on time-out. */
export async function waitForAgent(uuid: string, ms = 240_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      virsh('qemu-agent-command', uuid, '{"execute":"guest-ping"}', '--timeout', '5');
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  return false;
}

/** Runs a shell command in the guest through its agent and returns stdout. */
export async function guestRun(uuid: string, command: string): Promise<string> {
  const started = JSON.parse(
    virsh(
      'qemu-agent-command',
      uuid,
      JSON.stringify({
        execute: 'guest-exec',
        arguments: { path: '/bin/sh', arg: ['-c', command], 'capture-output': true },
      }),
    ),
  ) as { return: { pid: number } };
  for (let i = 0; i < 200; i++) {
    const st = JSON.parse(
      virsh(
        'qemu-agent-command',
        uuid,
        JSON.stringify({ execute: 'guest-exec-status', arguments: { pid: started.return.pid } }),
      ),
    ) as { return: { exited: boolean; 'out-data'?: string } };
    if (st.return.exited) return Buffer.from(st.return['out-data'] ?? '', 'base64').toString('utf8');
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`guest command did not finish: ${command}`);
}
