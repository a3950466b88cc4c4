#!/usr/bin/env node
// `npm run kms:rotate`: re-wraps every stored keyring under the newest root key in
// KMS_ROOT_KEYS, one batch per request, printing progress. Interrupt it whenever you like and
// run it again: it carries on from where the data says it stopped.
//
//   CUSTODIAN_URL   the deployment (default http://127.0.0.1:8787)
//   BOOTSTRAP_TOKEN the operator secret (default: read from .dev.vars)
import { existsSync, readFileSync } from 'node:fs';

const base = process.env.CUSTODIAN_URL ?? 'http://127.0.0.1:8787';
const batchSize = Number(process.env.BATCH_SIZE ?? 100);

function operatorSecret() {
  if (process.env.BOOTSTRAP_TOKEN) return process.env.BOOTSTRAP_TOKEN;
  if (!existsSync('.dev.vars')) throw new Error('Set BOOTSTRAP_TOKEN (or run beside .dev.vars).');
  const line = readFileSync('.dev.vars', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('BOOTSTRAP_TOKEN='));
  return line?.slice('BOOTSTRAP_TOKEN='.length).trim();
}

async function rotateOnce(secret) {
  const res = await fetch(`${base}/v1/kms/rotate/`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ batch_size: batchSize }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`Rotation failed (${res.status}): ${body.error}`);
  return body;
}

async function main() {
  const secret = operatorSecret();
  let total = 0;
  for (;;) {
    const { currentVersion, rewrapped, remaining } = await rotateOnce(secret);
    total += rewrapped;
    console.log(`root key v${currentVersion}: ${total} re-wrapped, ${remaining} remaining`);
    if (remaining === 0) break;
    if (rewrapped === 0) throw new Error('No progress in a batch; see the Worker logs.');
  }
  console.log('Every stored envelope is under the newest root key.');
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
