/**
 * Hostile values of the right shape, through the same dispatch the window uses (workstation files only as
 * tokens from main's dialog): URIs that would run
 * programs, names that virsh would read as options, shell metacharacters, traversal, device files, NUL,
 * newlines, long and odd unicode strings. Whatever each call answers, nothing may run (a marker file the
 * payloads would create stays absent), nothing may be deleted (a canary volume and domain stay), and no
 * answer or task may carry a secret file's content.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppErrorData } from '../../src/shared/domain/errors';
import { checkLibvirtUri } from '../../src/shared/domain/libvirt-uri';
import type { ChannelName } from '../../src/shared/ipc/channels';
import { createApp } from '../../src/main/app';
import { createClient } from '../../src/shared/ipc/transport';
import { MIGRATIONS_DIR, tempDir, type TestApp } from '../helpers/app';
import { defineDomain, domstate, removeDomain, virsh } from '../helpers/domains';
import {
  addLocalHost,
  POOL,
  POOL_DIR,
  poolVolumes,
  removeVolume,
  uniq,
  waitTask,
} from '../helpers/provision';
import { NO_TESTBED, testbed } from '../helpers/testbed';

const dir = tempDir('qhci-hostile-');
const marker = join(dir, 'ran');
const script = join(dir, 'payload.sh');
const secretFile = join(dir, 'secret.key');
const SECRET = `S3CR3T-${uniq('x')}`;

/** Values a compromised renderer (or a hostile file name on a host) could send. */
function hostileStrings(canary: string): string[] {
  return [
    `qemu+ext:///system?command=${script}`,
    `qemu+ssh://root@127.0.0.1/system?command=${script}`,
    `qemu+ssh://%2F${encodeURIComponent(secretFile)}@127.0.0.1/system`,
    'qemu+ssh://127.0.0.1/system?no_verify=1',
    'qemu+libssh://127.0.0.1/system?known_hosts_verify=ignore',
    `qemu+ssh://127.0.0.1/system?netcat=${script}`,
    `--vol=${canary}`,
    `--pool=${POOL}`,
    `-oProxyCommand=${script}`,
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `x; touch ${marker}`,
    `x\ntouch ${marker}`,
    `x' ; touch '${marker}`,
    `!touch ${marker}`,
    secretFile,
    '/proc/self/environ',
    '/dev/zero',
    dir,
    '../../../../etc/shadow',
    'x\u0000y',
    '\u202egnp.exe',
    '名前-🙂',
    'x'.repeat(5000),
  ];
}

/** Every string leaf of a sample input, as a path of keys. */
function stringPaths(value: unknown, at: string[] = []): string[][] {
  if (typeof value === 'string') return [at];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...at, k]));
}

function withValue(sample: unknown, path: string[], v: string): unknown {
  if (path.length === 0) return v;
  const [k, ...rest] = path;
  return {
    ...(sample as Record<string, unknown>),
    [k!]: withValue((sample as Record<string, unknown>)[k!], rest, v),
  };
}

describe.skipIf(!testbed)(
  `hostile but well-formed values on every channel that reaches a host ${NO_TESTBED}`,
  () => {
    let t: TestApp;
    let hostId = '';
    const canary = `${uniq('qt-canary')}.img`;
    let canaryDomain = { name: '', uuid: '' };
    let samples: Partial<Record<ChannelName, unknown>> = {};

    beforeAll(async () => {
      writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\nexec nc "$@"\n`, { mode: 0o755 });
      writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
      virsh('vol-create-as', POOL, canary, '1M', '--format', 'raw');
      canaryDomain = defineDomain(uniq('qt-canary-dom'));
      // As the window does: workstation files only as tokens from main's dialog (here: a fixed choice).
      const dataDir = tempDir();
      const app = createApp({
        dataDir,
        migrationsDir: MIGRATIONS_DIR,
        version: 'test',
        pickFile: (purpose) => Promise.resolve(purpose === 'image' ? '/etc/hostname' : testbed!.clientKey),
      });
      t = {
        app,
        client: createClient({ invoke: (c, i) => app.windowDispatch(c, i), on: () => () => undefined }),
        dataDir,
        dbFile: join(dataDir, 'qhci.db'),
        dispose: () => {
          app.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
      hostId = await addLocalHost(t.client);
      const image = await t.client.call('files.pick', { purpose: 'image' });
      const key = await t.client.call('files.pick', { purpose: 'ssh-key' });
      const upload = { hostId, pool: POOL, sourcePath: image!.token, name: `${uniq('qt-hostile')}.img` };
      samples = {
        'hosts.test': { connection: { kind: 'libvirt', uri: 'qemu:///system' } },
        'hosts.add': { name: 'h', connection: { kind: 'libvirt', uri: 'qemu:///system' } },
        'hosts.probe': { address: '127.0.0.1', port: 22 },
        'images.upload': upload,
        'hosts.test#ssh': {
          connection: {
            kind: 'ssh',
            address: '127.0.0.1',
            port: 1,
            user: 'qhci',
            auth: { method: 'key', keyFile: key!.token },
            uri: 'qemu:///system',
          },
        },
      } as Partial<Record<ChannelName, unknown>>;
    });

    afterAll(async () => {
      await t?.app.provisioning.drain();
      t?.dispose();
      removeVolume(canary);
      for (const v of poolVolumes().filter((n) => n.startsWith('qt-hostile'))) removeVolume(v);
      removeDomain(canaryDomain.uuid);
      rmSync(dir, { recursive: true, force: true });
    });

    it.each(['hosts.test', 'hosts.add', 'hosts.probe', 'images.upload', 'hosts.test#ssh'])(
      '%s: no value runs anything, deletes anything or leaks a secret',
      async (name) => {
        const channel = name.replace(/#.*/, '') as ChannelName;
        const sample = samples[name as ChannelName];
        const paths = stringPaths(sample).filter((p) => p.at(-1) !== 'kind' && p.at(-1) !== 'method');
        const values = hostileStrings(canary);
        // Every value in every string field: the product is small enough to try whole.
        for (const path of paths) {
          for (const value of values) {
            const r = await t.app.windowDispatch(channel, withValue(sample, path, value));
            if (!r.ok) {
              expect(isAppErrorData(r.error)).toBe(true);
              expect(r.error.message).not.toContain(SECRET);
            } else if (channel === 'images.upload') {
              const task = await waitTask(t.client, (r.value as { taskId: string }).taskId);
              expect(JSON.stringify(task)).not.toContain(SECRET);
            }
            expect(existsSync(marker), `${path.join('.')} = ${JSON.stringify(value)}`).toBe(false);
          }
        }
        await t.app.provisioning.drain();
        expect(existsSync(marker)).toBe(false);
        expect(poolVolumes()).toContain(canary);
        expect(domstate(canaryDomain.uuid)).toBe('shut off');
        // The secret file reached no host: no volume in the pool holds its bytes.
        for (const v of poolVolumes().filter((n) => n.startsWith('qt-hostile'))) {
          expect(readFileSync(join(POOL_DIR, v), 'utf8')).not.toContain(SECRET);
        }
        // No host was saved with a URI that runs anything.
        for (const h of await t.client.call('hosts.list', {})) expect(checkLibvirtUri(h.uri).ok).toBe(true);
      },
    );
  },
);
