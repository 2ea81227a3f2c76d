/**
 * The optional native binding @unraid/libvirt, as far as the libvirt driver uses it.
 *
 * npm builds the binding only where libvirt-dev is installed, and it is an optional dependency: elsewhere it is
 * simply absent. So the typecheck must not need it. These declarations are the subset of its API the driver
 * calls, with the signatures of @unraid/libvirt 2.2 (dist/hypervisor.d.ts), and the module is loaded by a
 * specifier TypeScript does not resolve. Lint forbids importing it any other way (eslint.config.mjs).
 * Both bundles (electron-vite's main, scripts/build-cli.mjs) leave the import as it is: the package is
 * resolved from node_modules at run time.
 */
import { importPackage } from '../../esm-import';

/** A domain handle (the binding's Domain class): the driver only hands it back to the hypervisor's calls. */
export type LibvirtDomain = object;

/** virDomainInfo: `state` is libvirt's virDomainState (0 nostate, 1 running, … 7 pmsuspended). */
export interface LibvirtDomainInfo {
  readonly state: number;
  readonly maxMem: number;
  readonly memory: number;
  readonly nrVirtCpu: number;
  readonly cpuTime: number;
}

/** One connection to a hypervisor URI (the binding's Hypervisor class). */
export interface LibvirtHypervisor {
  connectOpen(): Promise<void>;
  connectClose(): Promise<void>;
  connectListAllDomains(): Promise<LibvirtDomain[]>;
  domainLookupByUUIDString(uuid: string): Promise<LibvirtDomain>;
  domainGetUUIDString(domain: LibvirtDomain): Promise<string>;
  domainGetInfo(domain: LibvirtDomain): Promise<LibvirtDomainInfo>;
  domainGetXMLDesc(domain: LibvirtDomain): Promise<string>;
  domainCreate(domain: LibvirtDomain): Promise<void>;
  domainShutdown(domain: LibvirtDomain): Promise<void>;
  domainDestroy(domain: LibvirtDomain): Promise<void>;
  domainSuspend(domain: LibvirtDomain): Promise<void>;
  domainResume(domain: LibvirtDomain): Promise<void>;
}

/** The module's exports the driver uses. */
export interface LibvirtBinding {
  readonly Hypervisor: new (options: { uri: string }) => LibvirtHypervisor;
}

/**
 * Held in a variable typed `string`, so that TypeScript neither resolves the package nor types the import from
 * its declarations, and the bundlers keep `import(specifier)` as a run-time import.
 */
const SPECIFIER: string = '@unraid/libvirt';

/** Imports the binding; rejects where it is not installed or does not load. */
export function importLibvirtBinding(): Promise<LibvirtBinding> {
  return importPackage(SPECIFIER, () => import(SPECIFIER) as Promise<LibvirtBinding>);
}
