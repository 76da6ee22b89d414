import { hash, verify } from '@node-rs/argon2';

// argon2id with OWASP's second recommended profile (19 MiB, t=2, p=1).
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Hash of a random password, verified against when the user does not exist, so timing does not reveal accounts. */
let dummy: Promise<string> | null = null;
export const dummyPasswordHash = (): Promise<string> => (dummy ??= hashPassword('embargo-dummy-password'));

export { PASSWORD_MIN_LENGTH } from '../../core/access/passwords.ts';
