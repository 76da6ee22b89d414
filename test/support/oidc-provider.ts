import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/**
 * A real OpenID Connect provider for the SSO tests: the `oidc-provider` package (a certified OP) on 127.0.0.1,
 * with one confidential client (Embargo) and an in-memory account store whose claims each test sets: `email`,
 * `email_verified`, `groups`, `name`. Its sign-in page is a minimal HTML form of ours (email and password; the
 * package's development pages load web fonts from the Internet, and these tests use no network): a browser fills
 * it in, and `login()` below walks it with a cookie-keeping HTTP client.
 *
 * As the package does by default for the code flow, the ID token carries `sub` only and the profile claims come
 * from UserInfo; `claimsInIdToken: true` puts them in the ID token instead.
 */

export interface IdpAccount {
  /** The subject: stays the same when a test changes the account's email. */
  sub: string;
  email?: string;
  email_verified?: boolean;
  groups?: string[];
  name?: string;
  password: string;
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Adds or replaces the account that signs in with `login` (the email typed in the form). */
  setAccount(login: string, account: IdpAccount): void;
  /** Follows an authorization URL through the sign-in form to the redirect back to the client: its full URL. */
  login(authorizationUrl: string, login: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title>
<style>body{font:16px system-ui,sans-serif;max-width:22rem;margin:3rem auto;padding:0 1rem}label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1.5rem;padding:.5rem 1rem}.error{color:#a00}</style>
</head><body><h1>${escape(title)}</h1>${body}</body></html>`;
}

function loginForm(uid: string, error: string | null, login = ''): string {
  return page(
    'Test identity provider',
    `<p>Sign in to continue to Embargo.</p>${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Email</label><input id="login" name="login" type="email" autocomplete="username" value="${escape(login)}" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>`,
  );
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startTestIdp(opts: { redirectUris: string[]; claimsInIdToken?: boolean }): Promise<TestIdp> {
  const accounts = new Map<string, IdpAccount>();
  const bySub = () => new Map([...accounts.values()].map((a) => [a.sub, a]));
  const clientId = 'embargo-test';
  const clientSecret = randomBytes(24).toString('base64url');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

  // The issuer's port is known once the server listens; the provider is made then.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: opts.redirectUris, grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post' }],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    conformIdTokenClaims: !opts.claimsInIdToken,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Every client must use PKCE (the default asks it of public clients only).
    pkce: { required: () => true },
    async findAccount(_ctx, sub) {
      const account = bySub().get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          const { password: _password, ...claims } = account;
          return claims;
        },
      };
    },
  });

  const callback = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/favicon.ico') {
      // The browser asks for it on the sign-in page; a 404 would be a console error in the e2e tests.
      res.writeHead(204).end();
      return;
    }
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(url.pathname);
    if (!m) {
      callback(req, res);
      return;
    }
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        const html = (status: number, body: string) => {
          res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
          res.end(body);
        };
        if (!m[2]) return html(200, loginForm(details.uid, null));
        const form = await readForm(req);
        const login = (form.get('login') ?? '').trim().toLowerCase();
        const account = accounts.get(login);
        if (!account || account.password !== form.get('password')) return html(200, loginForm(details.uid, 'Wrong email or password.', login));
        // Signing in consents too: Embargo is this provider's own client.
        const grant = new provider.Grant({ accountId: account.sub, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope));
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { login: { accountId: account.sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
      } catch (e) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`interaction failed: ${(e as Error).message}`);
      }
    })();
  });

  async function login(authorizationUrl: string, loginName: string, password?: string): Promise<string> {
    const jar = new Map<string, string>();
    const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const keep = (res: Response) => {
      for (const c of res.headers.getSetCookie()) {
        const [pair = ''] = c.split(';');
        const eq = pair.indexOf('=');
        jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
    };
    let url = authorizationUrl;
    let body: URLSearchParams | undefined;
    for (let hop = 0; hop < 10; hop++) {
      if (!url.startsWith(issuer)) return url;
      const res = await fetch(url, { redirect: 'manual', method: body ? 'POST' : 'GET', headers: { cookie: cookieHeader(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }, ...(body ? { body } : {}) });
      keep(res);
      body = undefined;
      const location = res.headers.get('location');
      if (location) {
        url = new URL(location, url).href;
        continue;
      }
      const text = await res.text();
      const action = /<form method="post" action="([^"]+)"/.exec(text)?.[1];
      if (res.status !== 200 || !action) throw new Error(`test IdP: ${res.status} at ${url}: ${text.slice(0, 500)}`);
      if (/role="alert"/.test(text)) throw new Error(`test IdP refused the sign-in of ${loginName}`);
      const account = accounts.get(loginName.toLowerCase());
      url = new URL(action.replaceAll('&#47;', '/'), url).href;
      body = new URLSearchParams({ login: loginName, password: password ?? account?.password ?? '' });
    }
    throw new Error('test IdP: too many redirects');
  }

  return {
    issuer,
    clientId,
    clientSecret,
    setAccount(loginName, account) {
      for (const [k, a] of accounts) if (a.sub === account.sub) accounts.delete(k);
      accounts.set(loginName.toLowerCase(), account);
    },
    login,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
