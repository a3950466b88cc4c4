/** One piece of cron housekeeping: returns a count of what it did, for the log. */
export interface HousekeepingTask {
  name: string;
  run(env: Env, nowMs: number): Promise<number>;
}
