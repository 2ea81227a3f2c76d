import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/domain/errors';
import type { HostDriver } from '../hosts/driver';
import { pngSize, ppmHeader, ppmToPng, screenshot, toPng } from './screenshot';

function png(width: number, height: number): Buffer {
  const img = new PNG({ width, height });
  img.data.fill(0x80);
  return PNG.sync.write(img);
}

/** A 2×1 P6 image: one red pixel, one blue. */
const ppm = (header = 'P6\n2 1\n255\n') =>
  Buffer.concat([Buffer.from(header, 'latin1'), Buffer.from([255, 0, 0, 0, 0, 255])]);

describe('screenshots', () => {
  it('takes a PNG as it is and reads its size from IHDR', async () => {
    const bytes = png(720, 400);
    expect(pngSize(bytes)).toEqual({ width: 720, height: 400 });
    const shot = await toPng(bytes);
    expect(shot).toMatchObject({ width: 720, height: 400 });
    expect(shot.png).toBe(bytes);
  });

  it('turns a P6 PPM into a PNG with the same pixels', async () => {
    const shot = await ppmToPng(ppm());
    expect(shot).toMatchObject({ width: 2, height: 1 });
    const back = PNG.sync.read(shot.png);
    expect([...back.data]).toEqual([255, 0, 0, 255, 0, 0, 255, 255]);
  });

  it('reads PPM headers with comments and any whitespace, as QEMU before 7.1 and others write them', () => {
    expect(ppmHeader(ppm('P6 2 1 255\n'))).toMatchObject({ width: 2, height: 1, maxval: 255, offset: 11 });
    expect(ppmHeader(ppm('P6\n# made by qemu\n2\t1\r\n255\n'))).toMatchObject({ width: 2, height: 1 });
  });

  it('scales samples of other depths to 8 bits', async () => {
    const header = Buffer.from('P6\n1 1\n1023\n', 'latin1');
    const pixel = Buffer.from([0x03, 0xff, 0x00, 0x00, 0x01, 0xff]); // 1023, 0, 511
    const back = PNG.sync.read((await ppmToPng(Buffer.concat([header, pixel]))).png);
    expect([...back.data]).toEqual([255, 0, 127, 255]);
  });

  it('refuses broken or foreign images with a message', async () => {
    expect(ppmHeader(Buffer.from('P6\n2'))).toBeNull();
    expect(ppmHeader(Buffer.from('P6\n0 1\n255\n'))).toBeNull();
    expect(ppmHeader(Buffer.from('P3\n1 1\n255\n0 0 0'))).toBeNull();
    await expect(ppmToPng(ppm().subarray(0, 13))).rejects.toThrow(/cut short/);
    await expect(toPng(Buffer.from('GIF89a'))).rejects.toThrow(/neither PNG nor PPM/);
    expect(pngSize(png(1, 1).subarray(0, 20))).toBeNull();
  });

  it('asks virsh quietly for the image on stdout, and refuses a stopped VM clearly', async () => {
    const calls: (readonly string[])[] = [];
    const driver = {
      virshBytes: (args: readonly string[]) => {
        calls.push(args);
        return args.includes('stopped')
          ? Promise.reject(
              new AppError(
                'HOST_ERROR',
                'virsh screenshot: Requested operation is not valid: domain is not running',
              ),
            )
          : Promise.resolve(png(640, 480));
      },
    } as unknown as HostDriver;
    await expect(screenshot(driver, 'u-1')).resolves.toMatchObject({ width: 640, height: 480 });
    expect(calls[0]).toEqual(['screenshot', '--domain', 'u-1', '--file', '/dev/stdout']);
    await expect(screenshot(driver, 'stopped')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'The VM is not running: there is no screen to take',
    });
  });
});
