/**
 * The cron entry point. Each housekeeping task runs on its own, so one failing task neither hides
 * nor stops the others, and each outcome is one log line.
 */
import type { HousekeepingTask } from './housekeeping/task';
import { tokenSweep } from './housekeeping/token-sweep';
import { createLogger, parseLogLevel } from './log';

export type { HousekeepingTask };

/** Tasks run on every cron tick; each capability that needs a sweep registers one here. */
export const HOUSEKEEPING_TASKS: HousekeepingTask[] = [tokenSweep];

/** Runs every task and reports how many failed. */
export async function runScheduled(
  controller: Pick<ScheduledController, 'scheduledTime' | 'cron'>,
  env: Env,
  tasks: readonly HousekeepingTask[] = HOUSEKEEPING_TASKS
): Promise<number> {
  const log = createLogger(parseLogLevel(env.LOG_LEVEL), { cron: controller.cron });
  const outcomes = await Promise.allSettled(
    tasks.map((task) => task.run(env, controller.scheduledTime))
  );
  let failures = 0;
  outcomes.forEach((outcome, i) => {
    const task = tasks[i]?.name;
    if (outcome.status === 'fulfilled')
      log.info('housekeeping done', { task, count: outcome.value });
    else {
      failures += 1;
      log.error('housekeeping failed', { task, error: outcome.reason });
    }
  });
  return failures;
}
