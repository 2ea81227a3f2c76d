import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/domain/errors';
import type { FilePurpose } from '../../shared/domain/files';
import { createFileTokens } from './file-tokens';

const dir = mkdtempSync(join(tmpdir(), 'qhci-tokens-'));
const image = join(dir, 'disk.img');
const key = join(dir, 'id_ed25519');
writeFileSync(image, Buffer.alloc(1000));
writeFileSync(key, 'key');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A picker that chooses what the test says, and a dispatch that records what reached it. */
function setup() {
  const next: (string | null)[] = [];
  const tokens = createFileTokens((_p: FilePurpose) => Promise.resolve(next.shift() ?? null));
  const seen: unknown[] = [];
  const dispatch = tokens.forWindow((_c, input): Promise<Result<unknown>> => {
    seen.push(input);
    return Promise.resolve({ ok: true, value: null });
  });
  return { next, tokens, seen, dispatch };
}

describe('file tokens', () => {
  it('hand the window a token for the chosen file, and main the path', async () => {
    const { next, tokens, seen, dispatch } = setup();
    next.push(image);
    const picked = await tokens.pick('image');
    expect(picked).toMatchObject({ name: 'disk.img', sizeBytes: 1000 });
    expect(JSON.stringify(picked)).not.toContain(dir);
    const input = { hostId: 'h', pool: 'p', sourcePath: picked!.token };
    expect(await dispatch('images.upload', input)).toEqual({ ok: true, value: null });
    expect(seen).toEqual([{ hostId: 'h', pool: 'p', sourcePath: image }]);
    expect(input.sourcePath).toBe(picked!.token); // the caller's object is left alone
    next.push(key);
    const k = await tokens.pick('ssh-key');
    await dispatch('hosts.add', {
      name: 'x',
      connection: { kind: 'ssh', auth: { method: 'key', keyFile: k!.token } },
    });
    expect(seen[1]).toEqual({
      name: 'x',
      connection: { kind: 'ssh', auth: { method: 'key', keyFile: key } },
    });
  });

  it('refuse a path typed in the window, a token made up or issued for another purpose', async () => {
    const { next, tokens, seen, dispatch } = setup();
    const typed = await dispatch('images.upload', { sourcePath: key });
    expect(typed).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'sourcePath' } });
    const made = await dispatch('images.upload', { sourcePath: 'qhci-file:AAAAAAAAAAAAAAAAAAAAAA' });
    expect(made).toMatchObject({ ok: false, error: { message: /not known/ } });
    next.push(image);
    const img = await tokens.pick('image');
    const asKey = await dispatch('hosts.test', {
      connection: { kind: 'ssh', auth: { method: 'key', keyFile: img!.token } },
    });
    expect(asKey).toMatchObject({ ok: false, error: { field: 'connection.auth.keyFile' } });
    expect(seen).toEqual([]);
  });

  it('pick only what fits the purpose, and check it again when it is used', async () => {
    const { next, tokens, dispatch } = setup();
    next.push('/dev/zero');
    await expect(tokens.pick('ssh-key')).rejects.toThrow(/is not a regular file/);
    next.push(dir);
    await expect(tokens.pick('image')).rejects.toThrow(/is not a regular file/);
    next.push(null);
    expect(await tokens.pick('image')).toBeNull();
    const sock = join(dir, 'agent.sock');
    const server = createServer().listen(sock);
    await new Promise((r) => server.once('listening', r));
    next.push(sock);
    expect(await tokens.pick('agent-socket')).toMatchObject({ name: 'agent.sock', sizeBytes: null });
    server.close();
    const later = join(dir, 'later.img');
    writeFileSync(later, 'x');
    next.push(later);
    const t = await tokens.pick('image');
    rmSync(later);
    mkdirSync(later);
    expect(await dispatch('images.upload', { sourcePath: t!.token })).toMatchObject({
      ok: false,
      error: { message: /no longer a regular file/ },
    });
  });

  it('say there is no dialog where there is none (the CLI)', async () => {
    await expect(createFileTokens(null).pick('image')).rejects.toThrow(/no file dialog/);
  });
});
