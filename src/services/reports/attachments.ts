import { randomUUID } from 'node:crypto';
import { DomainError } from '../../core/errors.ts';
import type { Sealer } from '../../adapters/crypto/sealer.ts';
import { sha256Hex } from '../../adapters/crypto/tokens.ts';
import { aad } from './store.ts';

export interface IncomingFile {
  filename: string;
  data: Buffer;
}

/** Types a proof of concept plausibly needs; executables and anything unrecognised but binary are refused. */
const ALLOWED_SNIFFED = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'application/zip',
  'application/gzip',
  'application/x-tar',
  'application/x-xz',
  'application/x-bzip2',
  'application/x-7z-compressed',
  'video/mp4',
  'video/webm',
  'video/quicktime',
  'application/vnd.tcpdump.pcap',
]);

const looksLikeText = (data: Buffer): boolean => {
  if (data.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
};

/** Decides the stored content type from the bytes, never from the client's claim. */
export async function sniffAttachment(file: IncomingFile, index: number): Promise<string> {
  // Loaded on the first attachment, not at start-up.
  const { fileTypeFromBuffer } = await import('file-type');
  const sniffed = await fileTypeFromBuffer(file.data);
  if (sniffed && ALLOWED_SNIFFED.has(sniffed.mime)) return sniffed.mime;
  if (!sniffed && looksLikeText(file.data)) return 'text/plain';
  throw new DomainError('unsupported_media_type', `Attachment "${file.filename}" has a type that is not accepted`, {
    problems: [{ field: `attachments.${index}`, message: `type ${sniffed?.mime ?? 'unknown binary'} is not accepted; send text, images, PDF, video or an archive` }],
  });
}

/** Keeps a name safe to show and to put in a Content-Disposition header. */
export const cleanFilename = (name: string): string =>
  name.replace(/[\\/]/g, '_').replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200) || 'attachment';

/** A file whose stored content type was decided from its bytes. */
export type SniffedFile = IncomingFile & { contentType: string };

/** Sniffs every file (refusing any whose type is not accepted) before anything is stored. */
export async function sniffAttachments(files: IncomingFile[]): Promise<SniffedFile[]> {
  const types = await Promise.all(files.map((f, i) => sniffAttachment(f, i)));
  return files.map((f, i) => ({ ...f, contentType: types[i] ?? 'application/octet-stream' }));
}

/** The stored columns of one attachment: a clean name, its hash, its bytes sealed under the report's AAD. */
export function sealAttachment(sealer: Sealer, reportId: string, file: SniffedFile) {
  const id = randomUUID();
  const sealed = sealer.seal(file.data, aad(reportId, `attachment:${id}`));
  return { id, filename: cleanFilename(file.filename), content_type: file.contentType, size: file.data.length, sha256: sha256Hex(file.data), content_sealed: sealed.sealed, key_id: sealed.keyId };
}

/** The bytes of a stored attachment (of any thread: the AAD binds them to their report and id). */
export const openAttachment = (sealer: Sealer, reportId: string, a: { id: string; key_id: string; content_sealed: Uint8Array }): Buffer =>
  sealer.open(a.key_id, a.content_sealed, aad(reportId, `attachment:${a.id}`));
