import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../adapters/db/schema.ts';
import type { Sealer } from '../adapters/crypto/sealer.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
export type DbOrTx = Db | Tx;

/** What every service needs; built once per process by the composition root. */
export interface ServiceContext {
  db: Db;
  sealer: Sealer;
  /** Time is injected so tests and the SLA clock agree on "now". */
  now: () => Date;
  publicUrl: string;
}
