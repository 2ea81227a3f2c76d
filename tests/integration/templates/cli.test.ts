/**
 * `qhci vm template` and `qhci vm detach` as a user runs them: a real process, the testbed's kvm-a over SSH
 * (so stat, chmod and qemu-img rebase run through the SSH driver), progress on stderr; `vm list`, `vm show`
 * and `vm start` speak of the template.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/app';
import { runQhci } from '../../helpers/cli';
import {
  defineCloneSource,
  imgInfo,
  removeCloneSource,
  removeDomainAndFiles,
  type CloneSource,
} from '../../helpers/clones';
import { reopen } from '../../helpers/crash';
import { virsh } from '../../helpers/domains';
import { sshHostAddArgs } from '../../helpers/provision';
import { qemuIo } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';
import { defineOverlayVm } from '../../helpers/templates';

const dataDir = tempDir('qhci-cli-template-');
const qhci = (args: string[]) => runQhci(dataDir, args);

describe.skipIf(!testbed)(`qhci vm template and vm detach on the testbed ${NO_TESTBED}`, () => {
  let src: CloneSource;
  let link = { name: '', disk: '' };

  beforeAll(() => {
    src = defineCloneSource();
    expect(qemuIo(src.disk, 'write -P 0xaa 0 64k')).toBe(true);
    expect(qhci(sshHostAddArgs('kvm-a')).code).toBe(0);
  }, 60_000);
  afterAll(() => {
    if (link.disk) removeDomainAndFiles(link.name, [link.disk]);
    execFileSync('chmod', ['u+w', src.disk]);
    removeCloneSource(src);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes a template; list, show and start say so', () => {
    const r = qhci(['vm', 'template', src.name]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`${src.name} is a template`);
    expect(r.err).toMatch(/read-only/i);
    expect(statSync(src.disk).mode & 0o222).toBe(0);
    const list = qhci(['vm', 'list']);
    expect(list.out).toMatch(new RegExp(`${src.name}\\s+kvm-a\\s+template`));
    expect(qhci(['vm', 'show', src.name]).out).toMatch(/kind:\s+template/);
    const start = qhci(['vm', 'start', src.name]);
    expect(start.code).not.toBe(0);
    expect(start.err).toMatch(/is a template: templates are not started/);
    expect(virsh('domstate', src.name).trim()).toBe('shut off');
  });

  it('detaches a linked clone, and refuses one that is not linked', async () => {
    link = defineOverlayVm(src.disk, 'qhci-t-tmcli');
    expect(qhci(['host', 'sync', 'kvm-a']).code).toBe(0);
    const { app } = await reopen(dataDir);
    try {
      const vms = app.repos.vms;
      const all = vms.list('00000000-0000-4000-8000-000000000001');
      const id = (n: string) => all.find((v) => v.name === n)!.id;
      vms.setParent(id(link.name), id(src.name), true);
    } finally {
      app.close();
    }
    expect(qhci(['vm', 'show', link.name]).out).toContain(`kind:        linked clone of ${src.name}`);
    const del = qhci(['vm', 'delete', src.name]);
    expect(del.code).not.toBe(0);
    expect(del.err).toContain(link.name);

    const r = qhci(['vm', 'detach', link.name]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('detached from its template');
    expect(imgInfo(link.disk)['backing-filename']).toBeUndefined();
    expect(qemuIo(link.disk, 'read -P 0xaa 0 64k')).toBe(true);
    const again = qhci(['vm', 'detach', link.name]);
    expect(again.code).not.toBe(0);
    expect(again.err).toMatch(/not a linked clone/);
  });
});
