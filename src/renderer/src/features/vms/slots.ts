/**
 * Which row element (slot) shows which VM in the virtualised list.
 *
 * Slots, not rows, are React's keys: a row's element is keyed by its index modulo the most rows ever in
 * view. A filter that changes which VMs are in view then updates the elements already there, and one that
 * shows fewer keeps the others as spares, still holding what they showed last, for a later keystroke to
 * reuse. Building rows again, or taking them out, is the costly part of a keystroke (bench/list); a spare
 * costs nothing to keep as long as nothing a layout depends on changes in it (VmTable). Scrolling by one
 * row moves one slot from one edge to the other.
 *
 * A cache over the renders of one list: rendering the same input twice gives the same slots.
 */
export interface Slot<T> {
  /** The React key, stable while the pool does not grow. */
  readonly key: number;
  readonly item: T;
  /** Not in view: the slot keeps what it showed last. */
  readonly spare: boolean;
}

export class SlotPool<T> {
  private size = 0;
  private last: (T | undefined)[] = [];

  /**
   * The slots for the items in view, `first` being the index (in the whole list) of the first of them:
   * those in view in order, then the spares.
   */
  assign(first: number, inView: readonly T[]): Slot<T>[] {
    if (inView.length > this.size) {
      // Keys change meaning with the size: start afresh (rare: only when more rows fit than ever before).
      this.size = inView.length;
      this.last = [];
    }
    const slots: Slot<T>[] = [];
    const used = new Set<number>();
    inView.forEach((item, i) => {
      const key = (first + i) % this.size;
      used.add(key);
      this.last[key] = item;
      slots.push({ key, item, spare: false });
    });
    for (let key = 0; key < this.size; key++) {
      const item = this.last[key];
      if (!used.has(key) && item !== undefined) slots.push({ key, item, spare: true });
    }
    return slots;
  }
}
