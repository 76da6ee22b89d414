/** Path segments that are credentials: reporter links and the mailing list's confirm/unsubscribe links. */
const SECRET_PATH_SEGMENT = /\/(reporter|confirm|unsubscribe)\/[^/?#]+/g;

/** The identity provider's redirect back carries an authorization code (and state) in its query. */
const SSO_CALLBACK_QUERY = /^(\/api\/v1\/sso\/callback)\?.*/;

/** Tokens that travel in the path must never reach a log line or an error message. */
export const redactUrl = (url: string): string => url.replace(SECRET_PATH_SEGMENT, '/$1/[redacted]').replace(SSO_CALLBACK_QUERY, '$1?[redacted]');
