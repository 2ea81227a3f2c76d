/**
 * The stylesheet behind components/icon-masks.ts: for each icon, a rule that masks the `::before` of its
 * class with the PatternFly icon, an SVG document in a data: URL. Written at build time (vite-icon-masks.ts
 * serves it as a virtual CSS module), so the page builds no SVG and parses no icon while it runs.
 */
import { PauseIconConfig } from '@patternfly/react-icons/dist/js/icons/pause-icon.js';
import { PlayIconConfig } from '@patternfly/react-icons/dist/js/icons/play-icon.js';
import { PowerOffIconConfig } from '@patternfly/react-icons/dist/js/icons/power-off-icon.js';
import { RedoIconConfig } from '@patternfly/react-icons/dist/js/icons/redo-icon.js';
import { RhUiCheckCircleFillIconConfig } from '@patternfly/react-icons/dist/js/icons/rh-ui-check-circle-fill-icon.js';
import { RhUiEllipsisVerticalFillIconConfig } from '@patternfly/react-icons/dist/js/icons/rh-ui-ellipsis-vertical-fill-icon.js';
import { RhUiErrorFillIconConfig } from '@patternfly/react-icons/dist/js/icons/rh-ui-error-fill-icon.js';
import { RhUiInformationFillIconConfig } from '@patternfly/react-icons/dist/js/icons/rh-ui-information-fill-icon.js';
import { RhUiWarningFillIconConfig } from '@patternfly/react-icons/dist/js/icons/rh-ui-warning-fill-icon.js';
import { StopIconConfig } from '@patternfly/react-icons/dist/js/icons/stop-icon.js';
import { XMLBuilder } from 'fast-xml-parser';
import { MASK_ICONS, maskIconClass, type MaskIcon } from '../renderer/src/components/icon-masks';

export { MASK_ICONS, maskIconClass };

/** PatternFly's icon data (the default set: one path, or several). */
export interface IconData {
  readonly xOffset?: number;
  readonly yOffset?: number;
  readonly width: number;
  readonly height: number;
  readonly svgPathData: string | readonly { readonly path: string }[];
}

const ICONS: Record<MaskIcon, { readonly icon: IconData }> = {
  play: PlayIconConfig,
  'power-off': PowerOffIconConfig,
  stop: StopIconConfig,
  redo: RedoIconConfig,
  pause: PauseIconConfig,
  'check-circle': RhUiCheckCircleFillIconConfig,
  warning: RhUiWarningFillIconConfig,
  error: RhUiErrorFillIconConfig,
  info: RhUiInformationFillIconConfig,
  kebab: RhUiEllipsisVerticalFillIconConfig,
};

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
});

/** The icon as a standalone SVG document, filled in black (a mask reads its alpha). */
export function iconSvg(icon: IconData): string {
  const paths =
    typeof icon.svgPathData === 'string' ? [icon.svgPathData] : icon.svgPathData.map((p) => p.path);
  return builder.build({
    svg: {
      '@_xmlns': 'http://www.w3.org/2000/svg',
      '@_viewBox': `${icon.xOffset ?? 0} ${icon.yOffset ?? 0} ${icon.width} ${icon.height}`,
      path: paths.map((d) => ({ '@_d': d })),
    },
  }) as string;
}

/** One rule per icon of MASK_ICONS. */
export function iconMaskCss(): string {
  return MASK_ICONS.map((name) => {
    const url = `data:image/svg+xml,${encodeURIComponent(iconSvg(ICONS[name].icon))}`;
    return `.${maskIconClass(name)}::before {\n  mask: url("${url}") center / contain no-repeat;\n}\n`;
  }).join('');
}
