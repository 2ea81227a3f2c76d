/**
 * A dialog's Escape handler that leaves an open list alone. PatternFly's Modal listens for Escape on
 * document.body, the same node React listens on, so a typeahead inside the dialog cannot stop the event
 * reaching it. The dialog therefore ignores an Escape that a list already handled (defaultPrevented: React's
 * handler ran first) or whose target is still an expanded combobox (the Modal's listener ran first).
 */
export function escapeUnlessListOpen(onClose: () => void): (event: KeyboardEvent) => void {
  return (event) => {
    if (event.defaultPrevented) return;
    const target = event.target;
    if (target instanceof Element && target.closest('[role="combobox"][aria-expanded="true"]')) return;
    onClose();
  };
}
