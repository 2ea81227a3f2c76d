import { describe, expect, it } from 'vitest';
import { formatFree, formatSize } from './format';

describe('formatFree', () => {
  it('shows what is free, and an over-committed host as none free and by how much', () => {
    expect(formatFree(3 * 1024 ** 3, 'bytes')).toBe(formatSize(3 * 1024 ** 3));
    expect(formatFree(-23495184384, 'bytes')).toBe('none (21.88 GiB over)');
    expect(formatFree(-2, 'count')).toBe('none (2 over)');
    expect(formatFree(0, 'count')).toBe('0');
  });
});
