import type { Plugin } from 'vite';
import { iconMaskCss } from './icon-masks';

/** The module id of the icon masks' stylesheet (icon-masks.ts); the renderer's main.tsx imports it. */
const ICON_MASKS_MODULE = 'virtual:qhci-icon-masks.css';
const RESOLVED = `\0${ICON_MASKS_MODULE}`;

/** Serves icon-masks.ts's stylesheet as a CSS module, which Vite then bundles with the rest. */
export function iconMasks(): Plugin {
  return {
    name: 'qhci-icon-masks',
    resolveId: (id) => (id === ICON_MASKS_MODULE ? RESOLVED : null),
    load: (id) => (id === RESOLVED ? iconMaskCss() : null),
  };
}
