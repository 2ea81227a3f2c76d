import {
  Button,
  MenuToggle,
  Select,
  SelectGroup,
  SelectList,
  SelectOption,
  TextInputGroup,
  TextInputGroupMain,
  TextInputGroupUtilities,
  type MenuToggleElement,
} from '@patternfly/react-core';
import TimesIcon from '@patternfly/react-icons/dist/esm/icons/times-icon';
import { useMemo, useRef, useState, type FocusEvent, type KeyboardEvent, type Ref } from 'react';
import { filterZoneGroups, groupStarts, zoneOffset } from './timezones';

/**
 * A typeahead over every IANA time zone, grouped by region. Typing filters; arrow keys move through the
 * matches, Enter picks one, Escape closes. Leaving the field without picking restores the chosen zone.
 */
export function TimezoneSelect(props: {
  id: string;
  value: string;
  onChange: (zone: string) => void;
  invalid: boolean;
  describedBy?: string;
  /** The input's test id; the listbox and option ids derive from `id`. */
  testId?: string;
}) {
  const { id, value, onChange } = props;
  const LISTBOX_ID = `${id}-listbox`;
  const optionId = (i: number) => `${id}-option-${i}`;
  const [isOpen, setIsOpen] = useState(false);
  const [text, setText] = useState<string | null>(null); // null: show the chosen zone
  const [focused, setFocused] = useState<number | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const toggleBoxRef = useRef<MenuToggleElement | null>(null);

  const groups = useMemo(() => filterZoneGroups(text ?? ''), [text]);
  const flat = useMemo(() => groups.flatMap((g) => g.zones), [groups]);
  const starts = useMemo(() => groupStarts(groups), [groups]);

  const close = () => {
    setIsOpen(false);
    setFocused(null);
    setText(null);
  };

  const pick = (zone: string) => {
    onChange(zone);
    close();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Escape' && isOpen) {
      // Close only the list; marked as handled, the dialog around it ignores this Escape
      // (see escapeUnlessListOpen).
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setIsOpen(true);
      if (flat.length === 0) return;
      const down = event.key === 'ArrowDown';
      const next =
        focused === null
          ? down
            ? 0
            : flat.length - 1
          : (focused + (down ? 1 : -1) + flat.length) % flat.length;
      setFocused(next);
      document.getElementById(optionId(next))?.scrollIntoView({ block: 'nearest' });
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const exact = flat.find((z) => z.toLowerCase() === (text ?? '').trim().toLowerCase());
      const choice = focused !== null ? flat[focused] : (exact ?? (flat.length === 1 ? flat[0] : undefined));
      if (isOpen && choice !== undefined) pick(choice);
      else setIsOpen(true);
    }
  };

  const toggle = (toggleRef: Ref<MenuToggleElement>) => (
    <MenuToggle
      ref={(el: MenuToggleElement | null) => {
        toggleBoxRef.current = el;
        if (typeof toggleRef === 'function') toggleRef(el);
        else if (toggleRef) toggleRef.current = el;
      }}
      variant="typeahead"
      aria-label="Show time zones"
      onClick={() => {
        setIsOpen(!isOpen);
        inputRef.current?.focus();
      }}
      isExpanded={isOpen}
      isFullWidth
      status={props.invalid ? 'danger' : undefined}
    >
      <TextInputGroup isPlain>
        <TextInputGroupMain
          inputId={id}
          value={text ?? value}
          onClick={() => setIsOpen(true)}
          onChange={(_e, v) => {
            setText(v);
            setFocused(null);
            setIsOpen(true);
          }}
          onKeyDown={onKeyDown}
          onBlur={(event: FocusEvent<HTMLInputElement>) => {
            // Focus left for somewhere other than the list (Tab, a click elsewhere): close the list.
            // The window itself losing focus (another app) leaves it open, as it was.
            if (!document.hasFocus()) return;
            const next = event.relatedTarget;
            const inside =
              next instanceof Node &&
              (menuRef.current?.contains(next) || toggleBoxRef.current?.contains(next));
            if (isOpen && !inside) close();
          }}
          autoComplete="off"
          innerRef={inputRef}
          placeholder="Type to find a time zone"
          role="combobox"
          isExpanded={isOpen}
          aria-controls={LISTBOX_ID}
          aria-label="Time zone"
          inputProps={{
            'data-testid': props.testId ?? 'spec-timezone',
            ...(props.describedBy ? { 'aria-describedby': props.describedBy } : {}),
          }}
          {...(focused !== null ? { 'aria-activedescendant': optionId(focused) } : {})}
        />
        {text !== null && text !== '' && (
          <TextInputGroupUtilities>
            <Button
              variant="plain"
              onClick={() => {
                setText('');
                inputRef.current?.focus();
              }}
              aria-label="Clear the filter"
              icon={<TimesIcon />}
            />
          </TextInputGroupUtilities>
        )}
      </TextInputGroup>
    </MenuToggle>
  );

  return (
    <Select
      id={`${id}-select`}
      isOpen={isOpen}
      selected={value}
      onSelect={(_e, v) => {
        if (typeof v === 'string') pick(v);
      }}
      onOpenChange={(open) => {
        if (!open) close();
      }}
      toggle={toggle}
      innerRef={menuRef}
      variant="typeahead"
      isScrollable
      maxMenuHeight="320px"
      shouldFocusFirstItemOnOpen={false}
    >
      <SelectList id={LISTBOX_ID} aria-label="Time zones">
        {flat.length === 0 && (
          <SelectOption isAriaDisabled value="">
            No time zone matches “{text}”
          </SelectOption>
        )}
        {groups.map((g, gi) => (
          <SelectGroup key={g.region} label={g.region}>
            {g.zones.map((zone, zi) => {
              const index = (starts[gi] ?? 0) + zi;
              return (
                <SelectOption
                  key={zone}
                  id={optionId(index)}
                  value={zone}
                  isFocused={focused === index}
                  description={zoneOffset(zone)}
                >
                  {zone}
                </SelectOption>
              );
            })}
          </SelectGroup>
        ))}
      </SelectList>
    </Select>
  );
}
