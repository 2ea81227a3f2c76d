/**
 * `qhci vm snapshot …` as a user runs it: a real process per command, the testbed's kvm-a over SSH (the
 * snapshot taken by snapshot-create-as in the host's virsh session there), progress on stderr, results
 * checked with virsh and qemu-img.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotPlan, SnapshotTree } from '../../../src/shared/domain/snapshot';
import { tempDir } from '../../helpers/app';
import {
  defineDiskVm,
  qcowSnapshots,
  qemuIo,
  removeDiskVm,
  virshSnapshots,
  type DiskVm,
} from '../../helpers/snapshots';
import { sshHostAddArgs } from '../../helpers/provision';
import { NO_TESTBED, testbed } from '../../helpers/testbed';
import { runQhci } from '../../helpers/cli';

const dataDir = tempDir('qhci-cli-snap-');

const qhci = (args: string[]) => runQhci(dataDir, args);

const json = <T>(args: string[]): T => {
  const r = qhci(['--json', ...args]);
  if (r.code !== 0) throw new Error(`qhci ${args.join(' ')} exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as T;
};

describe.skipIf(!testbed)(`qhci vm snapshot on the testbed ${NO_TESTBED}`, () => {
  let vm: DiskVm;

  beforeAll(() => {
    vm = defineDiskVm();
    const add = qhci(sshHostAddArgs('kvm-a'));
    expect(add.code).toBe(0);
  }, 60_000);
  afterAll(() => {
    removeDiskVm(vm);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('plans, creates, lists, reverts and deletes', () => {
    expect(qemuIo(vm.disk, 'write -P 0xaa 0 64k')).toBe(true);
    const plan = json<SnapshotPlan>(['vm', 'snapshot', 'plan', vm.name, '--disk-only']);
    expect(plan).toMatchObject({ mode: 'internal', memory: false, refusal: null });
    expect(qhci(['vm', 'snapshot', 'plan', vm.name]).out).toMatch(/internal snapshot, disks only/);

    const created = qhci(['vm', 'snapshot', 'create', vm.name, '--name', 'c1', '--description', 'aa']);
    expect(created.code).toBe(0);
    expect(created.out).toContain(`Snapshot c1 of ${vm.name} taken (internal, disks only)`);
    expect(created.err).toMatch(/snapshot/i);
    expect(virshSnapshots(vm.uuid)).toEqual(['c1']);
    expect(qcowSnapshots(vm.disk)).toEqual(['c1']);

    const tree = json<SnapshotTree>(['vm', 'snapshot', 'list', vm.name]);
    expect(tree).toMatchObject({ count: 1, current: 'c1' });
    expect(qhci(['vm', 'snapshot', 'list', vm.name]).out).toMatch(
      /^c1 \*\s+\S+ \S+\s+shutoff\s+no\s+internal\s+aa$/m,
    );

    expect(qemuIo(vm.disk, 'write -P 0x55 0 64k')).toBe(true);
    const reverted = qhci(['vm', 'snapshot', 'revert', vm.name, 'c1']);
    expect(reverted.code).toBe(0);
    expect(reverted.out).toContain(`${vm.name} reverted to c1: was shut off, is shut off`);
    expect(qemuIo(vm.disk, 'read -P 0xaa 0 64k')).toBe(true);

    const bad = qhci(['vm', 'snapshot', 'create', vm.name, '--name', '--current']);
    expect(bad.code).not.toBe(0);
    const hostile = qhci(['vm', 'snapshot', 'delete', vm.name, 'a/b']);
    expect(hostile.code).not.toBe(0);
    expect(hostile.err).toMatch(/may not contain "\/"/);
    expect(qhci(['vm', 'snapshot', 'create', vm.name, '--name', 'x', '--memory', '--disk-only']).err).toMatch(
      /not both/,
    );

    const deleted = qhci(['vm', 'snapshot', 'delete', vm.name, 'c1']);
    expect(deleted.code).toBe(0);
    expect(deleted.out).toContain(`Deleted c1 of ${vm.name}`);
    expect(virshSnapshots(vm.uuid)).toEqual([]);
    expect(qcowSnapshots(vm.disk)).toEqual([]);
  });
});
