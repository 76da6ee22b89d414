import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, type FieldProblem, type IntakeLimits, type Policy, type ProjectInfo, type SubmissionCreated, type SubmissionFields } from '../api.ts';
import { ErrorSummary, FieldError } from '../components/FieldErrors.tsx';
import { CopyButton } from '../components/CopyButton.tsx';
import { FilePicker, filesProblem } from '../components/FilePicker.tsx';
import { ProjectLayout } from '../components/PublicLayout.tsx';
import { ErrorMessage, Loading } from '../components/Status.tsx';
import { humanize } from '../format.ts';
import { useLoad, useTitle } from '../hooks.ts';
import { Link } from '../router.tsx';

/** Labels of the intake fields; the server's field-level messages read "<label> <message>". */
const LABELS: Record<string, string> = {
  title: 'Title',
  description: 'Description',
  category: 'Category',
  affected_version: 'Affected version',
  steps_to_reproduce: 'Steps to reproduce',
  impact: 'Impact',
  environment: 'Environment',
  proof_of_concept: 'Proof of concept',
  suggested_fix: 'Suggested fix',
  cvss_vector: 'CVSS vector',
  reporter_name: 'Your name',
  reporter_email: 'Your email',
  credit_choice: 'Credit',
  credit_name: 'Name to credit',
  accept_terms: 'Accepting the policy',
  attachments: 'Attachments',
  ai_disclosure: 'Did you use AI tools? How?',
};

const idFor = (field: string) => `f-${field.split('.')[0]}`;

/** `/p/:slug/report`: the intake form; on success it is replaced by the confirmation (the token is shown once). */
export function ReportForm({ slug }: { slug: string }) {
  const [data] = useLoad(() => Promise.all([api.project(slug), api.intakeLimits()]), [slug]);
  const [created, setCreated] = useState<SubmissionCreated | null>(null);
  useTitle(created ? `Report ${created.tracking_id} received` : data.state === 'ready' ? `Report a vulnerability in ${data.data[0].name}` : 'Report a vulnerability');
  return (
    <ProjectLayout slug={slug}>
      {data.state === 'loading' && <Loading what="the form" />}
      {data.state === 'error' && <ErrorMessage error={data.error} title="The form could not be loaded" />}
      {data.state === 'ready' &&
        (created ? (
          <Confirmation slug={slug} projectName={data.data[0].name} created={created} onAnother={() => setCreated(null)} />
        ) : (
          <Form project={data.data[0]} limits={data.data[1]} onCreated={setCreated} />
        ))}
    </ProjectLayout>
  );
}

type Values = Record<Exclude<keyof SubmissionFields, 'accept_terms' | 'credit_choice'>, string> & { credit_choice: 'credit' | 'anonymous'; accept_terms: boolean };

const EMPTY: Values = {
  title: '',
  description: '',
  category: '',
  affected_version: '',
  steps_to_reproduce: '',
  impact: '',
  environment: '',
  proof_of_concept: '',
  suggested_fix: '',
  cvss_vector: '',
  reporter_name: '',
  reporter_email: '',
  credit_name: '',
  credit_choice: 'credit',
  accept_terms: false,
  ai_disclosure: '',
};

function Form({ project, limits, onCreated }: { project: ProjectInfo; limits: IntakeLimits; onCreated: (c: SubmissionCreated) => void }) {
  const policy = project.policy;
  const [values, setValues] = useState<Values>(EMPTY);
  const [files, setFiles] = useState<File[]>([]);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const ai = policy.intake.ai_disclosure ?? 'off';
  const required = new Set<string>(['title', 'description', ...(policy.intake.required_fields ?? []), ...(ai === 'required' ? ['ai_disclosure'] : [])]);
  const problemOf = (field: string) => problems.find((p) => p.field === field);
  const fileProblem = filesProblem(files, limits) ?? problems.filter((p) => p.field.startsWith('attachments')).map((p) => attachmentMessage(p, files)).join('; ');
  const labels = { ...LABELS, ...Object.fromEntries(problems.filter((p) => p.field.startsWith('attachments.')).map((p) => [p.field, attachmentLabel(p.field, files)])) };

  const set = <K extends keyof Values>(key: K, value: Values[K]) => setValues((v) => ({ ...v, [key]: value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFailure(null);
    const local = localProblems(values, policy, required);
    const fileLocal = filesProblem(files, limits);
    if (fileLocal) local.push({ field: 'attachments', message: fileLocal });
    if (local.length) {
      setProblems(local);
      return;
    }
    setSending(true);
    try {
      const fields: SubmissionFields = {
        ...values,
        credit_choice: values.credit_choice,
        accept_terms: values.accept_terms,
      };
      if (!policy.intake.require_terms_acceptance) delete fields.accept_terms;
      if (ai === 'off') delete fields.ai_disclosure;
      onCreated(await api.submitReport(project.slug, fields, files));
    } catch (err) {
      if (err instanceof ApiError && err.problems.length) setProblems(err.problems);
      else if (err instanceof ApiError && err.code === 'payload_too_large') setProblems([{ field: 'attachments', message: `were refused by the server: ${err.message}` }]);
      else {
        setProblems([]);
        setFailure(err);
      }
    } finally {
      setSending(false);
    }
  }

  const text = (name: keyof Values & string, opts: { hint?: ReactNode; type?: string; autoComplete?: string; list?: string; multiline?: boolean } = {}) => (
    <TextField
      name={name}
      label={LABELS[name] ?? name}
      required={required.has(name)}
      value={String(values[name])}
      onChange={(v) => set(name, v as never)}
      problem={problemOf(name)}
      {...opts}
    />
  );
  const area = (name: keyof Values & string, hint?: ReactNode) => text(name, { multiline: true, hint });
  const versionsId = useId();
  const scopeItems = [...policy.scope.in_scope, ...policy.scope.out_of_scope];

  return (
    <>
      <h1>Report a vulnerability in {project.name}</h1>
      <p className="lead">
        Only {project.name}&apos;s security team can read this report; it is encrypted at rest. You get a tracking ID and a private link to follow it —
        no account needed. Read the <Link to={`/p/${encodeURIComponent(project.slug)}`}>security policy</Link> first.
      </p>
      <ErrorSummary problems={problems} labels={labels} idFor={idFor} />
      {failure !== null && <ErrorMessage error={failure} title="The report was not sent" />}
      <form className="form" noValidate onSubmit={submit} aria-describedby="required-note">
        <p id="required-note" className="field__hint">
          Fields marked (required) must be filled in.
        </p>
        <fieldset>
          <legend>The vulnerability</legend>
          {text('title', { hint: 'One line, e.g. "Path traversal in the model loader".' })}
          {area('description', 'What is wrong, where, and why it is a security problem.')}
          {scopeItems.length > 0 && (
            <SelectField name="category" required={required.has('category')} value={values.category} onChange={(v) => set('category', v)} problem={problemOf('category')} hint="Out-of-scope reports are still read.">
              <option value="">Not sure</option>
              {(
                [
                  ['In scope', policy.scope.in_scope],
                  ['Out of scope', policy.scope.out_of_scope],
                ] as const
              ).map(
                ([group, items]) =>
                  items.length > 0 && (
                    <optgroup key={group} label={group}>
                      {items.map((s) => (
                        <option key={s.id} value={s.id}>
                          {s.label}
                        </option>
                      ))}
                    </optgroup>
                  ),
              )}
              <option value="other">Other</option>
            </SelectField>
          )}
          {text('affected_version', {
            list: versionsId,
            hint: policy.supported_versions.length ? <VersionsHint policy={policy} /> : 'The version or branch where you found it.',
          })}
          <datalist id={versionsId}>
            {policy.supported_versions.map((v) => (
              <option key={v.label} value={v.label} />
            ))}
          </datalist>
          {area('steps_to_reproduce', 'Numbered steps, commands or requests.')}
          {area('impact', 'What an attacker gains.')}
          {area('environment', 'Operating system, configuration, deployment.')}
          {area('proof_of_concept', 'Code or requests that show the problem (or attach them below).')}
          {area('suggested_fix')}
          {text('cvss_vector', { hint: 'Optional, CVSS 3.1 or 4.0, e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N.' })}
          <FilePicker id="f-attachments" label="Attachments (optional)" files={files} onChange={setFiles} limits={limits} error={fileProblem || null} />
          {ai !== 'off' && area('ai_disclosure', `${project.name} asks every reporter. "No" is a fine answer; if you did, say which tools and for what (finding, writing, the proof of concept).`)}
        </fieldset>
        <fieldset>
          <legend>About you</legend>
          <p className="field__hint">Optional. Your email lets the team reach you; it is encrypted like the report.</p>
          {text('reporter_name', { autoComplete: 'name' })}
          {text('reporter_email', { type: 'email', autoComplete: 'email' })}
          {policy.recognition.credit_in_advisory && (
            <fieldset className="radios" aria-describedby={problemOf('credit_choice') ? 'f-credit_choice-error' : undefined}>
              <legend>Credit in the advisory</legend>
              <div className="radios__item">
                <input id="f-credit_choice" type="radio" name="credit_choice" value="credit" checked={values.credit_choice === 'credit'} onChange={() => set('credit_choice', 'credit')} />
                <label htmlFor="f-credit_choice">Credit me by name</label>
              </div>
              {policy.recognition.anonymity_allowed && (
                <div className="radios__item">
                  <input id="f-credit_choice-anonymous" type="radio" name="credit_choice" value="anonymous" checked={values.credit_choice === 'anonymous'} onChange={() => set('credit_choice', 'anonymous')} />
                  <label htmlFor="f-credit_choice-anonymous">Stay anonymous</label>
                </div>
              )}
              <FieldError id="f-credit_choice" problem={problemOf('credit_choice')} label={LABELS.credit_choice ?? ''} />
            </fieldset>
          )}
          {values.credit_choice === 'credit' && text('credit_name', { hint: 'As it should appear; your name above is used when this is empty.' })}
        </fieldset>
        {policy.intake.require_terms_acceptance && (
          <div className={`field checkbox${problemOf('accept_terms') ? ' field--invalid' : ''}`}>
            <FieldError id="f-accept_terms" problem={problemOf('accept_terms')} label={LABELS.accept_terms ?? ''} />
            <input
              id="f-accept_terms"
              type="checkbox"
              checked={values.accept_terms}
              onChange={(e) => set('accept_terms', e.currentTarget.checked)}
              aria-invalid={problemOf('accept_terms') ? true : undefined}
              aria-describedby={problemOf('accept_terms') ? 'f-accept_terms-error' : undefined}
            />
            <label htmlFor="f-accept_terms">
              I have read and accept the <Link to={`/p/${encodeURIComponent(project.slug)}`}>security policy</Link> (required)
            </label>
          </div>
        )}
        <p>
          <button type="submit" className="button button--primary" disabled={sending}>
            {sending ? 'Sending…' : 'Send report'}
          </button>
        </p>
      </form>
    </>
  );
}

/**
 * The checks the server would make first, in its words (src/core/reports/submission.ts): the server checks the
 * request's shape before the policy's required fields, so without these a reporter would fix title and
 * description only to learn about the policy's fields on a second round. Everything else (email, CVSS vector,
 * category, file types) is left to the server and shown from its 400.
 */
function localProblems(values: Values, policy: Policy, required: Set<string>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of required) {
    const value = values[field as keyof Values];
    if (typeof value === 'string' && !value.trim()) {
      problems.push({ field, message: field === 'title' || field === 'description' ? 'is required' : `is required by the ${policy.project.name} security policy` });
    }
  }
  if (policy.intake.require_terms_acceptance && !values.accept_terms) problems.push({ field: 'accept_terms', message: 'the policy terms must be accepted to submit' });
  return problems;
}

function VersionsHint({ policy }: { policy: Policy }) {
  return (
    <>
      The exact version where you found it. Versions:{' '}
      {policy.supported_versions.map((v, i) => (
        <span key={v.label}>
          {i > 0 ? ', ' : ''}
          {v.label} ({v.status === 'supported' ? 'supported' : v.status === 'limited' ? 'limited support' : 'not supported'})
        </span>
      ))}
      .
    </>
  );
}

function attachmentLabel(field: string, files: File[]): string {
  const index = Number(field.split('.')[1]);
  const file = Number.isInteger(index) ? files[index] : undefined;
  return file ? `File ${file.name}:` : 'Attachment';
}

const attachmentMessage = (p: FieldProblem, files: File[]) => (p.field === 'attachments' ? p.message : `${attachmentLabel(p.field, files)} ${p.message}`);

function TextField({
  name,
  label,
  required,
  value,
  onChange,
  problem,
  hint,
  multiline,
  type = 'text',
  autoComplete,
  list,
}: {
  name: string;
  label: string;
  required: boolean;
  value: string;
  onChange: (v: string) => void;
  problem: FieldProblem | undefined;
  hint?: ReactNode;
  multiline?: boolean;
  type?: string;
  autoComplete?: string;
  list?: string;
}) {
  const id = idFor(name);
  const common = {
    id,
    name,
    value,
    required,
    'aria-invalid': problem ? true : undefined,
    'aria-describedby': describedByOf(id, hint, problem),
  };
  return (
    <FieldFrame id={id} label={label} required={required} hint={hint} problem={problem}>
      {multiline ? (
        <textarea {...common} rows={5} onChange={(e) => onChange(e.currentTarget.value)} />
      ) : (
        <input {...common} type={type} autoComplete={autoComplete} list={list} onChange={(e) => onChange(e.currentTarget.value)} />
      )}
    </FieldFrame>
  );
}

function SelectField({
  name,
  required,
  value,
  onChange,
  problem,
  hint,
  children,
}: {
  name: string;
  required: boolean;
  value: string;
  onChange: (v: string) => void;
  problem: FieldProblem | undefined;
  hint?: string;
  children: ReactNode;
}) {
  const id = idFor(name);
  const label = LABELS[name] ?? humanize(name);
  return (
    <FieldFrame id={id} label={label} required={required} hint={hint} problem={problem}>
      <select
        id={id}
        name={name}
        value={value}
        required={required}
        onChange={(e) => onChange(e.currentTarget.value)}
        aria-invalid={problem ? true : undefined}
        aria-describedby={describedByOf(id, hint, problem)}
      >
        {children}
      </select>
    </FieldFrame>
  );
}

/** What every field around its control shows: the label ("(required)" when it is), the hint, then the error. */
function FieldFrame({
  id,
  label,
  required,
  hint,
  problem,
  children,
}: {
  id: string;
  label: string;
  required: boolean;
  hint?: ReactNode;
  problem: FieldProblem | undefined;
  children: ReactNode;
}) {
  return (
    <div className={`field${problem ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required ? ' (required)' : ''}
      </label>
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <FieldError id={id} problem={problem} label={label} />
      {children}
    </div>
  );
}

/** The control's aria-describedby: its hint and its error, those it has. */
const describedByOf = (id: string, hint: ReactNode, problem: FieldProblem | undefined) =>
  [hint ? `${id}-hint` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

/** Shown once after a 201: the tracking ID and the private link, with a clear warning to keep it. */
function Confirmation({ slug, projectName, created, onAnother }: { slug: string; projectName: string; created: SubmissionCreated; onAnother: () => void }) {
  const link = `${window.location.origin}/p/${encodeURIComponent(slug)}/status#${created.reporter_token}`;
  const statusPath = `/p/${encodeURIComponent(slug)}/status#${created.reporter_token}`;
  const flags = created.classification.flags;
  return (
    <section aria-labelledby="confirmation-title" className="confirmation">
      <h1 id="confirmation-title">Report received</h1>
      <p className="lead">
        {projectName}&apos;s security team has your report. Its tracking ID is <strong className="tracking-id">{created.tracking_id}</strong>.
      </p>
      <div className="notice notice--warning" role="note" aria-labelledby="keep-link-title">
        <h2 id="keep-link-title">Keep your private link now</h2>
        <p>
          This link is the only way to follow your report, read the team&apos;s answers and add information. It is shown only once and cannot be
          recovered: save it in a password manager or a private note. Anyone with the link can read the report.
        </p>
        <div className="field">
          <label htmlFor="private-link">Your private link</label>
          {/* A read-only textarea wraps the whole link on a phone, where an input would cut it off. */}
          <textarea id="private-link" className="private-link" readOnly rows={3} value={link} onFocus={(e) => e.currentTarget.select()} />
        </div>
        <p>
          <CopyButton text={link} what="link" />
        </p>
      </div>
      {flags.length > 0 && (
        <>
          <h2>Notes on your report</h2>
          <ul>
            {flags.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
          <p>The team still reads it.</p>
        </>
      )}
      <p>
        <Link to={statusPath} className="button button--primary">
          Open the status page
        </Link>{' '}
        <button type="button" className="button button--secondary" onClick={onAnother}>
          Report another vulnerability
        </button>
      </p>
    </section>
  );
}
