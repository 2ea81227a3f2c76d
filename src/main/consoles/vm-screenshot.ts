/** vms.screenshot: the VM's screen now, as a PNG data URL (the VM page's thumbnail, `qhci vm screenshot`). */
import type { VmScreenshot } from '../../shared/domain/console';
import type { HostDriver } from '../hosts/driver';
import { vmTarget, type VmTargetDeps } from './vm-target';

export type Screenshooter = (
  driver: HostDriver,
  uuid: string,
) => Promise<{ png: Buffer; width: number; height: number }>;

export function createVmScreenshot(deps: VmTargetDeps & { shoot: Screenshooter }) {
  return async (vmId: string): Promise<{ shot: VmScreenshot; png: Buffer }> => {
    const { uuid, driver } = await vmTarget(deps, vmId);
    const { png, width, height } = await deps.shoot(driver, uuid);
    return {
      png,
      shot: {
        dataUrl: `data:image/png;base64,${png.toString('base64')}`,
        width,
        height,
        takenAt: new Date().toISOString(),
      },
    };
  };
}

export type VmScreenshotService = ReturnType<typeof createVmScreenshot>;
