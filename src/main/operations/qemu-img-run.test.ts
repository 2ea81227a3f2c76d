import { describe, expect, it } from 'vitest';
import { qemuImgProgress } from './qemu-img-run';

describe('qemu-img progress', () => {
  it('reads the last percentage qemu-img -p printed', () => {
    expect(qemuImgProgress('    (0.00/100%)\r    (12.50/100%)\r    (42.17/100%)\r')).toBeCloseTo(0.4217);
    expect(qemuImgProgress('    (100.00/100%)\r')).toBe(1);
  });
  it('is null before qemu-img printed any', () => {
    expect(qemuImgProgress('')).toBeNull();
    expect(qemuImgProgress('qemu-img: error')).toBeNull();
  });
});
