import { deflateRawSync } from 'node:zlib';

const u16 = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};

/**
 * A zip archive as a test needs it: entries stored or deflated, and with `zip64` every size, offset and
 * count written the ZIP64 way (saturated 32-bit fields, extra fields, ZIP64 end records), as streaming
 * writers and archives of more than 65,535 entries do. CRCs are left 0: the reader does not check them.
 */
export function buildZip(entries: { name: string; text: string | Buffer; deflate: boolean }[], zip64: boolean): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = Buffer.from(e.text);
    const data = e.deflate ? deflateRawSync(raw) : raw;
    const name = Buffer.from(e.name);
    const sat = (n: number) => u32(zip64 ? 0xffffffff : n);
    const local = Buffer.concat([u32(0x04034b50), u16(45), u16(0), u16(e.deflate ? 8 : 0), u16(0), u16(0), u32(0), sat(data.length), sat(raw.length), u16(name.length), u16(zip64 ? 20 : 0), name, zip64 ? Buffer.concat([u16(1), u16(16), u64(raw.length), u64(data.length)]) : Buffer.alloc(0), data]);
    const extra = zip64 ? Buffer.concat([u16(1), u16(24), u64(raw.length), u64(data.length), u64(offset)]) : Buffer.alloc(0);
    centrals.push(Buffer.concat([u32(0x02014b50), u16(45), u16(45), u16(0), u16(e.deflate ? 8 : 0), u16(0), u16(0), u32(0), sat(data.length), sat(raw.length), u16(name.length), u16(extra.length), u16(0), u16(0), u16(0), u32(0), sat(offset), name, extra]));
    locals.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(centrals);
  const end64 = zip64
    ? Buffer.concat([
        u32(0x06064b50), u64(44), u16(45), u16(45), u32(0), u32(0), u64(entries.length), u64(entries.length), u64(central.length), u64(offset),
        u32(0x07064b50), u32(0), u64(offset + central.length), u32(1),
      ])
    : Buffer.alloc(0);
  const count = zip64 ? 0xffff : entries.length;
  const end = Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(count), u16(count), u32(zip64 ? 0xffffffff : central.length), u32(zip64 ? 0xffffffff : offset), u16(0)]);
  return Buffer.concat([...locals, central, end64, end]);
}
