import type { VmDetail } from '../../../../shared/domain/vm';
import type { DraftErrors, SettingsDraft } from './draft';
import type { HostResources } from './resources';

/** What every Settings section gets: the VM, the draft and its errors, the host's offer, and a patcher. */
export interface SectionProps {
  readonly vm: VmDetail;
  readonly draft: SettingsDraft;
  readonly errors: DraftErrors;
  readonly host: HostResources;
  readonly onChange: (patch: Partial<SettingsDraft>) => void;
}
