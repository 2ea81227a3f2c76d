import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VmSummary } from '../../../../shared/domain/vm';
import { NO_VM_FILTERS } from '../../stores/ui';
import {
  activeFilterCount,
  filterRows,
  filterRowsOnce,
  labelMatcher,
  rowsMatchingText,
  sortRows,
  toRows,
  type VmRow,
} from './filter';

let n = 0;
const vm = (name: string, over: Partial<VmSummary> = {}): VmSummary => ({
  id: `id-${String(++n).padStart(4, '0')}`,
  projectId: 'p',
  name,
  folderId: null,
  hostId: null,
  state: 'shutoff',
  scheduledAt: null,
  template: false,
  parentId: null,
  linked: false,
  vcpus: 1,
  memoryBytes: 1024,
  labels: {},
  description: '',
  ...over,
});

const lookups = {
  hostNames: new Map([
    ['h1', 'alpha'],
    ['h2', 'beta'],
  ]),
  folderPaths: new Map([['f1', '/Prod']]),
};

const names = (rows: readonly { vm: VmSummary }[]) => rows.map((r) => r.vm.name);

describe('sorting the VM list', () => {
  const rows = toRows(
    [
      vm('web-10', { hostId: 'h2', state: 'running', vcpus: 4 }),
      vm('web-2', { hostId: 'h1', state: 'shutoff', vcpus: 2 }),
      vm('db-1', { hostId: 'h2', state: 'paused', vcpus: 8 }),
    ],
    lookups,
  );

  it('sorts names the way people count: web-2 before web-10', () => {
    expect(names(sortRows(rows, 'name', 'asc'))).toEqual(['db-1', 'web-2', 'web-10']);
    expect(names(sortRows(rows, 'name', 'desc'))).toEqual(['web-10', 'web-2', 'db-1']);
  });

  it('sorts by host name, then by name within a host', () => {
    expect(names(sortRows(rows, 'host', 'asc'))).toEqual(['web-2', 'db-1', 'web-10']);
  });

  it('sorts by state in the order of VM_STATES and by vCPUs numerically', () => {
    expect(names(sortRows(rows, 'state', 'asc'))).toEqual(['web-10', 'db-1', 'web-2']);
    expect(names(sortRows(rows, 'vcpus', 'desc'))).toEqual(['db-1', 'web-10', 'web-2']);
  });

  it('sorts by live CPU and memory in use, VMs with no sample first when ascending', () => {
    const byName = new Map(rows.map((r) => [r.vm.name, r.vm.id]));
    const usage = new Map([
      [byName.get('web-2')!, { cpu: 80, memUsed: 1024 }],
      [byName.get('db-1')!, { cpu: 5.5, memUsed: 4096 }],
    ]);
    const lookup = (id: string) => usage.get(id);
    expect(names(sortRows(rows, 'cpu', 'desc', lookup))).toEqual(['web-2', 'db-1', 'web-10']);
    expect(names(sortRows(rows, 'cpu', 'asc', lookup))).toEqual(['web-10', 'db-1', 'web-2']);
    expect(names(sortRows(rows, 'memUsed', 'desc', lookup))).toEqual(['db-1', 'web-2', 'web-10']);
    // Without usage, every VM is unknown: the order falls back to the names.
    expect(names(sortRows(rows, 'cpu', 'desc'))).toEqual(['db-1', 'web-2', 'web-10']);
  });
});

describe('filtering the VM list', () => {
  const rows = toRows(
    [
      vm('Web-1', { hostId: 'h1', folderId: 'f1', state: 'running', labels: { env: 'prod' } }),
      vm('web-2', { hostId: 'h2', labels: { env: 'dev', tier: 'web' } }),
      vm('db-1', { hostId: 'h1' }),
    ],
    lookups,
  );

  it('returns the same rows when nothing filters', () => {
    expect(filterRows(rows, NO_VM_FILTERS)).toBe(rows);
  });

  it('matches the name case-insensitively, anywhere in it', () => {
    expect(names(filterRows(rows, { ...NO_VM_FILTERS, text: 'WEB' }))).toEqual(['Web-1', 'web-2']);
    expect(names(filterRows(rows, { ...NO_VM_FILTERS, text: 'eb-1' }))).toEqual(['Web-1']);
  });

  it('combines state, host, folder ("none": in no folder) and label filters', () => {
    expect(names(filterRows(rows, { ...NO_VM_FILTERS, state: 'running' }))).toEqual(['Web-1']);
    expect(names(filterRows(rows, { ...NO_VM_FILTERS, hostId: 'h1' }))).toEqual(['Web-1', 'db-1']);
    expect(names(filterRows(rows, { ...NO_VM_FILTERS, folderId: 'none' }))).toEqual(['web-2', 'db-1']);
    expect(names(filterRows(rows, { ...NO_VM_FILTERS, folderId: 'f1' }))).toEqual(['Web-1']);
    expect(names(filterRows(rows, { ...NO_VM_FILTERS, label: 'env=dev' }))).toEqual(['web-2']);
    expect(names(filterRows(rows, { ...NO_VM_FILTERS, label: 'env', hostId: 'h1' }))).toEqual(['Web-1']);
  });

  it('shows templates apart: VMs (linked clones among them), templates, or linked clones only', () => {
    const kinds = toRows(
      [
        vm('tpl', { template: true }),
        vm('tpl-1', { parentId: 'tpl', linked: true }),
        vm('full', { parentId: 'tpl' }),
        vm('plain'),
      ],
      lookups,
    );
    expect(names(filterRows(kinds, { ...NO_VM_FILTERS, kind: 'template' }))).toEqual(['tpl']);
    expect(names(filterRows(kinds, { ...NO_VM_FILTERS, kind: 'linked' }))).toEqual(['tpl-1']);
    expect(names(filterRows(kinds, { ...NO_VM_FILTERS, kind: 'vm' }))).toEqual(['tpl-1', 'full', 'plain']);
    expect(activeFilterCount({ ...NO_VM_FILTERS, kind: 'template' })).toBe(1);
  });

  it('reads a label filter as a key alone or key=value', () => {
    expect(labelMatcher('  ')).toBeNull();
    expect(labelMatcher('Tier')!({ tier: 'x' })).toBe(true);
    expect(labelMatcher('env = Prod')!({ env: 'prod' })).toBe(true);
    expect(labelMatcher('env=prod')!({ env: 'dev' })).toBe(false);
  });
});

describe('filtering once for the table and the count', () => {
  const rows = toRows([vm('web-1'), vm('web-2'), vm('db-1')], lookups);

  it('answers the same array for the same rows and filters, and filters again when either changes', () => {
    const f = { ...NO_VM_FILTERS, text: 'web' };
    const first = filterRowsOnce(rows, f);
    expect(names(first)).toEqual(['web-1', 'web-2']);
    expect(filterRowsOnce(rows, f)).toBe(first);
    const g = { ...NO_VM_FILTERS, text: 'db' };
    expect(names(filterRowsOnce(rows, g))).toEqual(['db-1']);
    const other = rows.slice(1);
    expect(names(filterRowsOnce(other, g))).toEqual(['db-1']);
    expect(names(filterRowsOnce(other, f))).toEqual(['web-2']);
  });
});

describe('the name filter, typed one keystroke at a time', () => {
  const alphabet = ['a', 'b', '-', '1', '2'];
  const many = toRows(
    Array.from({ length: 300 }, (_, i) =>
      vm(Array.from({ length: 1 + (i % 6) }, (_, k) => alphabet[(i * 7 + k * 3 + (i >> k)) % 5]).join('')),
    ),
    lookups,
  );
  const plain = (rows: readonly VmRow[], text: string) => rows.filter((r) => r.key.includes(text));

  it('matches what a full scan matches, whatever was typed or erased before (incremental, cached)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...alphabet), fc.constant('\b')), { maxLength: 60 }),
        (keys) => {
          // A fresh list each run, so that no run sees another's cache.
          const rows = [...many];
          let text = '';
          for (const k of keys) {
            text = k === '\b' ? text.slice(0, -1) : text + k;
            expect(rowsMatchingText(rows, text)).toEqual(plain(rows, text));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the list order, and the whole list (itself) for no text', () => {
    const rows = sortRows(many, 'name', 'desc');
    expect(rowsMatchingText(rows, '')).toBe(rows);
    expect(names(rowsMatchingText(rows, 'a'))).toEqual(names(plain(rows, 'a')));
  });

  it('answers a text met again from its recent results, and forgets the oldest beyond 32', () => {
    const rows = [...many];
    const first = rowsMatchingText(rows, 'a');
    expect(rowsMatchingText(rows, 'ab')).toEqual(plain(rows, 'ab'));
    expect(rowsMatchingText(rows, 'a')).toBe(first);
    for (let i = 0; i < 40; i++) rowsMatchingText(rows, `zz${i}`);
    const again = rowsMatchingText(rows, 'a');
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
