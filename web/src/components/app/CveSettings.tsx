import { useState, type FormEvent } from 'react';
import { ApiError, type FieldProblem } from '../../api.ts';
import { appApi, type CveSettings as Settings } from '../../api-app.ts';
import { useLoad } from '../../hooks.ts';
import { formatDate } from '../../format.ts';
import { ErrorSummary } from '../FieldErrors.tsx';
import { ErrorMessage, Loading, OutcomeMessage } from '../Status.tsx';
import { problemOf, TextField } from '../TextField.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';

/**
 * CVE Services credentials on a project's settings page (project admins, issue 20): the API base URL (production,
 * the test environment, or this instance's own), the CNA's short name and UUID, the API user and key. The key is
 * write-only: the page says whether one is set, never shows it, and leaving the field empty keeps it.
 */
const LABELS = { base_url: 'CVE Services environment', cna_short_name: 'CNA short name', cna_org_id: 'CNA organisation UUID', api_user: 'API user', api_key: 'API key', record_version: 'CVE Record Format' };
const ID = { base_url: 'cve-base-url', cna_short_name: 'cve-short-name', cna_org_id: 'cve-org-id', api_user: 'cve-api-user', api_key: 'cve-api-key', record_version: 'cve-record-version' };
const idFor = (field: string): string => (ID as Record<string, string>)[field] ?? ID.cna_short_name;
/** An environment's short name (the option shows it whole on a phone); its URL is the hint under the choice. */
const urlText = (url: string) => (url === 'https://cveawg.mitre.org/api' ? 'Production' : url === 'https://cveawg-test.mitre.org/api' ? 'Test environment' : 'This instance’s default');

export function CveSettings({ slug }: { slug: string }) {
  const [settings, reload] = useLoad(() => appApi.cveSettings(slug), [slug]);
  if (settings.state === 'loading') return <Loading what="the CVE settings" />;
  if (settings.state === 'error') return <ErrorMessage error={settings.error} />;
  return <CveSettingsForm key={settings.data.updated_at ?? 'none'} slug={slug} initial={settings.data} onSaved={reload} />;
}

function CveSettingsForm({ slug, initial, onSaved }: { slug: string; initial: Settings; onSaved: () => void }) {
  const [baseUrl, setBaseUrl] = useState(initial.base_url);
  const [shortName, setShortName] = useState(initial.cna_short_name ?? '');
  const [orgId, setOrgId] = useState(initial.cna_org_id ?? '');
  const [user, setUser] = useState(initial.api_user ?? '');
  const [key, setKey] = useState('');
  const [version, setVersion] = useState<'' | '5.1' | '5.2'>(initial.record_version_is_default ? '' : initial.record_version);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [quota, setQuota] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    const local: FieldProblem[] = [];
    if (!shortName.trim()) local.push({ field: 'cna_short_name', message: 'is required' });
    if (!/^[0-9a-f-]{36}$/i.test(orgId.trim())) local.push({ field: 'cna_org_id', message: 'must be a UUID' });
    if (!user.trim()) local.push({ field: 'api_user', message: 'is required' });
    if (!initial.has_api_key && !key) local.push({ field: 'api_key', message: 'is required the first time' });
    setProblems(local);
    if (local.length) return;
    setBusy(true);
    try {
      await appApi.saveCveSettings(slug, { base_url: baseUrl, cna_short_name: shortName.trim(), cna_org_id: orgId.trim(), api_user: user.trim(), ...(key ? { api_key: key } : {}), record_version: version || null });
      setKey('');
      setMessage({ ok: true, text: 'Saved. The API key is stored sealed and is not shown again.' });
      onSaved();
    } catch (err) {
      if (err instanceof ApiError && err.problems.length) setProblems(err.problems);
      else setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };
  const checkQuota = async () => {
    setQuota(null);
    try {
      const q = await appApi.cveQuota(slug);
      setQuota(`${q.cna_short_name}: ${q.available} of ${q.id_quota} IDs available (${q.total_reserved} reserved).`);
    } catch (err) {
      setQuota(err instanceof Error ? err.message : String(err));
    }
  };
  const forget = async () => {
    try {
      await appApi.deleteCveSettings(slug);
      onSaved();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <>
      <p>
        If your organisation is a CVE Numbering Authority, Embargo reserves CVE IDs from your quota and publishes each advisory’s CVE record when the advisory is published. Try your
        credentials on the test environment first. Without credentials, each advisory offers a prefilled request for your CNA of last resort.
      </p>
      <OutcomeMessage outcome={message} />
      {initial.configured && (
        <p className="inline-form">
          <span>
            Set by {initial.updated_by} {initial.updated_at ? formatDate(initial.updated_at) : ''}.
          </span>
          <button type="button" className="button button--small" onClick={() => void checkQuota()}>
            Check the quota
          </button>
          <ConfirmButton label="Forget the credentials" question={<>Forget the CVE Services credentials? Queued publications will fail until new ones are set.</>} confirmLabel="Forget them" onConfirm={forget} />
        </p>
      )}
      {quota && (
        <p className="notice" role="status">
          {quota}
        </p>
      )}
      <form className="form" noValidate onSubmit={(e) => void submit(e)} aria-labelledby="cve-settings-heading">
        <h3 id="cve-settings-heading">{initial.configured ? 'CVE Services credentials' : 'Add CVE Services credentials'}</h3>
        <ErrorSummary problems={problems} labels={LABELS} idFor={idFor} subject="the CVE settings" />
        <div className="field">
          <label htmlFor={ID.base_url}>{LABELS.base_url}</label>
          <select id={ID.base_url} value={baseUrl} aria-describedby="cve-base-url-hint" onChange={(e) => setBaseUrl(e.target.value)}>
            {initial.allowed_base_urls.map((u) => (
              <option key={u} value={u}>
                {urlText(u)}
              </option>
            ))}
          </select>
          <p id="cve-base-url-hint" className="field__hint">
            Requests go to <code>{baseUrl}</code>.
          </p>
        </div>
        <TextField id={ID.cna_short_name} label={LABELS.cna_short_name} value={shortName} onChange={setShortName} autoComplete="off" hint="Sent as CVE-API-ORG." problem={problemOf(problems, 'cna_short_name')} />
        <TextField id={ID.cna_org_id} label={LABELS.cna_org_id} value={orgId} onChange={setOrgId} autoComplete="off" hint="Named as the provider in CVE records." problem={problemOf(problems, 'cna_org_id')} />
        <TextField id={ID.api_user} label={LABELS.api_user} value={user} onChange={setUser} autoComplete="off" hint="Sent as CVE-API-USER." problem={problemOf(problems, 'api_user')} />
        <TextField
          id={ID.api_key}
          label={LABELS.api_key}
          type="password"
          value={key}
          onChange={setKey}
          autoComplete="new-password"
          hint={initial.has_api_key ? 'A key is set. Leave empty to keep it; it is never shown.' : 'Sent as CVE-API-KEY; stored sealed, never shown again.'}
          problem={problemOf(problems, 'api_key')}
        />
        <div className="field">
          <label htmlFor={ID.record_version}>{LABELS.record_version}</label>
          <select id={ID.record_version} value={version} onChange={(e) => setVersion(e.target.value as '' | '5.1' | '5.2')}>
            <option value="">Instance default ({initial.record_version_is_default ? initial.record_version : 'EMBARGO_CVE_RECORD_VERSION'})</option>
            <option value="5.2">5.2 (latest, with package URLs)</option>
            <option value="5.1">5.1 (for a CVE Services instance that only accepts 5.1)</option>
          </select>
        </div>
        <button type="submit" className="button button--primary" disabled={busy}>
          Save CVE settings
        </button>
      </form>
    </>
  );
}
