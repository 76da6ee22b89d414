import { errorText, OutcomeMessage } from '../Status.tsx';
import { useId, useMemo, useState } from 'react';
import { CVSS_METRIC_DEFINITIONS, parseCvss, scoreCvss, type CvssMetricDefinition, type CvssResult } from '../../../../src/core/cvss/index.ts';
import { isDomainError } from '../../../../src/core/errors.ts';
import { humanize } from '../../format.ts';

/**
 * The CVSS calculator: the metrics come from the core's definitions (the same data the server's parser is
 * compiled from) and the score from the core's scorer, run here in the browser on every change, so what is shown
 * is exactly what the server will compute when the vector is saved.
 */
export type CalculatorVersion = '3.1' | '4.0';

const PREFIX: Record<CalculatorVersion, string> = { '3.1': 'CVSS:3.1', '4.0': 'CVSS:4.0' };
const GROUP_NAMES: Record<string, string> = {
  base: 'Base metrics',
  temporal: 'Temporal metrics',
  threat: 'Threat metrics',
  environmental: 'Environmental metrics',
  supplemental: 'Supplemental metrics',
};

/** The vector of the chosen values, optional metrics left at X (Not Defined) omitted; null until every mandatory one is chosen. */
export function buildVector(version: CalculatorVersion, chosen: Record<string, string>): string | null {
  const parts = [PREFIX[version]];
  for (const m of CVSS_METRIC_DEFINITIONS[version]) {
    const v = chosen[m.key];
    if (!v) {
      if (m.mandatory) return null;
      continue;
    }
    if (!m.mandatory && v === 'X') continue;
    parts.push(`${m.key}:${v}`);
  }
  return parts.join('/');
}

export function tryScore(vector: string): { result: CvssResult } | { error: string } {
  try {
    return { result: scoreCvss(vector) };
  } catch (e) {
    if (isDomainError(e)) {
      const problems = (e.details.problems as { message: string }[] | undefined) ?? [];
      return { error: problems.map((p) => p.message).join('; ') || e.message };
    }
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

function initialState(v3: string | null, v4: string | null): { version: CalculatorVersion; chosen: Record<CalculatorVersion, Record<string, string>> } {
  const chosen: Record<CalculatorVersion, Record<string, string>> = { '3.1': {}, '4.0': {} };
  for (const vector of [v3, v4]) {
    if (!vector) continue;
    try {
      const parsed = parseCvss(vector);
      const version: CalculatorVersion = parsed.version === '4.0' ? '4.0' : '3.1';
      chosen[version] = { ...parsed.metrics };
    } catch {
      // A stored vector always parses; a bad one simply starts the calculator empty.
    }
  }
  return { version: v4 || !v3 ? (v4 ? '4.0' : '3.1') : '3.1', chosen };
}

export interface CvssCalculatorProps {
  initialV3: string | null;
  initialV4: string | null;
  /** Called with the complete vector; the calculator shows the error it throws. */
  onSave?: (version: CalculatorVersion, vector: string) => Promise<void>;
  saveLabel?: string;
}

export function CvssCalculator({ initialV3, initialV4, onSave, saveLabel = 'Save CVSS vector' }: CvssCalculatorProps) {
  const id = useId();
  const init = useMemo(() => initialState(initialV3, initialV4), [initialV3, initialV4]);
  const [version, setVersion] = useState<CalculatorVersion>(init.version);
  const [chosen, setChosen] = useState(init.chosen);
  const [pasted, setPasted] = useState('');
  const [pasteError, setPasteError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveMessage, setSaveMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const vector = buildVector(version, chosen[version]);
  const scored = vector ? tryScore(vector) : null;
  const metrics = CVSS_METRIC_DEFINITIONS[version];
  const groups = [...new Set(metrics.map((m) => m.group))];

  const choose = (key: string, value: string) => {
    setChosen((c) => ({ ...c, [version]: { ...c[version], [key]: value } }));
    setSaveMessage(null);
  };
  const applyPasted = () => {
    try {
      const parsed = parseCvss(pasted.trim());
      const v: CalculatorVersion = parsed.version === '4.0' ? '4.0' : '3.1';
      setVersion(v);
      setChosen((c) => ({ ...c, [v]: { ...parsed.metrics } }));
      setPasteError(null);
    } catch (e) {
      setPasteError(isDomainError(e) ? ((e.details.problems as { message: string }[] | undefined)?.map((p) => p.message).join('; ') ?? e.message) : String(e));
    }
  };
  const save = async () => {
    if (!vector || !onSave || saving) return;
    setSaving(true);
    setSaveMessage(null);
    try {
      await onSave(version, vector);
      setSaveMessage({ ok: true, text: `Saved ${vector}.` });
    } catch (e) {
      setSaveMessage({ ok: false, text: errorText(e) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="cvss" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>CVSS calculator</h3>
      <fieldset className="cvss__versions radios">
        <legend>Version</legend>
        {(['3.1', '4.0'] as const).map((v) => (
          <div className="radios__item" key={v}>
            <input type="radio" id={`${id}-v${v}`} name={`${id}-version`} checked={version === v} onChange={() => setVersion(v)} />
            <label htmlFor={`${id}-v${v}`}>CVSS v{v}</label>
          </div>
        ))}
      </fieldset>
      <div className="cvss__score" aria-live="polite">
        {scored === null && <p className="muted">Choose every base metric to see the score.</p>}
        {scored && 'result' in scored && (
          <p>
            <span className={`cvss__number severity--${scored.result.severity}`}>{scored.result.score.toFixed(1)}</span>{' '}
            <strong>{humanize(scored.result.severity)}</strong>
            <span className="muted"> (CVSS v{scored.result.version}{scored.result.version === '4.0' ? `, ${scored.result.nomenclature}` : `, base ${scored.result.baseScore.toFixed(1)}`})</span>
          </p>
        )}
        {scored && 'error' in scored && <p className="field__error">{scored.error}</p>}
        {vector && (
          <p className="cvss__vector">
            <code>{vector}</code>
          </p>
        )}
      </div>
      {groups.map((group) => {
        const list = metrics.filter((m) => m.group === group);
        const body = (
          <div className="cvss__metrics">
            {list.map((m) => (
              <MetricSelect key={m.key} idPrefix={id} metric={m} value={chosen[version][m.key] ?? (m.mandatory ? '' : 'X')} onChange={(v) => choose(m.key, v)} />
            ))}
          </div>
        );
        return group === 'base' ? (
          <fieldset key={group} className="cvss__group">
            <legend>{GROUP_NAMES[group] ?? humanize(group)}</legend>
            {body}
          </fieldset>
        ) : (
          <details key={group} className="cvss__group">
            <summary>{GROUP_NAMES[group] ?? humanize(group)} (optional)</summary>
            {body}
          </details>
        );
      })}
      <div className="field">
        <label htmlFor={`${id}-paste`}>Or paste a vector</label>
        <div className="inline-form">
          <input id={`${id}-paste`} type="text" value={pasted} onChange={(e) => setPasted(e.target.value)} aria-invalid={pasteError ? true : undefined} aria-describedby={pasteError ? `${id}-paste-error` : undefined} />
          <button type="button" className="button button--secondary" onClick={applyPasted}>
            Use vector
          </button>
        </div>
        {pasteError && (
          <p className="field__error" id={`${id}-paste-error`}>
            {pasteError}
          </p>
        )}
      </div>
      {onSave && (
        <p>
          {/* Not disabled while saving: a disabled button would drop the focus it keeps after the save. */}
          <button type="button" className="button button--primary" aria-disabled={saving} disabled={!vector || (scored !== null && 'error' in scored)} onClick={() => void save()}>
            {saveLabel}
          </button>
        </p>
      )}
      <OutcomeMessage outcome={saveMessage} />
    </section>
  );
}

function MetricSelect({ idPrefix, metric, value, onChange }: { idPrefix: string; metric: CvssMetricDefinition; value: string; onChange: (v: string) => void }) {
  const id = `${idPrefix}-m-${metric.key}`;
  const chosen = metric.values.find((v) => v.key === value);
  return (
    <div className="field cvss__metric">
      <label htmlFor={id}>
        {metric.name} ({metric.key})
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={`${id}-d`}>
        {metric.mandatory && <option value="">Choose…</option>}
        {metric.values.map((v) => (
          <option key={v.key} value={v.key}>
            {v.label} ({v.key})
          </option>
        ))}
      </select>
      <p className="field__hint" id={`${id}-d`}>
        {chosen ? chosen.description : metric.description}
      </p>
    </div>
  );
}
