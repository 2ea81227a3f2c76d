/**
 * A linked clone that names a template as its parent after the template's delete was accepted, but before
 * the delete task's first step (the race the template's lock alone would miss): the delete task refuses
 * under the lock, naming the clone, and the template and its disk stay.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/main/app';
import { inProcessBridge } from '../../../src/main/ipc/in-process';
import { createClient, type QhciClient } from '../../../src/shared/ipc/transport';
import { MIGRATIONS_DIR, tempDir } from '../../helpers/app';
import {
  defineCloneSource,
  removeCloneSource,
  removeDomainAndFiles,
  type CloneSource,
} from '../../helpers/clones';
import { virsh } from '../../helpers/domains';
import { addLocalHost, waitTask } from '../../helpers/provision';
import { vmIdOf } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';
import { defineOverlayVm } from '../../helpers/templates';

describe.skipIf(!testbed)(`a linked clone that appears as its template is deleted ${NO_TESTBED}`, () => {
  let app: App;
  let client: QhciClient;
  let src: CloneSource;
  let link: { name: string; disk: string } | null = null;
  let onInspect: () => void = () => undefined;

  beforeAll(() => {
    src = defineCloneSource();
    app = createApp({
      dataDir: tempDir(),
      migrationsDir: MIGRATIONS_DIR,
      version: 'test',
      checkpoint: (p) => {
        if (p.kind === 'vm.delete' && p.step === 'inspect' && p.at === 'start') onInspect();
      },
    });
    client = createClient(inProcessBridge(app));
  });
  afterAll(() => {
    app.close();
    if (link) removeDomainAndFiles(link.name, [link.disk]);
    spawnSync('chmod', ['u+w', src.disk]);
    removeCloneSource(src);
  });

  it('is refused under the lock, and nothing is deleted', async () => {
    const hostId = await addLocalHost(client);
    const srcId = await vmIdOf(client, hostId, src.name);
    const conv = await client.call('vms.convertToTemplate', { vmId: srcId, shutDown: false });
    expect((await waitTask(client, conv.taskId)).state).toBe('succeeded');
    link = defineOverlayVm(src.disk);
    const linkId = await vmIdOf(client, hostId, link.name);
    // What a linked clone's check step does first: its entry names the template as its linked parent.
    onInspect = () => app.repos.vms.setParent(linkId, srcId, true);

    const err = await client.call('vms.delete', { vmId: srcId, deleteDisks: true }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(String((err as { message?: string })?.message)).toMatch(
      new RegExp(`1 linked clone.*${link.name}`),
    );
    expect(virsh('domstate', src.name).trim()).toBe('shut off');
    expect(statSync(src.disk).isFile()).toBe(true);
    expect((await client.call('vms.get', { id: srcId })).template).toBe(true);
  });
});
