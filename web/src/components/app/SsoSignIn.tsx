import { useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { useLoad } from '../../hooks.ts';
import { isSsoErrorCode, SSO_ERRORS } from '../../../../src/core/access/sso.ts';

/**
 * Single sign-on on the sign-in page: "Sign in with <label>" when the server has an OpenID Connect provider
 * configured (GET /api/v1/sso), and, after a refused attempt, why in words. The server's callback redirects a
 * refusal to /app?sso=<code>; only the code travels in the address, the words are these (src/core/access/sso.ts).
 */
export function SsoSignIn() {
  const [status] = useLoad(() => api.ssoStatus(), []);
  const [refusal] = useState(() => {
    const code = new URLSearchParams(window.location.search).get('sso');
    if (code === null) return null;
    return isSsoErrorCode(code) ? SSO_ERRORS[code] : 'Single sign-on did not sign you in.';
  });
  useEffect(() => {
    // Shown once: a reload or a bookmark of the page does not bring the message back.
    const url = new URL(window.location.href);
    if (!url.searchParams.has('sso')) return;
    url.searchParams.delete('sso');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  }, []);
  return (
    <>
      {refusal && (
        <div className="notice notice--error" role="alert">
          <h2 className="sso__title">Single sign-on refused</h2>
          <p>{refusal}</p>
        </div>
      )}
      {status.state === 'ready' && status.data.enabled && (
        <div className="sso">
          <a className="button button--primary sso__button" href={api.ssoStartUrl}>
            Sign in with {status.data.label}
          </a>
          <p className="sso__or muted">or with your email and password:</p>
        </div>
      )}
    </>
  );
}
