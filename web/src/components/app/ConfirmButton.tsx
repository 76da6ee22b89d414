import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/**
 * A button for an action that cannot be taken back (revoking a token, disabling an account): the first press
 * only asks, in place, what will happen; the action runs after "confirm". Focus moves to the confirming button,
 * and back to the first one on "Cancel". `onConfirm` reports its own errors (the caller shows them).
 */
export function ConfirmButton({ label, question, confirmLabel, onConfirm }: { label: ReactNode; question: ReactNode; confirmLabel: string; onConfirm: () => Promise<void> }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const questionId = useId();
  const confirm = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  useEffect(() => {
    if (asking) confirm.current?.focus();
    else if (wasAsking.current) opener.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <button type="button" ref={opener} className="button button--small button--danger" onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  const run = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      // The list usually reloads without this row's button; when it stays (an error), it asks again next time.
      if (mounted.current) {
        setBusy(false);
        setAsking(false);
      }
    }
  };
  return (
    <div className="confirm" role="group" aria-labelledby={questionId}>
      <p id={questionId} className="confirm__question">
        {question}
      </p>
      <p className="confirm__actions">
        <button type="button" ref={confirm} className="button button--small button--danger-strong" disabled={busy} onClick={() => void run()}>
          {confirmLabel}
        </button>
        <button type="button" className="button button--small button--secondary" disabled={busy} onClick={() => setAsking(false)}>
          Cancel
        </button>
      </p>
    </div>
  );
}
