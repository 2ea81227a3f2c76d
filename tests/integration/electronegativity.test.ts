/**
 * scripts/electronegativity.mjs (npm run lint:electron): Electronegativity's findings against
 * electronegativity.json. A hostile window configuration must fail the check; an explained finding must not.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judge, scan, type Finding, type ScanConfig } from '../../scripts/electronegativity.mjs';

const ROOT = resolve(__dirname, '../..');
const CONFIG = JSON.parse(readFileSync(join(ROOT, 'electronegativity.json'), 'utf8')) as ScanConfig;
const ELECTRON = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }
).devDependencies.electron!;

const finding = (id: string, file: string, severity: string): Finding => ({
  id,
  file,
  location: { line: 1, column: 0 },
  description: id,
  severity: { name: severity },
  confidence: { name: 'FIRM' },
});

describe('judging findings against electronegativity.json', () => {
  const config: ScanConfig = {
    input: 'src',
    excludeChecks: {},
    failOn: ['HIGH', 'MEDIUM'],
    explained: [
      { check: 'PRELOAD_JS_CHECK', file: 'main/window.ts', reason: 'reviewed' },
      { check: 'GONE_CHECK', file: 'main/old.ts', reason: 'was true once' },
    ],
  };

  it('fails an unexplained HIGH or MEDIUM finding, and a known check in another file', () => {
    const r = judge(
      [
        finding('NODE_INTEGRATION_JS_CHECK', 'main/window.ts', 'HIGH'),
        finding('PRELOAD_JS_CHECK', 'main/other-window.ts', 'MEDIUM'),
      ],
      config,
    );
    expect(r.failing.map((f) => `${f.id} ${f.file}`)).toEqual([
      'NODE_INTEGRATION_JS_CHECK main/window.ts',
      'PRELOAD_JS_CHECK main/other-window.ts',
    ]);
  });

  it('passes an explained finding with its reason, lists LOW ones for review, and names stale explanations', () => {
    const r = judge(
      [
        finding('PRELOAD_JS_CHECK', 'main/window.ts', 'MEDIUM'),
        finding('CSP_GLOBAL_CHECK', 'renderer/index.html', 'LOW'),
      ],
      config,
    );
    expect(r.failing).toEqual([]);
    expect(r.explained.map((f) => f.reason)).toEqual(['reviewed']);
    expect(r.other.map((f) => f.id)).toEqual(['CSP_GLOBAL_CHECK']);
    expect(r.stale.map((e) => e.check)).toEqual(['GONE_CHECK']);
  });

  it('gives every explanation and every skipped check a reason', () => {
    expect(CONFIG.failOn).toEqual(['HIGH', 'MEDIUM']);
    expect(Object.keys(CONFIG.excludeChecks)).toEqual(['AvailableSecurityFixesGlobalCheck']);
    for (const reason of [...Object.values(CONFIG.excludeChecks), ...CONFIG.explained.map((e) => e.reason)]) {
      expect(reason.length).toBeGreaterThan(40);
    }
  });
});

describe('the scan itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qhci-electronegativity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails a window without context isolation, sandbox or web security, even with every explanation of the app', async () => {
    writeFileSync(
      join(dir, 'window.ts'),
      [
        "import { BrowserWindow } from 'electron';",
        'export const win = new BrowserWindow({',
        '  webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false },',
        '});',
        "void win.loadURL('http://example.invalid/');",
      ].join('\n'),
    );
    const result = await scan(dir, ELECTRON, Object.keys(CONFIG.excludeChecks));
    const failing = judge(result.issues, { ...CONFIG, explained: [...CONFIG.explained] }).failing.map(
      (f) => f.id,
    );
    expect(failing).toEqual(
      expect.arrayContaining([
        'CONTEXT_ISOLATION_JS_CHECK',
        'SANDBOX_JS_CHECK',
        'WEB_SECURITY_JS_CHECK',
        'HTTP_RESOURCES_JS_CHECK',
        'LIMIT_NAVIGATION_GLOBAL_CHECK',
        'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
      ]),
    );
    expect(result.errors.filter((e) => !e.tolerable)).toEqual([]);
  });
});
