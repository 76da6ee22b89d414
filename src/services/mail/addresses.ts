import { randomBytes } from 'node:crypto';
import { hashToken } from '../../adapters/crypto/tokens.ts';
import type { Insertable } from 'kysely';
import type { MailReplyAddressesTable } from '../../adapters/db/schema-mail.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';

/**
 * Per-report reply addresses: `<local>+r-<token>@<domain>` of the project's security address. The token is 160
 * random bits in lower-case base32 (mail systems may fold the case of local parts), unguessable, stored hashed
 * for lookup and sealed so later mails can name the same address again.
 */
const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function newReplyToken(): string {
  const bytes = randomBytes(20);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += TOKEN_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export const normalizeAddress = (address: string): string => address.trim().toLowerCase();
export const addressHash = (address: string): string => hashToken(`mail-address:${normalizeAddress(address)}`);
const tokenHash = (token: string): string => hashToken(`reply:${token.toLowerCase()}`);
const aadFor = (reportId: string) => `mail-reply:${reportId}`;

/** `security@example.org` + token → `security+r-<token>@example.org`. */
export function replyAddress(securityAddress: string, token: string): string {
  const at = securityAddress.lastIndexOf('@');
  return `${securityAddress.slice(0, at)}+r-${token}${securityAddress.slice(at)}`;
}

/** Splits `local+r-<token>@domain` into the base address and the token; null when it is not a reply address. */
export function parseReplyAddress(address: string): { base: string; token: string } | null {
  const m = /^([^@+]+)\+r-([a-z2-7]{32})@(.+)$/i.exec(address.trim());
  return m ? { base: `${m[1]}@${m[3]}`.toLowerCase(), token: (m[2] as string).toLowerCase() } : null;
}

/** The report's reply token, made on first use (the acknowledgement), bound to the reporter's address. */
export async function ensureReplyToken(db: DbOrTx, ctx: ServiceContext, reportId: string, reporterAddress: string): Promise<string> {
  const existing = await replyTokenOf(db, ctx, reportId);
  if (existing) return existing;
  const { token, row } = newReplyAddressRow(ctx, reportId, reporterAddress);
  await db.insertInto('mail_reply_addresses').values(row).execute();
  return token;
}

/** A new reply token for a report and its row (sealed, hashed), for callers that insert many at once. */
export function newReplyAddressRow(ctx: Pick<ServiceContext, 'sealer'>, reportId: string, reporterAddress: string): { token: string; row: Insertable<MailReplyAddressesTable> } {
  const token = newReplyToken();
  const sealed = ctx.sealer.seal(token, aadFor(reportId));
  return { token, row: { report_id: reportId, token_hash: tokenHash(token), token_sealed: sealed.sealed, key_id: sealed.keyId, reporter_hash: addressHash(reporterAddress) } };
}

export async function replyTokenOf(db: DbOrTx, ctx: ServiceContext, reportId: string): Promise<string | null> {
  const row = await db.selectFrom('mail_reply_addresses').select(['token_sealed', 'key_id']).where('report_id', '=', reportId).executeTakeFirst();
  return row ? ctx.sealer.open(row.key_id, row.token_sealed, aadFor(reportId)).toString('utf8') : null;
}

/**
 * The report of `projectId` a reply token belongs to, and whether `sender` is the reporter it was made for. A token
 * of another project's report (sent through this project's address) is no reply here.
 */
export async function reportForReplyToken(db: DbOrTx, projectId: string, token: string, sender: string | null): Promise<{ reportId: string; senderMatches: boolean } | null> {
  const row = await db
    .selectFrom('mail_reply_addresses')
    .innerJoin('reports', 'reports.id', 'mail_reply_addresses.report_id')
    .select(['mail_reply_addresses.report_id', 'mail_reply_addresses.reporter_hash'])
    .where('mail_reply_addresses.token_hash', '=', tokenHash(token))
    .where('reports.project_id', '=', projectId)
    .executeTakeFirst();
  if (!row) return null;
  return { reportId: row.report_id, senderMatches: sender !== null && addressHash(sender) === row.reporter_hash };
}
