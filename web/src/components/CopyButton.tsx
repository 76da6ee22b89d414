import { useState } from 'react';

/**
 * "Copy the <what>" and its outcome, read out by screen readers: "Copied.", or where the browser refuses the
 * clipboard, how to copy by hand. Renders inside the caller's paragraph.
 */
export function CopyButton({ text, what }: { text: string; what: string }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  return (
    <>
      <button
        type="button"
        className="button button--secondary"
        onClick={() =>
          navigator.clipboard.writeText(text).then(
            () => setCopied('yes'),
            () => setCopied('failed'),
          )
        }
      >
        Copy the {what}
      </button>{' '}
      <span role="status">{copied === 'yes' ? 'Copied.' : copied === 'failed' ? `Copying is not allowed here; select the ${what} and copy it.` : ''}</span>
    </>
  );
}
