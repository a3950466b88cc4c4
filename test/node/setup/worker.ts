/**
 * Starts the Worker the way it ships, for tests that must run in Node (libsodium, the Phase
 * SDK): the deployable bundle served on a loopback port over a fresh in-memory D1 (see
 * scripts/local-worker.ts). Tests reach it through `inject('workerUrl')`.
 */
import type { TestProject } from 'vitest/node';
import { buildBundle, startLocalWorker } from '../../../scripts/local-worker';

export default async function startWorker(project: TestProject) {
  const scriptPath = buildBundle('dist/test-bundle');
  const worker = await startLocalWorker(scriptPath, {
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'error',
  });
  project.provide('workerUrl', worker.origin);
  project.provide('bootstrapToken', worker.bootstrapToken);
  return async () => {
    await worker.mf.dispose();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    workerUrl: string;
    bootstrapToken: string;
  }
}
