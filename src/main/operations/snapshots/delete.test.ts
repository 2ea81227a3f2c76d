import { describe, expect, it } from 'vitest';
import { deletionOrder } from './delete';

describe('snapshot deletion order', () => {
  it('deletes descendants before their ancestors, whatever order they were named in', () => {
    const list = [
      { name: 'a', parent: null },
      { name: 'b', parent: 'a' },
      { name: 'c', parent: 'b' },
      { name: 'x', parent: null },
    ];
    expect(deletionOrder(list, ['a', 'c', 'x', 'b'])).toEqual(['c', 'b', 'a', 'x']);
  });

  it('a parent loop in broken metadata does not hang', () => {
    const list = [
      { name: 'a', parent: 'b' },
      { name: 'b', parent: 'a' },
    ];
    expect(deletionOrder(list, ['a', 'b']).sort()).toEqual(['a', 'b']);
  });
});
