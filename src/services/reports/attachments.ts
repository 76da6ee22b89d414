import { DomainError } from '../../core/errors.ts';

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
