/**
 * Checks a safetensors file's header (8-byte little-endian length, then that much JSON): the length within the
 * file and at most 100 MB, each tensor's dtype known, its shape non-negative integers whose element count times
 * the dtype's size equals its byte range, every range inside the data and the ranges tiling it without gaps or
 * overlaps. Only the header and the file size are needed.
 */
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, F8_E8M0: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, C64: 8, F64: 8, I64: 8, U64: 8,
};

export const MAX_SAFETENSORS_HEADER = 100_000_000;
const MAX_TENSORS = 1_000_000;

/** The header length the first 8 bytes announce (as a JS number; > 2^53 reads as Infinity). */
export function safetensorsHeaderLength(first8: Uint8Array): number {
  if (first8.length < 8) return Number.POSITIVE_INFINITY;
  let n = 0;
  for (let i = 7; i >= 0; i--) n = n * 256 + (first8[i] ?? 0);
  return n;
}

/** Problems with the header (empty when it is sound). `header` is the JSON bytes; `fileSize` the whole file's. */
export function checkSafetensors(headerLength: number, header: Uint8Array | null, fileSize: number): string[] {
  if (fileSize < 8) return ['shorter than the 8-byte header length'];
  if (!Number.isFinite(headerLength) || headerLength > MAX_SAFETENSORS_HEADER) return [`header length ${headerLength} is over the 100 MB limit`];
  if (headerLength + 8 > fileSize) return [`header length ${headerLength} runs past the end of the ${fileSize}-byte file`];
  if (!header || header.length !== headerLength) return ['header cut short'];
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(header));
  } catch {
    return ['header is not UTF-8 JSON'];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return ['header is not a JSON object'];
  const dataSize = fileSize - 8 - headerLength;
  const problems: string[] = [];
  const ranges: [number, number, string][] = [];
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length > MAX_TENSORS) return [`more than ${MAX_TENSORS} tensors`];
  for (const [name, value] of entries) {
    if (problems.length >= 20) break;
    const shown = JSON.stringify(name.slice(0, 80));
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
        problems.push('__metadata__ must map strings to strings');
      }
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`${shown} is not a tensor description`);
      continue;
    }
    const t = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const size = typeof t.dtype === 'string' ? DTYPE_BYTES[t.dtype] : undefined;
    if (size === undefined) problems.push(`${shown} has an unknown dtype ${JSON.stringify(t.dtype)?.slice(0, 40)}`);
    const shapeOk = Array.isArray(t.shape) && t.shape.length <= 64 && t.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0);
    if (!shapeOk) problems.push(`${shown} has a shape that is not a list of non-negative integers`);
    const offsets = t.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
      problems.push(`${shown} has data_offsets that are not two non-negative integers`);
      continue;
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) problems.push(`${shown} ends before it begins`);
    else if (end > dataSize) problems.push(`${shown} ends at ${end}, past the ${dataSize} bytes of data`);
    else ranges.push([begin, end, shown]);
    if (size !== undefined && shapeOk) {
      const elements = (t.shape as number[]).reduce((a, d) => a * d, 1);
      if (elements * size !== end - begin) problems.push(`${shown} holds ${end - begin} bytes, but ${t.dtype as string}${JSON.stringify(t.shape)} needs ${elements * size}`);
    }
  }
  if (!problems.length) {
    ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let at = 0;
    for (const [begin, end, shown] of ranges) {
      if (begin < at) {
        problems.push(`${shown} overlaps the tensor before it`);
        break;
      }
      if (begin > at) {
        problems.push(`a gap of ${begin - at} bytes before ${shown}`);
        break;
      }
      at = end;
    }
    if (!problems.length && at !== dataSize) problems.push(`${dataSize - at} bytes after the last tensor are not described`);
  }
  return problems;
}
