/** Small real domains on the testbed's qemu:///system, made and removed by tests (names start with qhci-t-). */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const QEMU = 'qemu:///system';

/**
 * virsh on the testbed's libvirt. A pool refresh that meets another process's volume job in the same pool
 * ("has asynchronous jobs running": a volume being created or uploaded) is tried again for up to 30 s.
 */
export function virsh(...args: string[]): string {
  const run = () =>
    execFileSync('virsh', ['-c', QEMU, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return run();
    } catch (err) {
      const busy = args[0] === 'pool-refresh' && /asynchronous jobs running/.test(String(err));
      if (!busy || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
}

/**
 * Whether the libvirt at `uri` offers KVM, read here without the product's parser: `virsh domcapabilities
 * --virttype kvm` answers only where QEMU can use KVM, and then names the domain type kvm. It differs from machine
 * to machine (TESTBED.md), so tests compare with this and never assume either way.
 */
export function hostOffersKvm(uri = QEMU): boolean {
  const run = spawnSync('virsh', ['-c', uri, 'domcapabilities', '--virttype', 'kvm'], { encoding: 'utf8' });
  return run.status === 0 && /<domain>\s*kvm\s*<\/domain>/.test(run.stdout);
}

/** The domain type the host's VMs get: kvm where it offers KVM, otherwise qemu (TCG). */
export function hostDomainType(uri = QEMU): 'kvm' | 'qemu' {
  return hostOffersKvm(uri) ? 'kvm' : 'qemu';
}

/** Defines a domain from its XML (virsh reads it from a private temporary file). */
export function defineXml(xml: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'qhci-dom-'));
  try {
    writeFileSync(join(dir, 'd.xml'), xml);
    virsh('define', join(dir, 'd.xml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Defines a diskless domain (64 MiB, boots nothing) and returns its uuid and name. Its type is qemu (TCG),
 * which every host runs, with KVM or without.
 */
export function defineDomain(name = `qhci-t-${randomUUID().slice(0, 8)}`): { uuid: string; name: string } {
  const uuid = randomUUID();
  const xml = `<domain type='qemu'>
  <name>${name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;')}</name>
  <uuid>${uuid}</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type><boot dev='network'/></os>
  <features><acpi/></features>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator><graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices>
</domain>`;
  defineXml(xml);
  return { uuid, name };
}

export function removeDomain(uuid: string): void {
  try {
    virsh('destroy', uuid);
  } catch {
    /* not running */
  }
  try {
    virsh('undefine', uuid, '--nvram');
  } catch {
    /* already gone */
  }
}

export function domstate(uuid: string): string {
  return virsh('domstate', uuid).trim();
}
