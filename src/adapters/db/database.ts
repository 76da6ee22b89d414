import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

/** The database handle every service works through, and a transaction on it. */
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
export type DbOrTx = Db | Tx;
