import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appFile, appFileType, APP_URL } from './app-protocol';

const base = mkdtempSync(join(tmpdir(), 'qhci-app-'));
const root = join(base, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html>');
writeFileSync(join(root, 'assets', 'app.js'), '');
writeFileSync(join(base, 'secret.txt'), 'not for the renderer');
symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('app:// URLs', () => {
  it("serve the renderer's own files", () => {
    expect(appFile(root, APP_URL)).toBe(join(root, 'index.html'));
    expect(appFile(root, 'app://qhci/')).toBe(join(root, 'index.html'));
    expect(appFile(root, 'app://qhci/assets/app.js?v=1#x')).toBe(join(root, 'assets', 'app.js'));
    expect(appFileType('a/b.JS')).toMatch(/^text\/javascript/);
  });

  it.each([
    'app://qhci/../secret.txt',
    'app://qhci/%2e%2e/secret.txt',
    'app://qhci/assets/%2E%2E%2F..%2Fsecret.txt',
    'app://qhci/..%5csecret.txt',
    'app://qhci/assets/link.txt',
    'app://qhci/index.html%00.js',
    'app://qhci/%E0%A4%A',
    'app://other/index.html',
    'file:///etc/passwd',
    'app://qhci/missing.js',
    'app://qhci/assets',
  ])('refuse %s', (url) => {
    expect(appFile(root, url)).toBeNull();
  });
});
