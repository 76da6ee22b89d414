import { useState } from 'react';
import { BRANCH_STATUSES, CREDIT_TYPES, REFERENCE_TYPES, type AffectedProduct, type BranchEntry, type BranchStatus, type Credit, type CreditType, type Reference, type ReferenceType } from '../../../../src/core/advisories/types.ts';
import { ECOSYSTEMS, type Ecosystem } from '../../../../src/core/versions/ecosystems.ts';
import { humanize } from '../../format.ts';
import { TableHead } from '../TableHead.tsx';

/**
 * The list parts of the advisory editor: affected products with their backport matrix (one row per supported
 * branch of the policy), references and credits. Each control has its own label naming its row.
 */

const replaceAt = <T,>(list: T[], i: number, item: T): T[] => list.map((x, j) => (j === i ? item : x));
const removeAt = <T,>(list: T[], i: number): T[] => list.filter((_, j) => j !== i);
/** Optional text: an empty input removes the key, so the server sees "not given" rather than "". */
const opt = <T extends object, K extends keyof T>(o: T, k: K, v: string): T => {
  const next = { ...o };
  if (v.trim()) (next as Record<K, unknown>)[k] = v;
  else delete next[k];
  return next;
};

export function AffectedEditor({ value, branches, disabled, onChange }: { value: AffectedProduct[]; branches: string[]; disabled: boolean; onChange: (v: AffectedProduct[]) => void }) {
  const [ecosystem, setEcosystem] = useState<Ecosystem>('npm');
  const [pkg, setPkg] = useState('');
  const add = () => {
    if (!pkg.trim()) return;
    onChange([...value, { ecosystem, package: pkg.trim(), branches: branches.map((b) => ({ branch: b, status: 'affected' as const })) }]);
    setPkg('');
  };
  return (
    <fieldset className="form-list" disabled={disabled}>
      <legend>Affected packages and branches</legend>
      {value.length === 0 && <p className="muted">No affected package yet.</p>}
      {value.map((p, i) => (
        <div key={i} className="form-list__item">
          <h3>
            {p.ecosystem} {p.package}
          </h3>
          <div className="field">
            <label htmlFor={`aff-${i}-purl`}>Package URL of {p.package} (optional)</label>
            <input id={`aff-${i}-purl`} type="text" value={p.purl ?? ''} onChange={(e) => onChange(replaceAt(value, i, opt(p, 'purl', e.target.value)))} />
          </div>
          <BranchMatrix pkg={p.package} rows={p.branches} branches={branches} onChange={(rows) => onChange(replaceAt(value, i, { ...p, branches: rows }))} />
          <button type="button" className="button button--small button--danger" onClick={() => onChange(removeAt(value, i))}>
            Remove {p.package}
          </button>
        </div>
      ))}
      <div className="inline-fields">
        <div className="field">
          <label htmlFor="aff-new-eco">Ecosystem</label>
          <select id="aff-new-eco" value={ecosystem} onChange={(e) => setEcosystem(e.target.value as Ecosystem)}>
            {ECOSYSTEMS.map((x) => (
              <option key={x}>{x}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="aff-new-pkg">Package name</label>
          <input id="aff-new-pkg" type="text" value={pkg} onChange={(e) => setPkg(e.target.value)} />
        </div>
        <button type="button" className="button" onClick={add}>
          Add package
        </button>
      </div>
    </fieldset>
  );
}

function BranchMatrix({ pkg, rows, branches, onChange }: { pkg: string; rows: BranchEntry[]; branches: string[]; onChange: (rows: BranchEntry[]) => void }) {
  const missing = branches.filter((b) => !rows.some((r) => r.branch === b));
  const versionCell = (r: BranchEntry, i: number, key: 'introduced' | 'fixed' | 'last_affected', label: string) => (
    <td>
      <input type="text" aria-label={`${label}, ${pkg} ${r.branch}`} value={r[key] ?? ''} onChange={(e) => onChange(replaceAt(rows, i, opt(r, key, e.target.value)))} />
    </td>
  );
  return (
    <div className="table-wrap table-wrap--contain" tabIndex={0} role="region" aria-label={`Backport matrix of ${pkg} (scrolls sideways)`}>
      <table className="matrix">
        <caption>Backport matrix of {pkg}</caption>
        <TableHead columns={['Branch', 'Status', 'Introduced', 'Fixed in', 'Last affected', <span className="visually-hidden">Remove</span>]} />
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.branch}>
              <th scope="row">{r.branch}</th>
              <td>
                <select aria-label={`Status, ${pkg} ${r.branch}`} value={r.status} onChange={(e) => onChange(replaceAt(rows, i, { ...r, status: e.target.value as BranchStatus }))}>
                  {BRANCH_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {humanize(s)}
                    </option>
                  ))}
                </select>
              </td>
              {versionCell(r, i, 'introduced', 'Introduced')}
              {versionCell(r, i, 'fixed', 'Fixed in')}
              {versionCell(r, i, 'last_affected', 'Last affected')}
              <td>
                <button type="button" className="button button--small" aria-label={`Remove branch ${r.branch} of ${pkg}`} onClick={() => onChange(removeAt(rows, i))}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {missing.length > 0 && (
        <p>
          {missing.map((b) => (
            <button key={b} type="button" className="button button--small" onClick={() => onChange([...rows, { branch: b, status: 'affected' }])}>
              Add branch {b}
            </button>
          ))}
        </p>
      )}
    </div>
  );
}

export function ReferencesEditor({ value, disabled, onChange }: { value: Reference[]; disabled: boolean; onChange: (v: Reference[]) => void }) {
  return (
    <fieldset className="form-list" disabled={disabled}>
      <legend>References</legend>
      {value.map((r, i) => (
        <div key={i} className="inline-fields form-list__item">
          <div className="field">
            <label htmlFor={`ref-${i}-type`}>Type of reference {i + 1}</label>
            <select id={`ref-${i}-type`} value={r.type} onChange={(e) => onChange(replaceAt(value, i, { ...r, type: e.target.value as ReferenceType }))}>
              {REFERENCE_TYPES.map((t) => (
                <option key={t} value={t}>
                  {humanize(t)}
                </option>
              ))}
            </select>
          </div>
          <div className="field field--grow">
            <label htmlFor={`ref-${i}-url`}>URL of reference {i + 1}</label>
            <input id={`ref-${i}-url`} type="text" inputMode="url" value={r.url} onChange={(e) => onChange(replaceAt(value, i, { ...r, url: e.target.value }))} />
          </div>
          <button type="button" className="button button--small" onClick={() => onChange(removeAt(value, i))}>
            Remove reference {i + 1}
          </button>
        </div>
      ))}
      <button type="button" className="button button--small" onClick={() => onChange([...value, { type: 'web', url: '' }])}>
        Add reference
      </button>
    </fieldset>
  );
}

export function CreditsEditor({ value, disabled, onChange }: { value: Credit[]; disabled: boolean; onChange: (v: Credit[]) => void }) {
  return (
    <fieldset className="form-list" disabled={disabled}>
      <legend>Credits</legend>
      {value.map((c, i) => (
        <div key={i} className="inline-fields form-list__item">
          <div className="field field--grow">
            <label htmlFor={`credit-${i}-name`}>Name of credit {i + 1} (empty: anonymous)</label>
            <input id={`credit-${i}-name`} type="text" value={c.name ?? ''} onChange={(e) => onChange(replaceAt(value, i, { ...c, name: e.target.value.trim() ? e.target.value : null }))} />
          </div>
          <div className="field">
            <label htmlFor={`credit-${i}-type`}>Role of credit {i + 1}</label>
            <select id={`credit-${i}-type`} value={c.type} onChange={(e) => onChange(replaceAt(value, i, { ...c, type: e.target.value as CreditType }))}>
              {CREDIT_TYPES.map((t) => (
                <option key={t} value={t}>
                  {humanize(t)}
                </option>
              ))}
            </select>
          </div>
          <button type="button" className="button button--small" onClick={() => onChange(removeAt(value, i))}>
            Remove credit {i + 1}
          </button>
        </div>
      ))}
      <button type="button" className="button button--small" onClick={() => onChange([...value, { name: null, type: 'finder' }])}>
        Add credit
      </button>
    </fieldset>
  );
}
