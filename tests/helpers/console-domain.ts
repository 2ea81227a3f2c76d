/**
 * A small running domain with the devices a console needs: VNC on the host's loopback, a VGA screen (SeaBIOS
 * draws on it) and a serial console. Type qemu (TCG), so it runs on every host, with KVM or without.
 */
import { randomUUID } from 'node:crypto';
import { defineXml, virsh } from './domains';

export function startConsoleDomain(name = `qhci-t-con-${randomUUID().slice(0, 8)}`): {
  uuid: string;
  name: string;
} {
  const uuid = randomUUID();
  const xml = `<domain type='qemu'>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='network'/></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'><listen type='address' address='127.0.0.1'/></graphics>
    <video><model type='vga'/></video>
  </devices>
</domain>`;
  defineXml(xml);
  virsh('start', uuid);
  return { uuid, name };
}
