import { describe, expect, it } from 'vitest';
import { KEYS, pressCombo, SEND_KEY_COMBOS, strokeOf, strokesOf, typeStroke, type SendKey } from './keys';

function recorder() {
  const sent: [number, string | null, boolean | undefined][] = [];
  const send: SendKey = (keysym, code, down) => void sent.push([keysym, code, down]);
  return { sent, send };
}

describe('send keys', () => {
  it('offers Ctrl+Alt+Del, Ctrl+Alt+F1…F12 and PrintScreen', () => {
    expect(SEND_KEY_COMBOS.map((c) => c.label)).toEqual([
      'Ctrl+Alt+Del',
      ...Array.from({ length: 12 }, (_, i) => `Ctrl+Alt+F${i + 1}`),
      'PrintScreen',
    ]);
  });

  it('presses a combination in order and releases it in reverse', () => {
    const r = recorder();
    pressCombo(
      r.send,
      SEND_KEY_COMBOS.find((c) => c.id === 'ctrl-alt-f2')!,
    );
    expect(r.sent).toEqual([
      [0xffe3, 'ControlLeft', true],
      [0xffe9, 'AltLeft', true],
      [0xffbf, 'F2', true],
      [0xffbf, 'F2', false],
      [0xffe9, 'AltLeft', false],
      [0xffe3, 'ControlLeft', false],
    ]);
  });
});

describe('type text', () => {
  it('types letters, digits and symbols with their keys, holding Shift where a US keyboard needs it', () => {
    expect(strokeOf('a')).toEqual({ keysym: 0x61, code: 'KeyA', shift: false });
    expect(strokeOf('Q')).toEqual({ keysym: 0x51, code: 'KeyQ', shift: true });
    expect(strokeOf('7')).toEqual({ keysym: 0x37, code: 'Digit7', shift: false });
    expect(strokeOf('@')).toEqual({ keysym: 0x40, code: 'Digit2', shift: true });
    expect(strokeOf(')')).toEqual({ keysym: 0x29, code: 'Digit0', shift: true });
    expect(strokeOf('/')).toEqual({ keysym: 0x2f, code: 'Slash', shift: false });
    expect(strokeOf('?')).toEqual({ keysym: 0x3f, code: 'Slash', shift: true });
    expect(strokeOf(' ')).toEqual({ keysym: 0x20, code: 'Space', shift: false });
  });

  it('types other characters by keysym alone (Latin-1 as is, the rest of Unicode offset)', () => {
    expect(strokeOf('é')).toEqual({ keysym: 0xe9, code: null, shift: false });
    expect(strokeOf('€')).toEqual({ keysym: 0x010020ac, code: null, shift: false });
  });

  it('turns newlines (LF, CR LF, CR) into Enter and drops other control characters', () => {
    const strokes = strokesOf('a\r\nb\rc\nd\x07\t');
    expect(strokes.map((s) => s.code)).toEqual([
      'KeyA',
      'Enter',
      'KeyB',
      'Enter',
      'KeyC',
      'Enter',
      'KeyD',
      'Tab',
    ]);
  });

  it('wraps a shifted character in Shift down and up', () => {
    const r = recorder();
    typeStroke(r.send, strokeOf('A')!);
    expect(r.sent).toEqual([
      [KEYS.shift.keysym, 'ShiftLeft', true],
      [0x41, 'KeyA', true],
      [0x41, 'KeyA', false],
      [KEYS.shift.keysym, 'ShiftLeft', false],
    ]);
  });
});
