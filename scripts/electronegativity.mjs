#!/usr/bin/env node
// npm run lint:electron: Electronegativity (Doyensec's scanner for Electron misconfigurations) over src/, for
// the Electron version package.json pins, with the checks and explanations of electronegativity.json. Fails on
// any finding of a failing severity (HIGH, MEDIUM) that the config does not explain, and on any file the
// scanner could not parse (it would be unscanned). Explained and LOW findings are listed, never hidden.
//
// It runs the scanner through its API, the same run() its CLI calls: the equivalent command line is
//   npx electronegativity -i src -e <electron version> -x AvailableSecurityFixesGlobalCheck
// The API lets it skip the CLI's start-up fetch of translations from the internet (it falls back to the
// bundled English ones anyway), so the check makes no network request.
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Splits findings into failing (unexplained, of a failing severity), explained and other (unexplained, below
 * the bar), and names the explanations that match no finding (stale). A finding is explained by an entry
 * with its check id and file (relative to the scanned directory, '/'-separated).
 */
export function judge(issues, config) {
  const failOn = new Set(config.failOn.map((s) => s.toUpperCase()));
  const key = (check, file) => `${check.toUpperCase()}\u0000${file.split('\\').join('/')}`;
  const reasons = new Map(config.explained.map((e) => [key(e.check, e.file), e.reason]));
  const used = new Set();
  const failing = [];
  const explained = [];
  const other = [];
  for (const issue of issues) {
    const k = key(issue.id, issue.file);
    if (reasons.has(k)) {
      used.add(k);
      explained.push({ ...issue, reason: reasons.get(k) });
    } else if (failOn.has(issue.severity.name)) failing.push(issue);
    else other.push(issue);
  }
  const stale = config.explained.filter((e) => !used.has(key(e.check, e.file)));
  return { failing, explained, other, stale };
}

/** Loads the scanner's run() with its translation step kept local (see the header). */
let scanner = null;
function loadScanner() {
  if (scanner) return scanner;
  const require = createRequire(join(root, 'package.json'));
  const i18nPath = require.resolve('@doyensec/electronegativity/dist/locales/i18n.js');
  const i18n = createRequire(i18nPath)('i18n');
  const stub = new Module(i18nPath);
  stub.filename = i18nPath;
  stub.loaded = true;
  stub.exports = {
    __esModule: true,
    default: async () => {
      i18n.configure({
        locales: ['en-US'],
        defaultLocale: 'en-US',
        directory: dirname(i18nPath),
        updateFiles: false,
        objectNotation: true,
        retryInDefaultLocale: true,
        register: globalThis,
      });
      i18n.setLocale('en-US');
    },
  };
  require.cache[i18nPath] = stub;
  scanner = require('@doyensec/electronegativity');
  return scanner;
}

const where = (i) => `${i.file}:${i.location.line}:${i.location.column}`;
const line = (i) => `  ${i.id} ${i.severity.name}/${i.confidence.name} ${where(i)}: ${i.description}`;

/** Scans `input` (a directory or file) for that Electron version, without the checks `exclude` names. */
export async function scan(input, electronVersion, exclude) {
  const run = loadScanner();
  return run(
    {
      input: resolve(root, input),
      electronVersionOverride: electronVersion,
      excludeFromScan: [...exclude],
      customScan: [],
      isRelative: true,
      parserPlugins: [],
    },
    false,
  );
}

async function main() {
  const config = JSON.parse(readFileSync(join(root, 'electronegativity.json'), 'utf8'));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const electronVersion = pkg.devDependencies.electron.replace(/^[\^~]/, '');
  const result = await scan(config.input, electronVersion, Object.keys(config.excludeChecks));
  const { failing, explained, other, stale } = judge(result.issues, config);
  const unparsed = result.errors.filter((e) => !e.tolerable);

  console.log(
    `Electronegativity: ${result.globalChecks + result.atomicChecks} checks over ${config.input}/ for ` +
      `Electron ${electronVersion}; ${result.issues.length} findings, ${explained.length} explained.`,
  );
  for (const i of explained) console.log(`${line(i)}\n    explained: ${i.reason}`);
  if (other.length) {
    console.log(`Below ${config.failOn.join('/')}, for review:`);
    for (const i of other) console.log(line(i));
  }
  for (const e of stale) console.log(`Stale explanation (no such finding now): ${e.check} in ${e.file}`);
  if (failing.length) {
    console.error(
      `${failing.length} unexplained finding(s): fix them, or explain them in electronegativity.json`,
    );
    for (const i of failing) console.error(line(i));
  }
  for (const e of unparsed) console.error(`Could not parse ${e.file} (so it went unscanned): ${e.message}`);
  process.exitCode = failing.length || unparsed.length ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err?.stack ?? String(err));
    process.exit(1);
  });
}
