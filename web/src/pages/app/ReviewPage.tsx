import { useState } from 'react';
import { appApi, type DashboardProject, type HeldDetail, type HeldItem } from '../../api-app.ts';
import { useLoad, useTitle } from '../../hooks.ts';
import { formatDate } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ErrorMessage, errorText, Loading, OutcomeMessage } from '../../components/Status.tsx';
import { MemberProjectLayout } from '../../components/app/MaintainerLayout.tsx';
import { ConfirmButton } from '../../components/app/ConfirmButton.tsx';
import { can } from '../../../../src/core/access/permissions.ts';

/**
 * The review queue (issue 18): submissions held before they become reports — from a blocked sender, or a
 * first-time reporter the policy holds. Release makes one a report (its clocks start then); discard deletes it.
 */
export function ReviewPage({ slug }: { slug: string }) {
  return <MemberProjectLayout slug={slug}>{(project) => <Review project={project} />}</MemberProjectLayout>;
}

const REASON_TEXT: Record<HeldItem['reason'], string> = { blocked: 'blocked sender', 'first-time': 'first-time reporter' };

function Review({ project }: { project: DashboardProject }) {
  useTitle(`Review queue of ${project.name}`);
  const [list, reload] = useLoad(() => appApi.review(project.slug), [project.slug]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // Pages after the first, appended by "Show more" (keyset pages: a cursor from the last one); a reload starts over.
  const [more, setMore] = useState<{ items: HeldItem[]; cursor: string | null } | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const may = can(project.role, 'intake:review');
  const cursor = more ? more.cursor : list.state === 'ready' ? list.data.next_cursor : null;
  const showMore = async () => {
    if (!cursor) return;
    setMoreError(null);
    try {
      const next = await appApi.review(project.slug, { cursor });
      setMore({ items: [...(more?.items ?? []), ...next.items], cursor: next.next_cursor });
    } catch (err) {
      setMoreError(errorText(err));
    }
  };
  const decide = async (item: HeldItem, release: boolean) => {
    setMessage(null);
    try {
      if (release) await appApi.releaseHeld(project.slug, item.tracking_id);
      else await appApi.discardHeld(project.slug, item.tracking_id);
      setMore(null);
      setMessage({ ok: true, text: release ? `${item.tracking_id} was released: it is in the report queue now.` : `${item.tracking_id} was discarded.` });
      reload();
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) });
    }
  };
  return (
    <>
      <p className="breadcrumbs">
        <Link to="/app/projects">Projects</Link> › <Link to={`/app/p/${project.slug}/settings`}>{project.name}</Link> › Review queue
      </p>
      <h1>Review queue of {project.name}</h1>
      <p>
        Held submissions are not reports yet: no deadline runs and nobody was notified. Their senders got a tracking ID as usual and were not told why
        they wait. Release one to make it a report (its clocks start then), or discard it.
      </p>
      {!may && <p className="notice">Only admins and triagers review held submissions; you are a {project.role}.</p>}
      <OutcomeMessage outcome={message} />
      {may && list.state === 'loading' && <Loading what="the review queue" />}
      {may && list.state === 'error' && <ErrorMessage error={list.error} />}
      {may && list.state === 'ready' && (
        <>
          <p role="status">{list.data.total === 0 ? 'Nothing is waiting for review.' : `${list.data.total} submission${list.data.total === 1 ? '' : 's'} waiting for review.`}</p>
          <ul className="card-list card-list--wide" aria-label="Held submissions">
            {[...list.data.items, ...(more?.items ?? [])].map((item) => (
              <HeldCard key={item.tracking_id} slug={project.slug} item={item} onDecide={(release) => decide(item, release)} />
            ))}
          </ul>
          {moreError && (
            <p className="notice notice--error" role="alert">
              {moreError}
            </p>
          )}
          {cursor && (
            <p>
              <button type="button" className="button" onClick={() => void showMore()}>
                Show more held submissions
              </button>
            </p>
          )}
        </>
      )}
    </>
  );
}

function HeldCard({ slug, item, onDecide }: { slug: string; item: HeldItem; onDecide: (release: boolean) => Promise<void> }) {
  const [detail, setDetail] = useState<HeldDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const show = async () => {
    setError(null);
    try {
      setDetail(detail ? null : await appApi.heldDetail(slug, item.tracking_id));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <li className="card">
      <h2 className="card__title break-anywhere">
        {item.title} <span className="badge">{REASON_TEXT[item.reason]}</span>
      </h2>
      <dl className="facts">
        <dt>Tracking ID</dt>
        <dd>{item.tracking_id}</dd>
        <dt>Received</dt>
        <dd>
          {formatDate(item.received_at)} by {item.source}
        </dd>
      </dl>
      {detail && (
        <div className="break-anywhere">
          <h3>Description</h3>
          <p className="message__body">{detail.body.description}</p>
          {detail.body.steps_to_reproduce && (
            <>
              <h3>Steps to reproduce</h3>
              <p className="message__body">{detail.body.steps_to_reproduce}</p>
            </>
          )}
          <p className="muted">{detail.attachments === 0 ? 'No attachment.' : `${detail.attachments} attachment(s), readable once released.`}</p>
        </div>
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <p className="inline-form">
        <button type="button" className="button button--small" aria-expanded={!!detail} onClick={() => void show()}>
          {detail ? 'Hide report' : 'Read report'}
          <span className="visually-hidden"> {item.tracking_id}</span>
        </button>
        <button type="button" className="button button--small button--primary" onClick={() => void onDecide(true)}>
          Release<span className="visually-hidden"> {item.tracking_id}</span>
        </button>
        <ConfirmButton
          label={
            <>
              Discard<span className="visually-hidden"> {item.tracking_id}</span>
            </>
          }
          question={<>Discard {item.tracking_id}? It is deleted, and its sender’s link opens nothing from then on.</>}
          confirmLabel="Discard submission"
          onConfirm={() => onDecide(false)}
        />
      </p>
    </li>
  );
}
