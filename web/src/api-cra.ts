/**
 * EU Cyber Resilience Act Article 14 reporting of a report (docs/cra.md). Types are the server's response schemas
 * (src/api/schemas/cra.ts).
 */
import { request } from './api.ts';
import type { CraViewJson } from '../../src/api/schemas/cra.ts';
import type { CraStage } from '../../src/core/sla/cra.ts';

export type { CraViewJson, CraDraftJson } from '../../src/api/schemas/cra.ts';
export type { CraStage };
export { CRA_STAGES } from '../../src/core/sla/cra.ts';

const enc = encodeURIComponent;
const base = (slug: string, trackingId: string) => `/api/v1/projects/${enc(slug)}/reports/${enc(trackingId)}`;

export const craApi = {
  view: (slug: string, trackingId: string) => request<CraViewJson>(`${base(slug, trackingId)}/cra`),
  mark: (slug: string, trackingId: string, body: { actively_exploited: boolean; severe_incident: boolean; aware_at: string | null }) =>
    request<CraViewJson>(`${base(slug, trackingId)}/exploitation`, { method: 'PUT', json: body }),
  file: (slug: string, trackingId: string, body: { stage: CraStage; filed_at: string; reference: string }) => request<CraViewJson>(`${base(slug, trackingId)}/cra/filings`, { json: body }),
  draftTextUrl: (slug: string, trackingId: string, stage: CraStage) => `${base(slug, trackingId)}/cra/drafts/${enc(stage)}?format=text`,
  draftJsonUrl: (slug: string, trackingId: string, stage: CraStage) => `${base(slug, trackingId)}/cra/drafts/${enc(stage)}`,
};
