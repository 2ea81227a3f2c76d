/**
 * import() of a package, for the places that load one lazily (the libvirt binding, ssh2).
 *
 * The command-line tool's launcher (src/cli/launch.ts) runs the bundle as a vm.Script with V8's code cache,
 * and on Node 20 a script compiled from cached data loses its import() callback ("A dynamic import callback
 * was not specified"). The launcher therefore lends its own import() under a registered symbol; everywhere
 * else (the desktop app, tests) the plain import() runs.
 */
export const LAUNCHER_IMPORT = Symbol.for('qhci.launcher-import');

export function importPackage<T>(specifier: string, plain: () => Promise<T>): Promise<T> {
  const lent = (globalThis as Record<symbol, unknown>)[LAUNCHER_IMPORT];
  return typeof lent === 'function' ? (lent as (s: string) => Promise<T>)(specifier) : plain();
}
