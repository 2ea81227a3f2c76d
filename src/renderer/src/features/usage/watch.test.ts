import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UsageSample } from '../../../../shared/domain/usage';
import { UsageStore } from './store';
import { LEASE_SECONDS, UNWATCH_GRACE_MS, UsageWatcher, type WatchPort } from './watch';

/** What main was asked, and a page whose visibility the test sets. */
function recordingPort(fail?: string) {
  const calls: string[] = [];
  let sampleListener: ((s: UsageSample) => void) | null = null;
  let visibility: (() => void) | null = null;
  const state = { visible: true };
  const port: WatchPort = {
    watch: (input) => {
      calls.push(`watch ${input.hostIds.join(',')} lease ${input.leaseSeconds}`);
      return fail === undefined ? Promise.resolve({}) : Promise.reject(new Error(fail));
    },
    unwatch: () => {
      calls.push('unwatch');
      return Promise.resolve({});
    },
    onSample: (l) => {
      sampleListener = l;
      return () => (sampleListener = null);
    },
    visible: () => state.visible,
    onVisibility: (l) => {
      visibility = l;
      return () => (visibility = null);
    },
  };
  const setVisible = (v: boolean) => {
    state.visible = v;
    visibility?.();
  };
  return { port, calls, setVisible, listening: () => sampleListener !== null };
}

const settle = () => vi.advanceTimersByTimeAsync(0);

describe('the window usage watch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('watches the union of what views show, renews the lease, and stops when nothing shows usage', async () => {
    const { port, calls, listening } = recordingPort();
    const watcher = new UsageWatcher(port, new UsageStore(() => undefined));
    const a = watcher.want(['h2', 'h1']);
    const b = watcher.want(['h1']);
    await settle();
    expect(calls).toEqual([`watch h1,h2 lease ${LEASE_SECONDS}`]);
    expect(listening()).toBe(true);
    await vi.advanceTimersByTimeAsync((LEASE_SECONDS * 1000) / 3);
    expect(calls.length).toBe(2);
    a();
    await settle();
    expect(calls[2]).toBe(`watch h1 lease ${LEASE_SECONDS}`);
    b();
    // A moment's grace (the next page may be about to want the same hosts), then it unwatches.
    await settle();
    expect(calls.length).toBe(3);
    await vi.advanceTimersByTimeAsync(UNWATCH_GRACE_MS);
    expect(calls[3]).toBe('unwatch');
    expect(listening()).toBe(false);
    await vi.advanceTimersByTimeAsync(LEASE_SECONDS * 1000);
    expect(calls.length).toBe(4);
  });

  it('keeps the watch when another view wants it within the grace', async () => {
    const { port, calls } = recordingPort();
    const watcher = new UsageWatcher(port, new UsageStore(() => undefined));
    const a = watcher.want(['h1']);
    await settle();
    a();
    await vi.advanceTimersByTimeAsync(UNWATCH_GRACE_MS / 2);
    watcher.want(['h1']);
    await vi.advanceTimersByTimeAsync(UNWATCH_GRACE_MS);
    expect(calls).toEqual(['watch h1 lease 30']);
    expect(watcher.watching).toEqual(['h1']);
  });

  it('pauses while the window is hidden and resumes when it shows again', async () => {
    const { port, calls, setVisible } = recordingPort();
    const watcher = new UsageWatcher(port, new UsageStore(() => undefined));
    watcher.want(['h1']);
    await settle();
    setVisible(false);
    await settle();
    expect(watcher.watching).toEqual([]);
    setVisible(true);
    await settle();
    expect(calls).toEqual(['watch h1 lease 30', 'unwatch', 'watch h1 lease 30']);
  });

  it('says why watching failed, for the charts to show', async () => {
    const { port } = recordingPort('No such channel');
    const store = new UsageStore(() => undefined);
    const watcher = new UsageWatcher(port, store);
    watcher.want(['h1']);
    await settle();
    expect(store.watchError).toBe('No such channel');
  });
});
