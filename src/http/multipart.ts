import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.ts';
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
  req.body = fields;
  req.uploadedFiles = files;
}

export function registerUploadDecorator(app: { decorateRequest: (name: string, value: unknown) => unknown }): void {
  app.decorateRequest('uploadedFiles', null);
}
