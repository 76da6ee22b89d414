import type { ServiceContext } from '../services/context.ts';

/**
 * A background job: `tick` does one bounded batch of work and returns how many items it handled. Several
 * instances may run the same job against one PostgreSQL database, so a tick must claim its work atomically in
 * SQL (e.g. `UPDATE … WHERE state = 'due' … RETURNING` or `FOR UPDATE SKIP LOCKED`); the runner adds no locking.
 */
export interface Job {
  name: string;
  intervalMs: number;
  tick(ctx: ServiceContext): Promise<number>;
}

export interface JobLogger {
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** Told of every tick that ends (the /metrics counters of job runs and failures). */
export type TickObserver = (job: string, outcome: 'ok' | 'failed', seconds: number) => void;

/** What /readyz reports of the jobs: off in this process, running on their timers, or stopped. */
export interface JobsState {
  state: 'off' | 'running' | 'stopped';
  /** Jobs whose last tick ended more than five intervals (at least five minutes) ago: a tick stuck in flight. */
  stalled: string[];
}

export interface RunningJobs {
  /** Runs every job's tick once, in order, now (tests and `embargo jobs run`). */
  runAllOnce(): Promise<Record<string, number>>;
  /** For readiness: whether the timers run and no tick is stuck (`now` is the wall clock, not the test clock). */
  state(now?: number): JobsState;
  /** Stops the timers and waits for ticks in flight. */
  stop(): Promise<void>;
}

/**
 * Runs each job on its own timer. A tick never overlaps itself: the next one is scheduled when the previous one
 * ends. A tick that handled a full batch runs again at once, so a backlog drains without waiting an interval.
 * A failing tick is logged and retried at the next interval; it never stops the process.
 */
export function startJobs(ctx: ServiceContext, jobs: readonly Job[], log: JobLogger, opts: { timers: boolean; onTick?: TickObserver }): RunningJobs {
  let stopped = false;
  const timers = new Map<string, NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  const started = Date.now();
  const lastEnded = new Map<string, number>();

  const runTick = async (job: Job): Promise<number> => {
    const t0 = performance.now();
    const p = job.tick(ctx);
    inFlight.add(p);
    let outcome: 'ok' | 'failed' = 'failed';
    try {
      const n = await p;
      outcome = 'ok';
      return n;
    } finally {
      inFlight.delete(p);
      lastEnded.set(job.name, Date.now());
      opts.onTick?.(job.name, outcome, (performance.now() - t0) / 1000);
    }
  };

  const schedule = (job: Job, delay: number) => {
    if (stopped) return;
    const t = setTimeout(async () => {
      let next = job.intervalMs;
      try {
        const handled = await runTick(job);
        if (handled > 0) next = 0;
      } catch (e) {
        log.error({ job: job.name, err: e instanceof Error ? e.message : String(e) }, 'job tick failed');
      }
      schedule(job, next);
    }, delay);
    t.unref();
    timers.set(job.name, t);
  };

  if (opts.timers) for (const job of jobs) schedule(job, Math.min(job.intervalMs, 1000));

  return {
    async runAllOnce() {
      const out: Record<string, number> = {};
      for (const job of jobs) out[job.name] = await runTick(job);
      return out;
    },
    state(now = Date.now()) {
      if (!opts.timers) return { state: 'off', stalled: [] };
      if (stopped) return { state: 'stopped', stalled: [] };
      const stalled = jobs.filter((j) => now - (lastEnded.get(j.name) ?? started) > Math.max(5 * j.intervalMs, 300_000)).map((j) => j.name);
      return { state: 'running', stalled };
    },
    async stop() {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      await Promise.allSettled([...inFlight]);
    },
  };
}
