/** The domain XML before → after as a unified diff, added lines green and removed lines red. */
import { useMemo } from 'react';
import { diffLines, type LineKind } from './line-diff';

const SIGN: Record<LineKind, string> = { context: ' ', add: '+', remove: '-' };

export function XmlDiffView(props: { before: string; after: string }) {
  const diff = useMemo(() => diffLines(props.before, props.after), [props.before, props.after]);
  if (diff.hunks.length === 0) {
    return (
      <p className="qhci-subtle" data-testid="settings-diff-none">
        The definition does not change (the changes are live only, or about QHCI&apos;s own records).
      </p>
    );
  }
  return (
    <div data-testid="settings-diff">
      <div className="qhci-subtle" data-testid="settings-diff-counts">
        {diff.added} line{diff.added === 1 ? '' : 's'} added, {diff.removed} removed
      </div>
      <pre className="qhci-settings-diff" aria-label="Domain XML diff">
        {diff.hunks.map((h) => (
          <div key={h.header + String(h.lines[0]?.oldLine ?? h.lines[0]?.newLine)}>
            <div className="qhci-settings-diff-hunk">{h.header}</div>
            {h.lines.map((l, i) => (
              <div
                key={i}
                className={`qhci-settings-diff-line qhci-settings-diff-${l.kind}`}
                data-testid={l.kind === 'context' ? undefined : `settings-diff-${l.kind}`}
              >
                <span className="qhci-settings-diff-num">{l.oldLine ?? ''}</span>
                <span className="qhci-settings-diff-num">{l.newLine ?? ''}</span>
                <span className="qhci-settings-diff-text">
                  {SIGN[l.kind]}
                  {l.text}
                </span>
              </div>
            ))}
          </div>
        ))}
      </pre>
    </div>
  );
}
