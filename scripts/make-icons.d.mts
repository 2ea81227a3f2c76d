// Types of scripts/make-icons.mjs, for the icon test (tests/integration/packaging.test.ts).
export const LINUX_SIZES: readonly number[];
export const ICO_SIZES: readonly number[];
export const ICNS_TYPES: readonly (readonly [string, number])[];
