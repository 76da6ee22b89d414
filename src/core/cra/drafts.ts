import type { CraSettings } from '../policy/types.ts';
import { craDueTimes, CRA_STAGES, type CraStage, type CraStatus } from '../sla/cra.ts';

/** What a report and its advisory say that a CRA notification needs (gathered by services/cra). */
export interface CraFacts {
  trackingId: string;
  title: string;
  projectName: string;
  severity: string | null;
  cvss: { v3: string | null; v4: string | null };
  cweIds: string[];
  /** `package` affected versions / fixed versions, from the linked advisory (or the report's affected version). */
  affected: { product: string; affected: string; fixed: string | null }[];
  cveId: string | null;
  advisoryId: string | null;
  advisorySummary: string | null;
  /** The published advisory's public page, when there is one. */
  advisoryUrl: string | null;
}

export interface CraDraft {
  stage: CraStage;
  /** ISO instant the stage is due; null while it has not started (a final report before a fix is available). */
  due_at: string | null;
  filed: { filed_at: string; reference: string } | null;
  /** The fields Article 14(2) asks for at this stage, prefilled; `null` values are for the maintainer to complete. */
  content: Record<string, unknown>;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * The three drafts of Article 14(2): (a) early warning — actively exploited or severe incident, and the member states
 * where the product is made available; (b) notification — the product, the general nature of the exploit and of the
 * vulnerability, corrective or mitigating measures taken and those users can take, how sensitive the information is;
 * (c) final report — a description including severity and impact, what is known of a malicious actor, and the
 * security update or other corrective measures made available.
 */
export function craDrafts(settings: CraSettings, status: CraStatus, facts: CraFacts): CraDraft[] {
  const due = craDueTimes(status);
  const product = settings.product ?? facts.projectName;
  const fixed = facts.affected.filter((a) => a.fixed !== null).map((a) => `${a.product} ${a.fixed}`);
  const common = {
    manufacturer: settings.manufacturer ?? null,
    coordinating_csirt: settings.member_state_csirt ?? null,
    product,
    internal_reference: facts.trackingId,
    actively_exploited: status.activelyExploited,
    severe_incident: status.severeIncident,
    aware_at: status.awareAt,
  };
  const content: Record<CraStage, Record<string, unknown>> = {
    'early-warning': { ...common, member_states: settings.member_states },
    notification: {
      ...common,
      member_states: settings.member_states,
      vulnerability: { title: facts.title, cve_id: facts.cveId, cwe_ids: facts.cweIds, severity: facts.severity, cvss: facts.cvss },
      affected_products: facts.affected,
      nature_of_exploit: null,
      corrective_measures_taken: fixed.length ? `Fixed in ${fixed.join(', ')}` : null,
      mitigations_for_users: null,
      sensitivity: 'confidential until coordinated disclosure',
    },
    'final-report': {
      ...common,
      vulnerability: { title: facts.title, summary: facts.advisorySummary, cve_id: facts.cveId, cwe_ids: facts.cweIds, severity: facts.severity, cvss: facts.cvss },
      impact: null,
      malicious_actor: null,
      fix_available_at: status.fixAvailableAt,
      security_update: fixed.length ? fixed : null,
      advisory: facts.advisoryId ? { id: facts.advisoryId, url: facts.advisoryUrl } : null,
    },
  };
  return CRA_STAGES.map((stage) => {
    const filed = status.filings[stage];
    return { stage, due_at: iso(due[stage]), filed: filed ? { filed_at: filed.filedAt, reference: filed.reference } : null, content: content[stage] };
  });
}

const TITLES: Record<CraStage, string> = {
  'early-warning': 'CRA Article 14 early warning',
  notification: 'CRA Article 14 vulnerability notification',
  'final-report': 'CRA Article 14 final report',
};

/** A draft as plain text to paste into the single reporting platform's form: one `label: value` line per field. */
export function craDraftText(draft: CraDraft): string {
  const lines = [TITLES[draft.stage], `Due: ${draft.due_at ?? 'not started (no corrective measure available yet)'}`];
  if (draft.filed) lines.push(`Filed: ${draft.filed.filed_at} (reference ${draft.filed.reference})`);
  lines.push('');
  const walk = (prefix: string, value: unknown): void => {
    if (value === null || value === undefined) lines.push(`${prefix}: (to complete)`);
    else if (Array.isArray(value)) {
      if (!value.length) lines.push(`${prefix}: (none)`);
      value.forEach((v, i) => walk(`${prefix}[${i + 1}]`, v));
    } else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
    else lines.push(`${prefix}: ${String(value)}`);
  };
  walk('', draft.content);
  return `${lines.join('\n')}\n`;
}
