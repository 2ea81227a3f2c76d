/**
 * xterm.js's DOM renderer writes its theme and cell sizes into <style> elements it creates, which our CSP
 * (style-src 'self', no inline styles) refuses: the terminal would lose its colours and the page would log
 * a violation. While xterm builds its DOM (synchronously, inside open()), createElement('style') hands it a
 * stand-in whose text goes to a constructed stylesheet adopted by the document: CSSOM, which the CSP does
 * not govern, as it does not govern element.style.
 */

export interface AdoptedStyles {
  /** Removes every sheet the stand-ins adopted (after the terminal is disposed). */
  dispose(): void;
}

export function withAdoptedStyles(build: () => void, doc: Document = document): AdoptedStyles {
  const sheets = new Set<CSSStyleSheet>();
  const original = doc.createElement.bind(doc);
  const patched = (tagName: string, options?: ElementCreationOptions): HTMLElement =>
    tagName.toLowerCase() === 'style' ? standIn(doc, original, sheets) : original(tagName, options);
  // An own property on this document only, removed again below: the prototype is never touched.
  Object.defineProperty(doc, 'createElement', { value: patched, configurable: true, writable: true });
  try {
    build();
  } finally {
    delete (doc as unknown as Record<string, unknown>).createElement;
  }
  return {
    dispose() {
      doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => !sheets.has(s));
      sheets.clear();
    },
  };
}

function standIn(
  doc: Document,
  create: (tag: string) => HTMLElement,
  sheets: Set<CSSStyleSheet>,
): HTMLElement {
  const el = create('qhci-style');
  el.hidden = true;
  const sheet = new doc.defaultView!.CSSStyleSheet();
  sheets.add(sheet);
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  let text = '';
  Object.defineProperty(el, 'textContent', {
    get: () => text,
    set: (value: string | null) => {
      text = value ?? '';
      sheet.replaceSync(text);
    },
  });
  const remove = el.remove.bind(el);
  el.remove = () => {
    remove();
    sheets.delete(sheet);
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
  };
  return el;
}
