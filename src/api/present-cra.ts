import type { CraView } from '../services/cra/cra.ts';
import { presentDeadline } from './present.ts';
import type { CraViewJson } from './schemas/cra.ts';

export const presentCra = (v: CraView): CraViewJson => ({
  applies: v.applies,
  actively_exploited: v.status.activelyExploited,
  severe_incident: v.status.severeIncident,
  aware_at: v.status.awareAt,
  fix_available_at: v.status.fixAvailableAt,
  deadlines: v.deadlines.map(presentDeadline),
  drafts: v.drafts.map((d) => ({ stage: d.stage, due_at: d.due_at, filed: d.filed, content: d.content })),
});
