/** Running power actions on one VM or many, with what is still pending and what failed. */
import { useCallback, useState } from 'react';
import type { PowerActionName, VmSummary } from '../../../../shared/domain/vm';
import { useQhciMutation } from '../../api/hooks';
import { toAppError } from '../../components/errors';
import { powerEnabled } from './power';

export interface PowerFailure {
  readonly vm: string;
  readonly vmId: string;
  readonly action: PowerActionName;
  readonly message: string;
  /** The host refused the VM's CPU: "Use a compatible CPU mode" can fix it (vms.fixCpu). */
  readonly cpuFixable: boolean;
}

/** How many power calls run at once for a bulk action. */
const CONCURRENCY = 4;

export function usePower() {
  const power = useQhciMutation('vms.power');
  const [pending, setPending] = useState<ReadonlyMap<string, PowerActionName>>(new Map());
  const [failures, setFailures] = useState<readonly PowerFailure[]>([]);
  const { mutateAsync } = power;

  const runOne = useCallback(
    async (vm: VmSummary, action: PowerActionName) => {
      setPending((m) => new Map(m).set(vm.id, action));
      try {
        await mutateAsync({ vmId: vm.id, action });
      } catch (err) {
        const e = toAppError(err);
        setFailures((f) => [
          ...f,
          { vm: vm.name, vmId: vm.id, action, message: e.message, cpuFixable: e.field === 'cpuMode' },
        ]);
      } finally {
        setPending((m) => {
          const next = new Map(m);
          next.delete(vm.id);
          return next;
        });
      }
    },
    [mutateAsync],
  );

  /** Runs the action on each VM it applies to (state-wise); returns how many it was run on. */
  const run = useCallback(
    (vms: readonly VmSummary[], action: PowerActionName): number => {
      setFailures([]);
      const todo = vms.filter((vm) => vm.state !== 'creating' && powerEnabled(action, vm.state));
      let next = 0;
      const worker = async () => {
        while (next < todo.length) await runOne(todo[next++]!, action);
      };
      for (let i = 0; i < Math.min(CONCURRENCY, todo.length); i++) void worker();
      return todo.length;
    },
    [runOne],
  );

  return { pending, failures, run, dismiss: () => setFailures([]) };
}
