#!/usr/bin/env node
// Checks the budgets the formatter cannot: file length, line width (strings included) and that
// every TODO/FIXME names an issue or slug. Prints each breach and exits 1 if there is any.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOTS = ['functions', 'db', 'test', 'scripts', 'bench'];
const SOURCE = /\.(ts|mjs|js|cjs)$/;
const MAX_COLUMNS = 100;
const SELF = 'scripts/check-style.mjs';

function budgetFor(path) {
  if (path.startsWith('test/')) return 600;
  if (path.startsWith('functions/routes/')) return 200;
  return 300;
}

function* walk(dir) {
  let names = [];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    // This file spells out the TODO pattern it looks for, so it would always flag itself.
    if (name === 'node_modules' || name === 'results' || path === SELF) continue;
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (SOURCE.test(name)) yield path;
  }
}

const breaches = [];
for (const root of ROOTS) {
  for (const path of walk(root)) {
    const lines = readFileSync(path, 'utf8').split('\n');
    if (lines.length > budgetFor(path)) {
      breaches.push(`${path}: ${lines.length} lines (budget ${budgetFor(path)})`);
    }
    lines.forEach((line, i) => {
      if (line.length > MAX_COLUMNS) breaches.push(`${path}:${i + 1}: ${line.length} columns`);
      if (/\b(TODO|FIXME)(?!\()/.test(line)) breaches.push(`${path}:${i + 1}: TODO without (#N)`);
    });
  }
}

for (const breach of breaches) console.error(breach);
if (breaches.length > 0) process.exit(1);
console.log('style budgets: ok');
