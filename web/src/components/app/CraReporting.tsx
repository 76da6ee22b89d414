import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api.ts';
import { craApi, CRA_STAGES, type CraStage, type CraViewJson } from '../../api-cra.ts';
import { formatDate } from '../../format.ts';
import { useLoad } from '../../hooks.ts';
import { ErrorMessage, Loading, OutcomeMessage, type Outcome } from '../Status.tsx';
import { Countdown, useNow } from './Countdown.tsx';

const STAGE_NAMES: Record<CraStage, string> = {
  'early-warning': 'Early warning (24 h)',
  notification: 'Vulnerability notification (72 h)',
  'final-report': 'Final report',
};

/** `datetime-local` value of an instant, in the browser's zone (what the input shows). */
const localInput = (ms: number): string => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};
const fromLocalInput = (value: string): string => new Date(value).toISOString();

const problemText = (err: unknown): string =>
  err instanceof ApiError && err.problems.length ? err.problems.map((p) => `${p.field} ${p.message}`).join('; ') : err instanceof Error ? err.message : String(err);

/**
 * The report's EU Cyber Resilience Act Article 14 reporting (docs/cra.md): the 24 h / 72 h / final-report clocks,
 * marking the report actively exploited or a severe incident, each stage's draft and its "filed at" record. Shown
 * when the policy declares `cra.applies` or the report is already marked. Embargo files nothing itself.
 */
export function CraReporting({ slug, trackingId, mayTriage, version, onChange }: { slug: string; trackingId: string; mayTriage: boolean; version: string; onChange: () => void }) {
  const [loaded, reloadView] = useLoad(() => craApi.view(slug, trackingId), [slug, trackingId, version]);
  // The page's own deadline list shows the CRA clocks too: it reloads with this section.
  const reload = () => {
    reloadView();
    onChange();
  };
  const now = useNow();
  if (loaded.state === 'loading') return <Loading what="the CRA reporting" />;
  if (loaded.state === 'error') return <ErrorMessage error={loaded.error} title="The CRA reporting could not be loaded" />;
  const v = loaded.data;
  const marked = v.actively_exploited || v.severe_incident;
  if (!v.applies && !marked) return null;
  return (
    <section className="cra" aria-labelledby="cra-heading">
      <h2 id="cra-heading">EU Cyber Resilience Act reporting</h2>
      <p className="muted">
        Article 14: an early warning within 24 hours of becoming aware, a notification within 72 hours, a final report within 14 days of a fix (a severe
        incident: one month after the notification). Embargo keeps the clocks and drafts; you file on ENISA’s single reporting platform and record it here.
      </p>
      {marked ? (
        <p>
          {[v.actively_exploited && 'Actively exploited', v.severe_incident && 'severe incident'].filter(Boolean).join(', ')} — aware since {formatDate(v.aware_at ?? '')}
          {v.fix_available_at && <> · fix available since {formatDate(v.fix_available_at)}</>}
        </p>
      ) : (
        <p className="muted">Not marked actively exploited or a severe incident.</p>
      )}
      {v.deadlines.length > 0 && (
        <ul className="deadlines" aria-label="CRA deadlines">
          {v.deadlines.map((d) => (
            <li key={d.clock}>
              <Countdown deadline={d} now={now} />
            </li>
          ))}
        </ul>
      )}
      {mayTriage && v.applies && <MarkForm slug={slug} trackingId={trackingId} view={v} onSaved={reload} />}
      {marked && <Drafts slug={slug} trackingId={trackingId} view={v} mayTriage={mayTriage} onSaved={reload} />}
    </section>
  );
}

function MarkForm({ slug, trackingId, view, onSaved }: { slug: string; trackingId: string; view: CraViewJson; onSaved: () => void }) {
  const [exploited, setExploited] = useState(view.actively_exploited);
  const [severe, setSevere] = useState(view.severe_incident);
  const [awareAt, setAwareAt] = useState(localInput(view.aware_at ? Date.parse(view.aware_at) : Date.now()));
  const [outcome, setOutcome] = useState<Outcome>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setOutcome(null);
    try {
      const flagged = exploited || severe;
      await craApi.mark(slug, trackingId, { actively_exploited: exploited, severe_incident: severe, aware_at: flagged ? fromLocalInput(awareAt) : null });
      setOutcome({ ok: true, text: flagged ? 'Marked: the CRA clocks run from the moment of awareness.' : 'Unmarked: no CRA clock runs.' });
      onSaved();
    } catch (err) {
      setOutcome({ ok: false, text: problemText(err) });
    }
  };
  return (
    <form className="form cra__mark" onSubmit={(e) => void submit(e)}>
      <h3>Exploitation</h3>
      <div className="checkbox">
        <input id="cra-exploited" type="checkbox" checked={exploited} onChange={(e) => setExploited(e.target.checked)} />
        <label htmlFor="cra-exploited">Actively exploited</label>
      </div>
      <div className="checkbox">
        <input id="cra-severe" type="checkbox" checked={severe} onChange={(e) => setSevere(e.target.checked)} />
        <label htmlFor="cra-severe">Severe incident</label>
      </div>
      <div className="field">
        <label htmlFor="cra-aware">Aware since (your time zone)</label>
        <input id="cra-aware" type="datetime-local" value={awareAt} onChange={(e) => setAwareAt(e.target.value)} />
      </div>
      <OutcomeMessage outcome={outcome} />
      <button type="submit" className="button">
        Save marking
      </button>
    </form>
  );
}

function Drafts({ slug, trackingId, view, mayTriage, onSaved }: { slug: string; trackingId: string; view: CraViewJson; mayTriage: boolean; onSaved: () => void }) {
  return (
    <div className="cra__drafts">
      <h3>Drafts and filings</h3>
      {CRA_STAGES.map((stage) => {
        const draft = view.drafts.find((d) => d.stage === stage);
        if (!draft) return null;
        return (
          <details key={stage} className="cra__draft">
            <summary>
              {STAGE_NAMES[stage]} — {draft.filed ? `filed ${formatDate(draft.filed.filed_at)} (reference ${draft.filed.reference})` : draft.due_at ? `due ${formatDate(draft.due_at)}` : 'not started (no fix yet)'}
            </summary>
            <p>
              <a href={craApi.draftTextUrl(slug, trackingId, stage)} download={`${trackingId}-${stage}.txt`}>
                Text for filing
              </a>{' '}
              ·{' '}
              <a href={craApi.draftJsonUrl(slug, trackingId, stage)} download={`${trackingId}-${stage}.json`}>
                JSON
              </a>
            </p>
            <pre className="cra__content">{JSON.stringify(draft.content, null, 2)}</pre>
            {mayTriage && <FilingForm slug={slug} trackingId={trackingId} stage={stage} onSaved={onSaved} />}
          </details>
        );
      })}
    </div>
  );
}

function FilingForm({ slug, trackingId, stage, onSaved }: { slug: string; trackingId: string; stage: CraStage; onSaved: () => void }) {
  const [filedAt, setFiledAt] = useState(localInput(Date.now()));
  const [reference, setReference] = useState('');
  const [outcome, setOutcome] = useState<Outcome>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setOutcome(null);
    try {
      await craApi.file(slug, trackingId, { stage, filed_at: fromLocalInput(filedAt), reference: reference.trim() });
      setOutcome({ ok: true, text: 'Filing recorded.' });
      onSaved();
    } catch (err) {
      setOutcome({ ok: false, text: problemText(err) });
    }
  };
  return (
    <form className="form cra__filing" onSubmit={(e) => void submit(e)}>
      <div className="field">
        <label htmlFor={`cra-filed-${stage}`}>Filed at</label>
        <input id={`cra-filed-${stage}`} type="datetime-local" value={filedAt} onChange={(e) => setFiledAt(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor={`cra-ref-${stage}`}>Reference</label>
        <input id={`cra-ref-${stage}`} value={reference} onChange={(e) => setReference(e.target.value)} required maxLength={200} />
      </div>
      <OutcomeMessage outcome={outcome} />
      <button type="submit" className="button">
        Record filing
      </button>
    </form>
  );
}
