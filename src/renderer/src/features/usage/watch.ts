/**
 * One usage watch per window (usage.watch), covering the hosts whose usage is on screen: views say which
 * hosts they show (`want`), and the watch follows the union of them. It is a lease: renewed every third of
 * it, so that a window that dies stops the polling soon after. Nothing on screen, or the window hidden
 * (document.visibilityState), and the watch is dropped (usage.unwatch): main polls nothing for it.
 */
import type { UsageSample } from '../../../../shared/domain/usage';
import { toAppError } from '../../components/errors';
import type { UsageStore } from './store';

export const LEASE_SECONDS = 30;
export const INTERVAL_SECONDS = 2;
/** How long a watch outlives the last view that wanted it (going from one page to the next). */
export const UNWATCH_GRACE_MS = 1500;

export interface WatchPort {
  watch(input: {
    watchId: string;
    hostIds: string[];
    intervalSeconds: 2;
    leaseSeconds: number;
  }): Promise<unknown>;
  unwatch(input: { watchId: string }): Promise<unknown>;
  onSample(listener: (sample: UsageSample) => void): () => void;
  /** Whether the window is shown, and a way to hear when that changes. */
  visible(): boolean;
  onVisibility(listener: () => void): () => void;
}

function newWatchId(): string {
  return `w-${crypto.randomUUID().replace(/-/g, '')}`;
}

export class UsageWatcher {
  readonly watchId = newWatchId();
  private readonly interest = new Map<string, number>();
  /** The hosts the live watch covers (sorted, joined); null: none. */
  private active: string | null = null;
  private renewTimer: ReturnType<typeof setInterval> | null = null;
  private offSample: (() => void) | null = null;
  private offVisibility: (() => void) | null = null;
  private syncQueued = false;
  private graceTimer: ReturnType<typeof setTimeout> | null = null;
  /** Calls to main run one after another, in order. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly port: WatchPort,
    private readonly store: UsageStore,
  ) {}

  /** The hosts a view shows, until the returned function is called. */
  want(hostIds: readonly string[]): () => void {
    for (const id of hostIds) this.interest.set(id, (this.interest.get(id) ?? 0) + 1);
    this.offVisibility ??= this.port.onVisibility(() => this.queueSync());
    this.queueSync();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const id of hostIds) {
        const n = (this.interest.get(id) ?? 1) - 1;
        if (n > 0) this.interest.set(id, n);
        else this.interest.delete(id);
      }
      this.queueSync();
    };
  }

  /** The hosts watched now (for tests and the bench). */
  get watching(): readonly string[] {
    return this.active === null ? [] : this.active.split(',');
  }

  /**
   * Many views mounting in one render make one call: the change is applied after them. A page left for
   * another that has not mounted its views yet (still reading its data) keeps the watch for a moment.
   */
  private queueSync(): void {
    if (this.syncQueued) return;
    this.syncQueued = true;
    queueMicrotask(() => {
      this.syncQueued = false;
      if (this.interest.size === 0 && this.port.visible() && this.active !== null) {
        if (this.graceTimer === null) {
          this.graceTimer = setTimeout(() => {
            this.graceTimer = null;
            this.chain = this.chain.then(() => this.sync());
          }, UNWATCH_GRACE_MS);
        }
        return;
      }
      this.chain = this.chain.then(() => this.sync());
    });
  }

  private async sync(): Promise<void> {
    const hostIds = [...this.interest.keys()].sort();
    const wanted = hostIds.length > 0 && this.port.visible() ? hostIds.join(',') : null;
    if (wanted === this.active) return;
    if (wanted === null) {
      this.stopTimers();
      this.active = null;
      await this.port.unwatch({ watchId: this.watchId }).catch(() => undefined);
      if (this.interest.size === 0) {
        this.offVisibility?.();
        this.offVisibility = null;
      }
      return;
    }
    this.offSample ??= this.port.onSample((s) => this.store.ingest(s));
    this.active = wanted;
    await this.renew(hostIds);
    if (this.renewTimer !== null) clearInterval(this.renewTimer);
    this.renewTimer = setInterval(
      () => {
        this.chain = this.chain.then(() => this.renew(hostIds));
      },
      (LEASE_SECONDS * 1000) / 3,
    );
  }

  private async renew(hostIds: string[]): Promise<void> {
    try {
      await this.port.watch({
        watchId: this.watchId,
        hostIds,
        intervalSeconds: INTERVAL_SECONDS,
        leaseSeconds: LEASE_SECONDS,
      });
      this.store.setWatchError(null);
    } catch (err) {
      this.store.setWatchError(toAppError(err).message);
    }
  }

  private stopTimers(): void {
    if (this.renewTimer !== null) clearInterval(this.renewTimer);
    this.renewTimer = null;
    this.offSample?.();
    this.offSample = null;
  }
}
