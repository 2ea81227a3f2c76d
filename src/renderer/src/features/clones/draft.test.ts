import { describe, expect, it } from 'vitest';
import { VmCloneInput } from '../../../../shared/domain/clone';
import { PlacementRequest } from '../../../../shared/domain/placement';
import type { VmDetail } from '../../../../shared/domain/vm';
import {
  clonePlacementRequest,
  cloneRequest,
  copySummary,
  initCloneDraft,
  namePreview,
  placedOn,
  validateCloneDraft,
  type CloneDraft,
} from './draft';

const ID = '00000000-0000-4000-8000-0000000000aa';
const HOST = '00000000-0000-4000-8000-0000000000bb';
const source = { name: 'web', template: false, hostId: HOST };
const template = { ...source, name: 'tpl', template: true };
const draft = (over: Partial<CloneDraft> = {}): CloneDraft => ({ ...initCloneDraft(source), ...over });

const detail: Pick<VmDetail, 'name' | 'vcpus' | 'memoryBytes' | 'details'> = {
  name: 'web',
  vcpus: 2,
  memoryBytes: 512 * 1024 * 1024,
  details: {
    disks: [
      {
        device: 'disk',
        target: 'vda',
        bus: 'virtio',
        source: '/p/web.qcow2',
        format: 'qcow2',
        backingChain: [],
      },
      {
        device: 'cdrom',
        target: 'hda',
        bus: 'ide',
        source: '/p/debian.iso',
        format: 'raw',
        backingChain: [],
      },
      {
        device: 'cdrom',
        target: 'hdb',
        bus: 'ide',
        source: '/p/web-cidata.iso',
        format: 'raw',
        backingChain: [],
      },
    ],
    nics: [{ type: 'network', source: 'default', mac: '52:54:00:00:00:01', model: 'virtio' }],
  },
};

describe('the Clone dialog’s defaults', () => {
  it('a VM is cloned whole as "<name>-clone"; a template makes numbered linked clones', () => {
    expect(initCloneDraft(source)).toMatchObject({ mode: 'full', name: '{{.VMName}}-clone', count: 1 });
    expect(initCloneDraft(template)).toMatchObject({ mode: 'linked', name: '{{.VMName}}-{{.Index}}' });
    expect(initCloneDraft(template, 'full').mode).toBe('full');
  });
});

describe('the live name preview', () => {
  it('renders the template for each clone and marks names that are taken', () => {
    const p = namePreview(draft({ name: '{{.VMName}}-{{.Index}}', count: 3 }), 'web', new Set(['web-2']));
    expect(p.names).toEqual(['web-1', 'web-2', 'web-3']);
    expect(p.taken).toEqual(['web-2']);
  });

  it('shows nothing for an empty name or a count out of range', () => {
    expect(namePreview(draft({ name: ' ' }), 'web', new Set()).names).toEqual([]);
    expect(namePreview(draft({ count: 0 }), 'web', new Set()).names).toEqual([]);
    expect(namePreview(draft({ count: 51 }), 'web', new Set()).names).toEqual([]);
  });
});

describe('validating the draft', () => {
  const none = new Set<string>();
  it('accepts the defaults', () => {
    expect(validateCloneDraft(draft(), source, none)).toEqual({});
    expect(validateCloneDraft(initCloneDraft(template), template, none)).toEqual({});
  });

  it('names what is wrong with the names: empty, placeholders, not a VM name, repeats, taken', () => {
    expect(validateCloneDraft(draft({ name: '' }), source, none).name).toBe('Name is required');
    expect(validateCloneDraft(draft({ name: '{{.Id}}' }), source, none).name).toMatch(/placeholders/);
    expect(validateCloneDraft(draft({ name: 'a b' }), source, none).name).toMatch(/not a VM name/);
    expect(validateCloneDraft(draft({ name: 'web-clone' }), source, new Set(['web-clone'])).name).toBe(
      'A VM named web-clone exists already',
    );
    const many = validateCloneDraft(
      draft({ name: 'x-{{.Index}}', count: 5 }),
      source,
      new Set(['x-1', 'x-2', 'x-3', 'x-4']),
    );
    expect(many.name).toBe('VMs named x-1, x-2, x-3, … exist already');
  });

  it('refuses a count out of range, a linked clone of a plain VM, and a chosen host left empty', () => {
    expect(validateCloneDraft(draft({ count: 51 }), source, none).count).toMatch(/1 to 50/);
    expect(validateCloneDraft(draft({ count: 1.5 }), source, none).count).toBeDefined();
    expect(validateCloneDraft(draft({ mode: 'linked' }), source, none).mode).toMatch(/template only/);
    expect(validateCloneDraft(draft({ destination: 'host', hostId: '' }), source, none).host).toBe(
      'Choose a host',
    );
  });
});

describe('the request', () => {
  it('sends no placement for the source’s host, the strategy for the scheduler, the host and pool when chosen', () => {
    expect(cloneRequest(draft({ description: ' ' }), ID)).toEqual({
      vmId: ID,
      name: '{{.VMName}}-clone',
      mode: 'full',
      count: 1,
    });
    expect(cloneRequest(draft({ destination: 'scheduler', strategy: 'pack' }), ID).placement).toEqual({
      strategy: 'pack',
    });
    expect(cloneRequest(draft({ destination: 'host', pool: 'fast' }), ID).placement).toEqual({
      strategy: 'spread',
      hostId: HOST,
      pool: 'fast',
    });
  });

  it('every valid draft makes a request the channel’s schema accepts', () => {
    for (const d of [
      draft(),
      draft({ name: 'n-{{.Index}}', count: 50, description: 'why' }),
      draft({ destination: 'host', pool: 'default' }),
      { ...initCloneDraft(template), destination: 'scheduler' as const },
    ]) {
      expect(validateCloneDraft(d, d.mode === 'linked' ? template : source, new Set())).toEqual({});
      expect(VmCloneInput.safeParse(cloneRequest(d, ID)).success).toBe(true);
    }
  });
});

describe('the placement preview', () => {
  const volumes = [{ path: '/p/web.qcow2', capacityBytes: 2 * 1024 ** 3, pool: 'default' }];
  it('asks nothing when the clones stay on the source’s host', () => {
    expect(clonePlacementRequest(draft(), detail, volumes)).toBeNull();
  });

  it('asks the scheduler for count VMs the size of the source, with its disks and network', () => {
    const r = clonePlacementRequest(draft({ destination: 'scheduler', count: 3 }), detail, volumes)!;
    expect(r).toMatchObject({
      vcpus: 2,
      memoryBytes: 512 * 1024 * 1024,
      count: 3,
      network: 'default',
      disks: [{ sizeBytes: 2 * 1024 ** 3, thin: true }],
    });
    expect(PlacementRequest.safeParse(r).success).toBe(true);
  });

  it('checks a chosen host and pool', () => {
    const r = clonePlacementRequest(draft({ destination: 'host', pool: 'fast' }), detail, [])!;
    expect(r.manualHost).toBe(HOST);
    expect(r.disks).toEqual([{ sizeBytes: 1, thin: true, pool: 'fast' }]);
  });
});

describe('what the confirmation says is copied', () => {
  it('a full clone copies its own disks, shares ISOs, makes a new seed and new identities', () => {
    const text = copySummary(detail, 'full', 1).join('\n');
    expect(text).toContain('Its disk is copied whole');
    expect(text).toContain('vda (/p/web.qcow2)');
    expect(text).toContain('Shared, not copied: hda (/p/debian.iso)');
    expect(text).toContain('cloud-init seed is made anew');
    expect(text).toContain('new UUID and SMBIOS UUID and a new MAC');
  });

  it('a clone on another host says how its disk travels and what becomes of shared media there', () => {
    expect(copySummary(detail, 'full', 1).join('\n')).not.toContain('SHA-256');
    const text = copySummary(detail, 'full', 1, true).join('\n');
    expect(text).toContain('through this workstation and its SHA-256 is checked');
    expect(text).toContain('a CD-ROM that host lacks is left empty');
  });

  it('a linked clone copies nothing on the template’s host and pins the template', () => {
    const text = copySummary({ ...detail, name: 'tpl' }, 'linked', 2).join('\n');
    expect(text).toContain('Each of the 2 clones gets a qcow2 overlay');
    expect(text).toContain('cannot be deleted while a linked clone');
  });
});

describe('where the dry run puts the clones, in words', () => {
  const hosts = [
    { id: 'a', name: 'kvm-a' },
    { id: 'b', name: 'kvm-b' },
  ];
  const ok = (chosen: string[]) => ({ ok: true, result: { chosen, placements: [], table: [] } }) as const;
  it('names the host of one clone, and how many of several each host takes', () => {
    expect(placedOn(ok(['b']), hosts)).toBe('kvm-b');
    expect(placedOn(ok(['a', 'b', 'a']), hosts)).toBe('kvm-a (2), kvm-b (1)');
  });
  it('says nothing for a refused or missing dry run', () => {
    expect(placedOn(undefined, hosts)).toBeNull();
    expect(
      placedOn(
        {
          ok: false,
          failure: {
            kind: 'no-feasible-host',
            message: 'No feasible nodes found',
            index: 0,
            placed: [],
            table: [],
          },
        },
        hosts,
      ),
    ).toBeNull();
  });
});
