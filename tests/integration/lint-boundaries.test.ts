/** The import boundaries of DESIGN.md are enforced by ESLint: a wrong import fails with "Bad layering". */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/app';

const eslint = new ESLint({ cwd: REPO_ROOT });

async function layering(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${REPO_ROOT}/${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it.each([
    ['src/shared/domain/x.ts', "import { readFileSync } from 'node:fs';"],
    ['src/shared/domain/x.ts', "import { x } from '../../main/app';"],
    ['src/shared/domain/x.ts', "import React from 'react';"],
    ['src/renderer/src/x.ts', "import { createApp } from '../../main/app';"],
    ['src/renderer/src/x.ts', "import { ipcRenderer } from 'electron';"],
    ['src/renderer/src/x.ts', "import fs from 'fs';"],
    ['src/preload/x.ts', "import { createApp } from '../main/app';"],
    ['src/main/services/x.ts', "import { app } from 'electron';"],
    ['src/main/services/x.ts', "import Database from 'better-sqlite3';"],
    ['src/main/services/x.ts', "import { spawn } from 'node:child_process';"],
    ['src/main/services/x.ts', "import { Client } from 'ssh2';"],
    ['src/main/inventory/x.ts', "import { d } from '../hosts/driver';"],
    ['src/main/inventory/x.ts', "import { s } from '../services/folders';"],
    ['src/main/hosts/x.ts', "import { r } from '../inventory/folders.repo';"],
    ['src/main/hosts/x.ts', "import Database from 'better-sqlite3';"],
    ['src/main/scheduler/x.ts', "import { r } from '../inventory/db';"],
    ['src/main/virt/x.ts', "import { s } from '../services/specs';"],
    ['src/main/cloudinit/x.ts', "import { h } from '../hosts/ssh';"],
    ['src/main/cloudinit/x.ts', "import { randomBytes } from 'node:crypto';"],
    ['src/main/scheduler/x.ts', "import { readFileSync } from 'node:fs';"],
    ['src/main/virt/x.ts', "import { join } from 'path';"],
    ['src/main/stats/usage/x.ts', "import { performance } from 'node:perf_hooks';"],
    ['src/main/stats/usage/x.ts', "import type { HostDriver } from '../../hosts/driver';"],
    ['src/main/services/x.ts', "import { createDispatch } from '../ipc/dispatch';"],
    ['src/main/operations/x.ts', "import { createApp } from '../app';"],
    ['src/main/operations/create/x.ts', "import { createHandlers } from '../../ipc/handlers';"],
    ['src/main/tasks/x.ts', "import type { App } from '../app';"],
    ['src/renderer/src/api/x.ts', "import { useUi } from '../stores/ui';"],
    ['src/renderer/src/api/x.ts', "import { VmsPage } from '../features/vms/VmsPage';"],
    ['src/cli/x.ts', "import { BrowserWindow } from 'electron';"],
    ['src/cli/x.ts', "import { c } from '../renderer/src/api/client';"],
  ])('%s may not: %s', async (file, source) => {
    const messages = await layering(file, source);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.join('\n')).toContain('Bad layering');
  });

  it.each([
    ['src/shared/domain/x.ts', "import { z } from 'zod';"],
    ['src/renderer/src/x.ts', "import { contract } from '../../shared/ipc/contract';"],
    ['src/renderer/src/x.ts', "import { useEvents } from './api/events';"],
    ['src/main/index.ts', "import { app } from 'electron';"],
    ['src/main/inventory/x.ts', "import Database from 'better-sqlite3';"],
    ['src/main/hosts/x.ts', "import { Client } from 'ssh2';"],
    ['src/main/services/x.ts', "import { r } from '../inventory/folders.repo';"],
    ['src/main/cloudinit/x.ts', "import type { GuestProfile } from '../../shared/domain/guest-profiles';"],
    ['src/main/operations/create/x.ts', "import { readFile } from 'node:fs/promises';"],
    ['src/main/stats/usage/x.ts', "import type { DomainCounters } from './counters';"],
    ['src/main/stats/x.ts', "import type { HostDriver } from '../hosts/driver';"],
    ['src/main/services/x.ts', "import { r } from '../inventory/reservations.repo';"],
    ['src/renderer/src/stores/x.ts', "import { useUi } from './ui';"],
    ['src/cli/x.ts', "import { createApp } from '../main/app';"],
  ])('%s may: %s', async (file, source) => {
    expect(await layering(file, source)).toEqual([]);
  });
});

/**
 * The optional native binding must never be named where TypeScript resolves it: without it (no libvirt-dev
 * when npm built it) the typecheck would fail. Only a specifier held in a variable (libvirt-binding.ts) passes.
 */
describe('the optional libvirt binding', () => {
  const optional = async (file: string, source: string) => {
    const [result] = await eslint.lintText(source, { filePath: `${REPO_ROOT}/${file}` });
    return (result?.messages ?? []).filter((m) => m.message.includes('@unraid/libvirt is optional'));
  };
  const FILES = [
    'src/main/hosts/drivers/libvirt.ts',
    'src/main/services/x.ts',
    'src/cli/x.ts',
    'src/main/hosts/drivers/x.test.ts',
    'tests/integration/x.test.ts',
    'tests/e2e/x.spec.ts',
    'bench/x.ts',
    'scripts/x.mjs',
  ];
  const SOURCES = [
    "import type * as LibvirtModule from '@unraid/libvirt';",
    "import { Hypervisor } from '@unraid/libvirt';",
    "export * from '@unraid/libvirt';",
    "export const binding = import('@unraid/libvirt');",
    "export type Binding = typeof import('@unraid/libvirt');",
    "import binding = require('@unraid/libvirt'); export const b = binding;",
  ];

  it.each(FILES.flatMap((f) => SOURCES.map((s) => [f, s] as const)))(
    '%s may not: %s',
    async (file, source) => {
      expect((await optional(file, source)).length).toBeGreaterThan(0);
    },
  );

  it('loads only through a specifier TypeScript does not resolve', async () => {
    const source =
      "const SPECIFIER: string = '@unraid/libvirt';\nexport const load = () => import(SPECIFIER);";
    expect(await optional('src/main/hosts/drivers/libvirt-binding.ts', source)).toEqual([]);
  });
});
