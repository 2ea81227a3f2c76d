/**
 * `qhci vm clone` as a user runs it: a real process, the testbed's kvm-a over SSH (so qemu-img and the seed
 * run through the SSH driver), progress on stderr, the clone checked with virsh and qemu-io.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/app';
import {
  cloneFiles,
  defineCloneSource,
  removeCloneSource,
  removeDomainAndFiles,
  type CloneSource,
} from '../../helpers/clones';
import { domainNames, sshHostAddArgs, uniq } from '../../helpers/provision';
import { qemuIo } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';
import { runQhci } from '../../helpers/cli';

const dataDir = tempDir('qhci-cli-clone-');

const qhci = (args: string[]) => runQhci(dataDir, args);

describe.skipIf(!testbed)(`qhci vm clone on the testbed ${NO_TESTBED}`, () => {
  let src: CloneSource;
  const name = uniq('qhci-t-clcli');

  beforeAll(() => {
    src = defineCloneSource();
    expect(qemuIo(src.disk, 'write -P 0xaa 0 64k')).toBe(true);
    expect(qhci(sshHostAddArgs('kvm-a')).code).toBe(0);
  }, 60_000);
  afterAll(() => {
    removeDomainAndFiles(name, cloneFiles(name));
    removeCloneSource(src);
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
    expect(hostile.err).toMatch(/Name may contain only/);
  });
});
