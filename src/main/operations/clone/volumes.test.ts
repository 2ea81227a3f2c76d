import { describe, expect, it } from 'vitest';
import { convertProgress } from './volumes';

describe("qemu-img convert's progress", () => {
  it('reads the last percentage qemu-img -p printed', () => {
    expect(convertProgress('')).toBeNull();
    expect(convertProgress('    (0.00/100%)\r    (12.50/100%)\r    (42.17/100%)\r')).toBeCloseTo(0.4217);
    expect(convertProgress('    (100.00/100%)\n')).toBe(1);
  });
});
