#!/usr/bin/env bash
# Fails when db/schema has changes no migration captures: generates into a scratch copy of
# migrations/ and checks that drizzle-kit found nothing new to write.
set -euo pipefail
cd "$(dirname "$0")/.."
# drizzle-kit reads --out relative to the project, so the scratch copy lives inside it.
scratch=$(mktemp -d ./.migrations-check.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
cp -r migrations/. "$scratch/"
before=$(find "$scratch" -name '*.sql' | wc -l)
out=$(npx drizzle-kit generate --dialect sqlite --schema ./db/schema/index.ts --out "$scratch" 2>&1)
after=$(find "$scratch" -name '*.sql' | wc -l)
if [ "$after" -ne "$before" ]; then
  echo "db/schema changed without a migration: run npm run db:generate -- --name <verb_object>"
  exit 1
fi
if ! grep -q 'No schema changes' <<<"$out"; then
  echo "$out"
  echo "drizzle-kit could not compare db/schema with migrations/"
  exit 1
fi
echo "migrations match the schema"
