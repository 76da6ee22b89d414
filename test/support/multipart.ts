export interface UploadFile {
  /** Form field; the intake and reporter routes accept files only in "attachments". */
  field?: string;
  filename: string;
  data: Buffer | Uint8Array;
  /** What the client claims; the server must decide from the bytes, never from this. */
  type?: string;
}

/** A multipart/form-data body as a browser would send it (encoded by the platform's own FormData). */
export async function multipartBody(
  fields: Record<string, unknown>,
  files: UploadFile[] = [],
): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) form.append(k, String(v));
  for (const f of files) form.append(f.field ?? 'attachments', new Blob([f.data], { type: f.type ?? 'application/octet-stream' }), f.filename);
  const encoded = new Response(form);
  const payload = Buffer.from(await encoded.arrayBuffer());
  return { payload, headers: { 'content-type': encoded.headers.get('content-type') ?? '' } };
}

/** A real 1×1 PNG. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
/** Starts like a Linux executable (0x7f 'ELF'); the rest is harmless. */
export const ELF_BYTES = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(56)]);
/** Starts like a Windows executable ('MZ') followed by printable text, which must not pass as text/plain. */
export const EXE_BYTES = Buffer.from('MZ this program cannot be run in DOS mode\n');
