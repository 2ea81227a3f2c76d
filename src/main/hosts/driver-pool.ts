/**
 * The connected drivers, one per host, opened on first use and kept while the app (or `qhci`) runs. After
 * close() nothing opens a connection again: one would keep the process alive.
 */
import { AppError } from '../../shared/domain/errors';
import { createDriver, type DriverContext, type DriverSpec } from './credentials';
import type { HostDriver } from './driver';

export class DriverPool {
  private readonly drivers = new Map<string, HostDriver>();
  private closedFlag = false;

  /** `specOf` reads a host's connection from the inventory (undefined: no such host). */
  constructor(
    private readonly specOf: (hostId: string) => DriverSpec | undefined,
    private readonly ctx: DriverContext,
  ) {}

  get closed(): boolean {
    return this.closedFlag;
  }

  /** The live driver of a host, created on first use (it connects when first asked to). */
  get(hostId: string): HostDriver {
    if (this.closedFlag) throw new AppError('HOST_ERROR', 'The app is closing');
    const existing = this.drivers.get(hostId);
    if (existing) return existing;
    const spec = this.specOf(hostId);
    if (!spec) throw new AppError('NOT_FOUND', `Host ${hostId} does not exist`, 'id');
    const d = createDriver(spec, this.ctx);
    this.drivers.set(hostId, d);
    return d;
  }

  /** Adopts a driver already connected (a host just added through it). */
  put(hostId: string, driver: HostDriver): void {
    this.drop(hostId);
    this.drivers.set(hostId, driver);
  }

  /** Closes and forgets a host's driver (its connection changed, or it was removed). */
  drop(hostId: string): void {
    this.drivers.get(hostId)?.close();
    this.drivers.delete(hostId);
  }

  close(): void {
    this.closedFlag = true;
    for (const id of [...this.drivers.keys()]) this.drop(id);
  }
}
