/**
 * Keys the console sends on the user's behalf: the "Send keys" combinations and "Type text". Each key is an
 * X keysym (what the RFB protocol carries) and, where known, the physical key's `code`, which noVNC turns
 * into a scancode for QEMU's extended key events (so the guest's own layout applies, as for a real keyboard).
 */

/** noVNC's RFB.sendKey. */
export type SendKey = (keysym: number, code: string | null, down?: boolean) => void;

export interface Key {
  readonly keysym: number;
  readonly code: string | null;
}

const key = (keysym: number, code: string | null): Key => ({ keysym, code });

export const KEYS = {
  ctrl: key(0xffe3, 'ControlLeft'),
  alt: key(0xffe9, 'AltLeft'),
  shift: key(0xffe1, 'ShiftLeft'),
  del: key(0xffff, 'Delete'),
  enter: key(0xff0d, 'Enter'),
  tab: key(0xff09, 'Tab'),
  printScreen: key(0xff61, 'PrintScreen'),
  /** F1…F12: keysyms 0xffbe… in order. */
  f: (n: number): Key => key(0xffbe + n - 1, `F${n}`),
} as const;

export interface KeyCombo {
  readonly id: string;
  readonly label: string;
  /** Pressed in order, released in reverse. */
  readonly keys: readonly Key[];
}

export const SEND_KEY_COMBOS: readonly KeyCombo[] = [
  { id: 'ctrl-alt-del', label: 'Ctrl+Alt+Del', keys: [KEYS.ctrl, KEYS.alt, KEYS.del] },
  ...Array.from({ length: 12 }, (_, i) => ({
    id: `ctrl-alt-f${i + 1}`,
    label: `Ctrl+Alt+F${i + 1}`,
    keys: [KEYS.ctrl, KEYS.alt, KEYS.f(i + 1)],
  })),
  { id: 'print-screen', label: 'PrintScreen', keys: [KEYS.printScreen] },
];

export function pressCombo(send: SendKey, combo: KeyCombo): void {
  for (const k of combo.keys) send(k.keysym, k.code, true);
  for (const k of [...combo.keys].reverse()) send(k.keysym, k.code, false);
}

/** One character to type: its key and whether Shift is held for it (a US layout, as a BIOS assumes). */
export interface Stroke extends Key {
  readonly shift: boolean;
}

const UNSHIFTED: Record<string, string> = {
  ' ': 'Space',
  '-': 'Minus',
  '=': 'Equal',
  '[': 'BracketLeft',
  ']': 'BracketRight',
  '\\': 'Backslash',
  ';': 'Semicolon',
  "'": 'Quote',
  '`': 'Backquote',
  ',': 'Comma',
  '.': 'Period',
  '/': 'Slash',
};
const SHIFTED_DIGITS = ')!@#$%^&*(';
const SHIFTED: Record<string, string> = {
  _: 'Minus',
  '+': 'Equal',
  '{': 'BracketLeft',
  '}': 'BracketRight',
  '|': 'Backslash',
  ':': 'Semicolon',
  '"': 'Quote',
  '~': 'Backquote',
  '<': 'Comma',
  '>': 'Period',
  '?': 'Slash',
};

/** The keysym of a character: Latin-1 is its own code point, the rest of Unicode is 0x01000000 + it. */
export function keysymOf(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) ? cp : 0x01000000 + cp;
}

export function strokeOf(ch: string): Stroke | null {
  if (ch === '\n') return { ...KEYS.enter, shift: false };
  if (ch === '\t') return { ...KEYS.tab, shift: false };
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || cp === 0x7f) return null; // other control characters have no key to type
  const keysym = keysymOf(ch);
  if (/^[a-z]$/.test(ch)) return { keysym, code: `Key${ch.toUpperCase()}`, shift: false };
  if (/^[A-Z]$/.test(ch)) return { keysym, code: `Key${ch}`, shift: true };
  if (/^[0-9]$/.test(ch)) return { keysym, code: `Digit${ch}`, shift: false };
  const digit = SHIFTED_DIGITS.indexOf(ch);
  if (digit >= 0) return { keysym, code: `Digit${digit}`, shift: true };
  if (UNSHIFTED[ch]) return { keysym, code: UNSHIFTED[ch], shift: false };
  if (SHIFTED[ch]) return { keysym, code: SHIFTED[ch], shift: true };
  // No US key for it: the keysym alone, which QEMU maps through the display's keymap.
  return { keysym, code: null, shift: false };
}

/** The strokes of a pasted text; CR LF and a lone CR are one Enter. */
export function strokesOf(text: string): Stroke[] {
  const normalised = text.replace(/\r\n?/g, '\n');
  const strokes: Stroke[] = [];
  for (const ch of normalised) {
    const s = strokeOf(ch);
    if (s) strokes.push(s);
  }
  return strokes;
}

export function typeStroke(send: SendKey, s: Stroke): void {
  if (s.shift) send(KEYS.shift.keysym, KEYS.shift.code, true);
  send(s.keysym, s.code, true);
  send(s.keysym, s.code, false);
  if (s.shift) send(KEYS.shift.keysym, KEYS.shift.code, false);
}

/** The most a "Type text" may hold: typing is slow on purpose, and a mistaken paste should stay small. */
export const MAX_TYPED_CHARS = 4096;
