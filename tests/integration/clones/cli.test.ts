/**
 * `qhci vm clone` as a user runs it: a real process, the testbed's kvm-a over SSH (so qemu-img and the seed
 * run through the SSH driver), progress on stderr, the clone checked with virsh and qemu-io.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/app';
import {
  cloneFiles,
  defineCloneSource,
  removeCloneSource,
  removeDomainAndFiles,
  type CloneSource,
} from '../../helpers/clones';
import { domainNames, POOL, POOL_DIR, sshHostAddArgs, uniq } from '../../helpers/provision';
import { secondHost, sshB, virshB } from '../../helpers/second-host';
import { backingChain } from '../../helpers/clones';
import { qemuIo } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';
import { runQhci } from '../../helpers/cli';

const dataDir = tempDir('qhci-cli-clone-');
const kvmB = secondHost();

const qhci = (args: string[]) => runQhci(dataDir, args);

describe.skipIf(!testbed)(`qhci vm clone on the testbed ${NO_TESTBED}`, () => {
  let src: CloneSource;
  const name = uniq('qhci-t-clcli');
  const linked = [1, 2].map((i) => `${name}-l${i}`);

  beforeAll(() => {
    src = defineCloneSource();
    expect(qemuIo(src.disk, 'write -P 0xaa 0 64k')).toBe(true);
    expect(qhci(sshHostAddArgs('kvm-a')).code).toBe(0);
  }, 60_000);
  afterAll(() => {
    for (const n of [name, ...linked]) removeDomainAndFiles(n, cloneFiles(n));
    if (src) removeCloneSource(src);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('clones with progress on stderr, and refuses a hostile name', () => {
    const r = qhci(['vm', 'clone', src.name, name, '--description', 'from the CLI']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(new RegExp(`Cloned ${src.name} as ${name}`));
    expect(r.err).toMatch(/volumes/i);
    expect(domainNames()).toContain(name);
    expect(qemuIo(cloneFiles(name)[0]!, 'read -P 0xaa 0 64k')).toBe(true);

    const bad = qhci(['vm', 'clone', src.name, '--pool=x']);
    expect(bad.code).not.toBe(0);
    const hostile = qhci(['vm', 'clone', src.name, 'a;b']);
    expect(hostile.code).not.toBe(0);
    expect(hostile.err).toMatch(/"a;b" is not a VM name/);
  });

  it('makes linked clones of a template with --linked --count, and explains a refused placement', () => {
    // Setup only: the template flag set in the inventory directly, as the convert operation would leave it.
    const db = new Database(join(dataDir, 'qhci.db'));
    try {
      expect(db.prepare('UPDATE vms SET template = 1 WHERE name = ?').run(src.name).changes).toBe(1);
    } finally {
      db.close();
    }
    const r = qhci(['vm', 'clone', src.name, `${name}-l{{.Index}}`, '--linked', '--count', '2']);
    expect(r.code, r.err).toBe(0);
    for (const n of linked) {
      expect(r.out).toContain(`Cloned ${src.name} as ${n} (linked) (shut off)`);
      expect(backingChain(cloneFiles(n)[0]!)[0]!['backing-filename']).toBe(src.disk);
    }
    expect(r.err).toMatch(/volumes/i);

    const refused = qhci(['vm', 'clone', src.name, uniq('qhci-t-clcli'), '--pool', 'qhci-no-such-pool']);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/No feasible nodes found.*Node does not have required storage pool/);
  });

  it.skipIf(!kvmB.host)('places a clone on another host with --host and --pool', () => {
    const b = kvmB.host!;
    const there = uniq('qhci-t-clcli');
    try {
      expect(qhci(sshHostAddArgs('kvm-b')).code).toBe(0);
      const r = qhci(['vm', 'clone', src.name, there, '--host', 'kvm-b', '--pool', POOL]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain(`Cloned ${src.name} as ${there} on kvm-b (shut off)`);
      expect(virshB(b, 'list', '--all', '--name')).toContain(there);
      expect(domainNames()).not.toContain(there);
    } finally {
      try {
        virshB(b, 'undefine', there);
      } catch {
        // not defined
      }
      sshB(b, `rm -f -- ${POOL_DIR}/${there}-* ${POOL_DIR}/${src.name}-base-*`);
    }
  });
});
