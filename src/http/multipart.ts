import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { DomainError, isDomainError } from '../core/errors.ts';
import type { IncomingFile } from '../services/reports/attachments.ts';

declare module 'fastify' {
  interface FastifyRequest {
    uploadedFiles: IncomingFile[];
  }
}

/**
 * Reads a multipart form into plain fields (validated afterwards by the route schema like a JSON body) and
 * buffered files. Size and count limits are enforced by @fastify/multipart while streaming (413).
 */
export async function readMultipart(req: FastifyRequest, fileField: string): Promise<void> {
  const fields: Record<string, string> = {};
  const files: IncomingFile[] = [];
  try {
    await readParts(req, fileField, fields, files);
  } catch (e) {
    // Limits (413) and our own refusals pass through; anything else is a body that is not multipart as declared.
    if (isDomainError(e) || typeof (e as { statusCode?: unknown }).statusCode === 'number') throw e;
    throw DomainError.validation([{ field: 'body', message: `is not a readable multipart/form-data body: ${e instanceof Error ? e.message : String(e)}` }]);
  }
  req.body = fields;
  req.uploadedFiles = files;
}

async function readParts(req: FastifyRequest, fileField: string, fields: Record<string, string>, files: IncomingFile[]): Promise<void> {
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== fileField) {
        await part.toBuffer();
        throw DomainError.validation([{ field: part.fieldname, message: `files are accepted only in the "${fileField}" field` }]);
      }
      const data = await part.toBuffer();
      if (data.length) files.push({ filename: part.filename, data });
    } else if (typeof part.value === 'string') {
      if (part.fieldname in fields) throw DomainError.validation([{ field: part.fieldname, message: 'is given more than once' }]);
      fields[part.fieldname] = part.value;
    }
  }
}

export function registerUploadDecorator(app: { decorateRequest: (name: string, value: unknown) => unknown }): void {
  app.decorateRequest('uploadedFiles', null);
}
