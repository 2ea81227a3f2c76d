import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { CONTROL_CHARS } from '../../../shared/domain/names';
import { MiB } from '../../../shared/domain/provision';
import { VmSettingsChange } from '../../../shared/domain/vm-settings';
import { node, nodes, text } from '../xml';
import { ALL, changes, dom, plan, POOL, settingsFixture } from './testing';
import { planSettings } from './plan';
import type { SettingsPlan } from './types';

const DIR = join(__dirname, '..', 'golden', 'settings');
const INACTIVE = readFileSync(join(DIR, 'running-inactive.xml'), 'utf8');
const LIVE = readFileSync(join(DIR, 'running-live.xml'), 'utf8');
const { ctx, running } = settingsFixture(INACTIVE, LIVE);

const UPDATE = process.env.QHCI_UPDATE_GOLDEN === '1';

function golden(file: string, plan: SettingsPlan): void {
  const xml = join(DIR, `${file}.xml`);
  const json = join(DIR, `${file}.plan.json`);
  const rest = `${JSON.stringify({ ...plan, inactiveXml: undefined }, null, 2)}\n`;
  if (UPDATE) {
    writeFileSync(xml, plan.inactiveXml);
    writeFileSync(json, rest);
  }
  expect(plan.inactiveXml).toBe(readFileSync(xml, 'utf8'));
  expect(rest).toBe(readFileSync(json, 'utf8'));
}

describe('a settings change on the golden domain', () => {
  it('matches its golden files on a running VM', () => {
    const p = plan(running(), ALL);
    expect(p.refusals).toEqual([]);
    golden('running-all', p);
  });

  it('matches its golden files on a VM that is shut off: everything at next boot, no live action', () => {
    const p = plan(ctx(), ALL);
    expect(p.refusals).toEqual([]);
    expect(p.changes.flatMap((c) => c.live)).toEqual([]);
    expect(new Set(p.changes.map((c) => c.effect))).toEqual(new Set(['next-boot', 'now']));
    golden('shutoff-all', p);
  });

  it('keeps every line it does not change', () => {
    const p = plan(running(), ALL);
    const kept = INACTIVE.split('\n').filter(
      (l) =>
        !/<(vcpu|currentMemory|boot|topology|source file='[^']*install)\b/.test(l) &&
        !l.includes("network='default'"),
    );
    const out = p.inactiveXml.split('\n');
    for (const line of kept) expect(out).toContain(line);
  });
});

const GOLDENS = [
  INACTIVE,
  ...readdirSync(join(__dirname, '..', 'golden'))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => readFileSync(join(__dirname, '..', 'golden', f), 'utf8')),
];

/** Each disk and NIC block of a document, as written. */
function deviceTexts(xml: string): string[] {
  return [...xml.matchAll(/<(disk|interface)(?=[\s>])[\s\S]*?<\/\1>/g)].map((m) => m[0]);
}

const changeArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({
    kind: fc.constant('disk-add-new' as const),
    pool: fc.constant(POOL),
    sizeBytes: fc.constant(MiB),
  }),
  fc.record({
    kind: fc.constant('disk-add-existing' as const),
    pool: fc.constant(POOL),
    volume: fc.constant('data.raw'),
  }),
  fc.record({ kind: fc.constant('disk-detach' as const), target: fc.constantFrom('vda', 'vdb', 'sdc') }),
  fc.record({ kind: fc.constant('nic-add' as const), network: fc.constantFrom('default', 'isolated') }),
  fc.record({ kind: fc.constant('cdrom-eject' as const), target: fc.constantFrom('sda', 'sdb') }),
  fc.record({
    kind: fc.constant('vcpus' as const),
    current: fc.integer({ min: 1, max: 4 }),
    maximum: fc.constant(4),
  }),
  fc.record({ kind: fc.constant('memory' as const), currentBytes: fc.constant(128 * MiB) }),
  fc.record({ kind: fc.constant('boot-order' as const), order: fc.constant(['hd' as const]) }),
  fc.record({ kind: fc.constant('description' as const), text: fc.string({ maxLength: 20 }) }),
);

describe('properties', () => {
  it('no change gives back every golden document byte for byte', () => {
    for (const xml of GOLDENS) {
      expect(planSettings(ctx({ inactiveXml: xml }), []).inactiveXml).toBe(xml);
      expect(
        planSettings(ctx({ inactiveXml: xml }), changes([{ kind: 'autostart', enabled: true }])).inactiveXml,
      ).toBe(xml);
    }
  });

  it('a change never touches the devices it does not name', () => {
    fc.assert(
      fc.property(fc.constantFrom(...GOLDENS), changeArb, (xml, c) => {
        const parsed = VmSettingsChange.safeParse(c);
        fc.pre(parsed.success);
        const p = planSettings(ctx({ inactiveXml: xml }), [parsed.data!]);
        const out = deviceTexts(p.inactiveXml);
        const named = typeof c.target === 'string' ? c.target : undefined;
        for (const block of deviceTexts(xml)) {
          const target = /<target dev=['"]([^'"]+)/.exec(block)?.[1];
          if (named !== undefined && target === named) continue;
          expect(out).toContain(block);
        }
        expect(XMLValidator.validate(p.inactiveXml)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never writes a hostile name, path or text unescaped', () => {
    const hostile = fc
      .string({ minLength: 1, maxLength: 24 })
      .map((s) => `${s}'"<>&]]>`)
      .filter((s) => !CONTROL_CHARS.test(s) && !/[\ud800-\udfff\ufffe\uffff]/.test(s) && s.trim() === s);
    fc.assert(
      fc.property(hostile, hostile, hostile, (net, dir, desc) => {
        const c = ctx({
          inactiveXml: INACTIVE,
          pools: [{ name: POOL, path: `/srv/${dir}` }],
          volumes: [
            { pool: POOL, name: 'v.iso', path: `/srv/${dir}/v.iso`, format: 'iso', capacityBytes: MiB },
          ],
          networks: [net],
        });
        const list = [
          { kind: 'nic-add', network: net },
          { kind: 'disk-add-new', pool: POOL, sizeBytes: MiB },
          { kind: 'cdrom-insert', pool: POOL, volume: 'v.iso' },
          { kind: 'description', text: desc },
        ] as const;
        const parsed = list.map((x) => VmSettingsChange.safeParse(x));
        fc.pre(parsed.every((r) => r.success));
        const p = planSettings(
          c,
          parsed.map((r) => r.data!),
        );
        expect(p.refusals).toEqual([]);
        expect(XMLValidator.validate(p.inactiveXml)).toBe(true);
        for (const raw of [net, dir, desc]) expect(p.inactiveXml).not.toContain(raw);
        const d = dom(p.inactiveXml);
        const devs = node(d, 'devices');
        expect(nodes(devs, 'interface').map((n) => text(node(n, 'source'), '@network'))).toContain(net);
        expect(text(d, 'description')).toBe(desc);
        const sources = nodes(devs, 'disk').map((x) => text(node(x, 'source'), '@file'));
        expect(sources).toContain(`/srv/${dir}/v.iso`);
        expect(sources).toContain(`/srv/${dir}/qhci-t-set-golden-disk1.qcow2`);
        for (const a of p.changes.flatMap((x) => x.live)) {
          if ('xml' in a) expect(XMLValidator.validate(a.xml)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
