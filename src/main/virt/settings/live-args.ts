/** The virsh arguments of the live actions a plan gives for a running VM. */
import type { LiveAction } from './types';

/**
 * The virsh arguments of a live action on `domain` (its UUID or name), every value after its option so that
 * none is read as one. A device action reads its XML from `file` (the caller writes `action.xml` there).
 */
export function liveActionArgs(domain: string, action: LiveAction, file?: string): string[] {
  const dom = ['--domain', domain];
  const needFile = () => file ?? refuseArgs(action.kind);
  switch (action.kind) {
    case 'setvcpus':
      return ['setvcpus', ...dom, '--count', String(action.count), '--live'];
    case 'setmem':
      return ['setmem', ...dom, '--size', `${action.kib}KiB`, '--live'];
    case 'attach-device':
    case 'detach-device':
    case 'update-device':
      return [action.kind, ...dom, '--file', needFile(), '--live'];
    case 'blockresize':
      return ['blockresize', ...dom, '--path', action.target, '--size', `${action.bytes}B`];
    case 'change-media':
      return action.path === null
        ? ['change-media', ...dom, '--path', action.target, '--eject', '--live']
        : [
            'change-media',
            ...dom,
            '--path',
            action.target,
            '--source',
            action.path,
            action.insert ? '--insert' : '--update',
            '--live',
          ];
    case 'description':
      return ['desc', ...dom, '--live', '--new-desc', action.text];
    default: {
      const never: never = action;
      throw new Error(`Unknown live action ${JSON.stringify(never)}`);
    }
  }
}

function refuseArgs(kind: string): never {
  throw new Error(`${kind} needs the file its device XML is written to`);
}
