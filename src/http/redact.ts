/** Path segments that are credentials: reporter links and the mailing list's confirm/unsubscribe links. */
const SECRET_PATH_SEGMENT = /\/(reporter|confirm|unsubscribe)\/[^/?#]+/g;

/** Tokens that travel in the path must never reach a log line or an error message. */
export const redactUrl = (url: string): string => url.replace(SECRET_PATH_SEGMENT, '/$1/[redacted]');
