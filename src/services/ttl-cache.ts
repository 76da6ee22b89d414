/** A small per-process cache whose entries expire after `ttlMs` of the caller's clock (a clock moved back misses). */
export class TtlCache<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();
  constructor(private readonly ttlMs: number) {}

  get(key: string, nowMs: number): T | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    const age = nowMs - hit.at;
    return age >= 0 && age < this.ttlMs ? hit.value : undefined;
  }

  set(key: string, value: T, nowMs: number): void {
    this.entries.set(key, { value, at: nowMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
