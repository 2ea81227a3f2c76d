/** Builders for the settings planner's tests: the golden domain's context and a few document readers. */
import { MiB } from '../../../shared/domain/provision';
import { VmSettingsChange, type VmSettingsRequest } from '../../../shared/domain/vm-settings';
import { node, nodes, parseXml, text } from '../xml';
import { planSettings } from './plan';
import type { SettingsContext } from './types';

export const POOL = 'qhci-testbed';
export const PDIR = '/var/lib/libvirt/images/qhci-testbed';
export const DISK0 = `${PDIR}/qhci-t-set-golden-disk0.qcow2`;
export const MAC = '52:54:00:f5:eb:38';

/** The context of the golden domain (its inactive and live XML are the tests' to read), field by field. */
export function settingsFixture(inactive: string, live: string) {
  function ctx(over: Partial<SettingsContext> = {}): SettingsContext {
    return {
      inactiveXml: inactive,
      liveXml: null,
      pools: [
        { name: POOL, path: PDIR },
        { name: 'lvm', path: null },
      ],
      volumes: [
        {
          pool: POOL,
          name: 'qhci-t-set-golden-disk0.qcow2',
          path: DISK0,
          format: 'qcow2',
          capacityBytes: 16 * MiB,
        },
        {
          pool: POOL,
          name: 'qhci-t-set-golden-disk1.qcow2',
          path: `${PDIR}/x1`,
          format: 'qcow2',
          capacityBytes: MiB,
        },
        { pool: POOL, name: 'data.raw', path: `${PDIR}/data.raw`, format: 'raw', capacityBytes: 16 * MiB },
        { pool: POOL, name: 'other.iso', path: `${PDIR}/other.iso`, format: 'iso', capacityBytes: MiB },
      ],
      networks: ['default', 'isolated'],
      macs: ['52:54:00:aa:00:01', '52:54:00:aa:00:02'],
      ...over,
    };
  }
  const running = (over: Partial<SettingsContext> = {}) => ctx({ liveXml: live, ...over });
  return { ctx, running };
}

export const changes = (list: VmSettingsRequest['changes']) => list.map((c) => VmSettingsChange.parse(c));
export const plan = (c: SettingsContext, list: VmSettingsRequest['changes']) =>
  planSettings(c, changes(list));

export const ALL: VmSettingsRequest['changes'] = [
  { kind: 'vcpus', current: 2, maximum: 4 },
  { kind: 'memory', currentBytes: 192 * MiB },
  { kind: 'disk-add-new', pool: POOL, sizeBytes: 64 * MiB },
  { kind: 'disk-add-existing', pool: POOL, volume: 'data.raw', bus: 'sata' },
  { kind: 'disk-grow', target: 'vda', sizeBytes: 32 * MiB },
  { kind: 'nic-add', network: 'isolated', model: 'e1000e' },
  { kind: 'nic-update', mac: MAC, network: 'isolated' },
  { kind: 'cdrom-insert', pool: POOL, volume: 'other.iso' },
  { kind: 'boot-order', order: ['hd', 'cdrom', 'network'] },
  { kind: 'description', text: 'web & <db>' },
  { kind: 'autostart', enabled: true },
  { kind: 'labels', labels: { env: 'prod' } },
];

export const dom = (xml: string) => node(parseXml(xml), 'domain');
export const disks = (xml: string) => nodes(node(dom(xml), 'devices'), 'disk');
export const nics = (xml: string) => nodes(node(dom(xml), 'devices'), 'interface');
export const targets = (xml: string) => disks(xml).map((d) => text(node(d, 'target'), '@dev'));
