import { Label, LabelGroup } from '@patternfly/react-core';
import type { NamePreview as Preview } from './draft';

const SHOWN = 12;

/** The names the clones will get, as typed; a taken one in red. */
export function NamePreview(props: { preview: Preview }) {
  const { names, taken } = props.preview;
  if (names.length === 0) return null;
  const takenSet = new Set(taken);
  return (
    <div className="qhci-clone-preview" data-testid="clone-preview" aria-live="polite">
      <span className="qhci-subtle">{names.length === 1 ? 'The clone’s name: ' : 'The clones’ names: '}</span>
      <LabelGroup numLabels={SHOWN} isCompact aria-label="The names the clones will get">
        {names.map((n, i) => (
          <Label
            key={n}
            isCompact
            color={takenSet.has(n) ? 'red' : 'blue'}
            data-testid={`clone-preview-name-${i}`}
            {...(takenSet.has(n) ? { title: `${n} exists already` } : {})}
          >
            {n}
          </Label>
        ))}
      </LabelGroup>
    </div>
  );
}
