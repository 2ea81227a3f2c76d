/**
 * A dialog's Escape handler that leaves an open list alone. PatternFly's Modal listens for Escape on
 * document.body before React's handlers run, so a typeahead inside it cannot stop the dialog closing;
 * instead the dialog ignores an Escape whose target is an expanded combobox (the list closes itself).
 */
export function escapeUnlessListOpen(onClose: () => void): (event: KeyboardEvent) => void {
  return (event) => {
    const target = event.target;
    if (target instanceof Element && target.closest('[role="combobox"][aria-expanded="true"]')) return;
    onClose();
  };
}
