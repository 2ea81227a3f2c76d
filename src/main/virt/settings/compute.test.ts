import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MiB } from '../../../shared/domain/provision';
import { node, text } from '../xml';
import { dom, plan, settingsFixture } from './testing';

const DIR = join(__dirname, '..', 'golden', 'settings');
const INACTIVE = readFileSync(join(DIR, 'running-inactive.xml'), 'utf8');
const LIVE = readFileSync(join(DIR, 'running-live.xml'), 'utf8');
const { ctx, running } = settingsFixture(INACTIVE, LIVE);

describe('vCPUs and memory', () => {
  it('set the running VM live within its maximum and keep the topology a product of the maximum', () => {
    const p = plan(running(), [{ kind: 'vcpus', current: 2, maximum: 6 }]);
    expect(p.changes[0]).toMatchObject({ effect: 'both', live: [{ kind: 'setvcpus', count: 2 }] });
    expect(p.changes[0]!.note).toMatch(/maximum of 6 vCPUs takes effect at next boot/);
    const d = dom(p.inactiveXml);
    expect(text(d, 'vcpu')).toBe('6');
    expect(text(node(d, 'vcpu'), '@current')).toBe('2');
    const t = node(node(d, 'cpu'), 'topology');
    expect(['sockets', 'dies', 'cores', 'threads'].map((a) => Number(text(t, `@${a}`)))).toEqual([
      2, 1, 3, 1,
    ]);
    const odd = dom(plan(running(), [{ kind: 'vcpus', current: 1, maximum: 5 }]).inactiveXml);
    const t5 = node(node(odd, 'cpu'), 'topology');
    expect(['sockets', 'dies', 'cores', 'threads'].map((a) => Number(text(t5, `@${a}`)))).toEqual([
      1, 1, 5, 1,
    ]);
    expect(text(node(odd, 'vcpu'), '@current')).toBe('1');
  });

  it('drops the current attribute when all vCPUs are on', () => {
    const p = plan(ctx(), [{ kind: 'vcpus', current: 2 }]);
    expect(p.inactiveXml).toContain("<vcpu placement='static'>2</vcpu>");
  });

  it('refuses vCPUs above the maximum, and waits for the next boot above the running maximum', () => {
    expect(plan(ctx(), [{ kind: 'vcpus', current: 3 }]).refusals).toEqual([
      { index: 0, message: '3 vCPUs is above the maximum of 2: raise the maximum too' },
    ]);
    const p = plan(running(), [{ kind: 'vcpus', current: 3, maximum: 4 }]);
    expect(p.changes[0]).toMatchObject({ effect: 'next-boot', live: [] });
    expect(p.changes[0]!.note).toBe('The running VM can have at most 2 vCPUs; 3 from its next boot');
  });

  it('refuses memory above the maximum, and waits for the next boot above the running maximum', () => {
    expect(plan(running(), [{ kind: 'memory', currentBytes: 512 * MiB }]).refusals).toEqual([
      { index: 0, message: '512 MiB is above the maximum memory of 256 MiB: raise the maximum too' },
    ]);
    const p = plan(running(), [{ kind: 'memory', currentBytes: 512 * MiB, maximumBytes: 1024 * MiB }]);
    expect(p.changes[0]).toMatchObject({ effect: 'next-boot', live: [] });
    const d = dom(p.inactiveXml);
    expect(text(d, 'memory')).toBe(String(1024 * 1024));
    expect(text(d, 'currentMemory')).toBe(String(512 * 1024));
  });

  it('balloons a running VM down live, but not one without a balloon', () => {
    const p = plan(running(), [{ kind: 'memory', currentBytes: 128 * MiB }]);
    expect(p.changes[0]).toMatchObject({ effect: 'both', live: [{ kind: 'setmem', kib: 128 * 1024 }] });
    const noBalloon = LIVE.replace(
      /<memballoon model='virtio'>[\s\S]*?<\/memballoon>/,
      "<memballoon model='none'/>",
    );
    const q = plan(running({ liveXml: noBalloon }), [{ kind: 'memory', currentBytes: 128 * MiB }]);
    expect(q.changes[0]).toMatchObject({ effect: 'next-boot', live: [] });
  });
});
