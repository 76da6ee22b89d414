import { renderSecurityMd } from '../../core/policy/render-security-md.ts';
import { renderSecurityTxt } from '../../core/policy/render-security-txt.ts';
import { UI_ROUTES, uiPath } from '../../core/ui-paths.ts';
import type { ServiceContext } from '../context.ts';
import { keyPublication, signWithProjectKey } from '../pgp/project-keys.ts';
import type { ProjectRecord } from './projects.ts';

/** Where a project's public documents live on this instance. */
export const projectUrls = (ctx: Pick<ServiceContext, 'publicUrl'>, p: ProjectRecord) => ({
  canonicalUrl: `${ctx.publicUrl}/projects/${p.slug}/.well-known/security.txt`,
  policyUrl: `${ctx.publicUrl}/api/v1/projects/${p.slug}/security.md`,
  reportUrl: `${ctx.publicUrl}${uiPath(UI_ROUTES.reportForm, { slug: p.slug })}`,
});

/** The project's RFC 9116 security.txt; cleartext-signed (RFC 9116 §2.3) when the project has a key. */
export async function securityTxtOf(ctx: ServiceContext, p: ProjectRecord): Promise<string> {
  const urls = projectUrls(ctx, p);
  const key = await keyPublication(ctx, p);
  // RFC 9116 only allows https web URIs: a plain-http deployment (local, behind no TLS) leaves them out.
  const https = ctx.publicUrl.startsWith('https://');
  const text = renderSecurityTxt(p.policy, {
    now: ctx.now(),
    ...(https
      ? {
          canonicalUrl: urls.canonicalUrl,
          reportUrl: urls.reportUrl,
          policyUrl: urls.policyUrl,
          csafUrl: `${ctx.publicUrl}/.well-known/csaf/provider-metadata.json`,
          ...(key ? { encryptionUrl: key.url } : {}),
          // The policy's own acknowledgments/hall_of_fame_url win; else Embargo's page (it exists only when the policy keeps one).
          ...(p.policy.recognition.hall_of_fame && !p.policy.recognition.hall_of_fame_url && !p.policy.contacts.security_txt?.acknowledgments
            ? { acknowledgmentsUrl: `${ctx.publicUrl}/projects/${p.slug}/hall-of-fame` }
            : {}),
        }
      : {}),
  });
  // Verifiable with `gpg --verify`.
  return (key ? await signWithProjectKey(ctx, p.id, text) : null) ?? text;
}

/** SECURITY.md rendered from the policy, naming the project's key when it has one. */
export async function securityMdOf(ctx: ServiceContext, p: ProjectRecord): Promise<string> {
  const key = await keyPublication(ctx, p);
  return renderSecurityMd(p.policy, { now: ctx.now(), reportUrl: projectUrls(ctx, p).reportUrl, ...(key ? { projectKey: key } : {}) });
}
