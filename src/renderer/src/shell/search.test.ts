import { describe, expect, it } from 'vitest';
import type { FolderNode } from '../../../shared/domain/folder';
import type { HostSummary } from '../../../shared/domain/host';
import type { VmSummary } from '../../../shared/domain/vm';
import { HITS_PER_KIND, search } from './search';

const vm = (name: string, hostId: string | null = 'h1') => ({ id: `vm-${name}`, name, hostId }) as VmSummary;
const host = (id: string, name: string) => ({ id, name, uri: `qemu+ssh://${name}/system` }) as HostSummary;
const folder = (name: string, parentId: string | null = 'root') =>
  ({ id: `f-${name}`, name, parentId, path: parentId === null ? '/' : `/${name}` }) as FolderNode;

describe('the masthead search', () => {
  const data = {
    vms: [vm('web-10'), vm('web-1'), vm('db-web'), vm('cache', null)],
    hosts: [host('h1', 'kvm-web'), host('h2', 'kvm-db')],
    folders: [folder('', null), folder('Web'), folder('Databases')],
  };

  it('finds VMs, hosts and folders by name, case-insensitively, exact and prefix matches first', () => {
    const { hits } = search(' WEB ', data);
    expect(hits.map((h) => `${h.kind}:${h.name}`)).toEqual([
      'vm:web-1',
      'vm:web-10',
      'vm:db-web',
      'host:kvm-web',
      'folder:Web',
    ]);
    expect(hits[0]!.detail).toBe('on kvm-web');
    expect(hits.at(-1)!.detail).toBe('/Web');
  });

  it('says where a VM without a host is, never offers the root folder, and finds nothing for blank text', () => {
    expect(search('cache', data).hits[0]!.detail).toBe('not on a host');
    expect(search('/', data).hits).toEqual([]);
    expect(search('   ', data).hits).toEqual([]);
  });

  it('returns at most a handful of each kind', () => {
    const many = { ...data, vms: Array.from({ length: 50 }, (_, i) => vm(`node-${i}`)) };
    expect(search('node', many).counts.vm).toBe(HITS_PER_KIND);
  });
});
