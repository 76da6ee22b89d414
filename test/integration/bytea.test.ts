import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';

// Sealed titles, bodies and attachments are bytea. On PGlite they are bound in binary format straight from the
// bytes (src/adapters/db/pglite-dialect.ts), so every shape of byte view must arrive whole and unshifted.
for (const engine of ENGINES) {
  describe(`bytea parameters on ${engine.name}`, () => {
    let rt: TestServer;
    before(async () => {
      rt = await startTestRuntime(engine);
      await sql`create temporary table bytea_probe (n int primary key, b bytea not null)`.execute(rt.ctx.db);
    });
    after(() => rt.close());

    test('every kind of byte view is stored and read back exactly', async () => {
      const pooled = Buffer.from('a small string lives in Node\'s shared pool');
      const big = randomBytes(70_000);
      const backing = new Uint8Array([9, 9, 0, 255, 1, 2, 9]);
      const cases: Array<[string, Uint8Array, Buffer]> = [
        ['empty', Buffer.alloc(0), Buffer.alloc(0)],
        ['every byte value', Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from(Array.from({ length: 256 }, (_, i) => i))],
        ['a pooled Buffer (non-zero offset in a shared ArrayBuffer)', pooled, Buffer.from(pooled)],
        ['a subarray of a plain Uint8Array', backing.subarray(2, 6), Buffer.from([0, 255, 1, 2])],
        ['70 KB of random bytes', big, Buffer.from(big)],
      ];
      for (const [i, [, value]] of cases.entries()) await sql`insert into bytea_probe (n, b) values (${i}, ${value})`.execute(rt.ctx.db);
      const { rows } = await sql<{ n: number; b: Buffer; len: number }>`select n, b, octet_length(b) as len from bytea_probe order by n`.execute(rt.ctx.db);
      for (const [i, [name, , expected]] of cases.entries()) {
        const row = rows[i];
        assert.ok(row && Buffer.isBuffer(row.b), `${name}: read back as a Buffer`);
        assert.equal(Number(row.len), expected.length, `${name}: the server holds exactly its bytes`);
        assert.ok(row.b.equals(expected), `${name}: same bytes`);
      }
    });

    test('something that is not bytes is refused for a bytea parameter, not stored as text', async () => {
      if (engine.name !== 'pglite') return; // pg's own serializer applies on PostgreSQL
      await assert.rejects(sql`insert into bytea_probe (n, b) values (${100}, ${'\\x00ff' as unknown as Uint8Array})`.execute(rt.ctx.db), /Invalid input for bytea/);
    });
  });
}
