/** Dragging VMs (rows of the list, or VMs in the tree) onto a folder of the tree. */
import type { DragEvent } from 'react';

export const VM_DRAG_TYPE = 'application/x-qhci-vm-ids';

export function setDraggedVms(event: DragEvent, ids: readonly string[]): void {
  event.dataTransfer.setData(VM_DRAG_TYPE, JSON.stringify(ids));
  event.dataTransfer.setData('text/plain', `${ids.length} virtual machine${ids.length === 1 ? '' : 's'}`);
  event.dataTransfer.effectAllowed = 'move';
}

export function carriesVms(event: DragEvent): boolean {
  return event.dataTransfer.types.includes(VM_DRAG_TYPE);
}

/** The VM ids a drop carries; empty when it carries something else. */
export function droppedVms(event: DragEvent): string[] {
  try {
    const ids: unknown = JSON.parse(event.dataTransfer.getData(VM_DRAG_TYPE) || '[]');
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
