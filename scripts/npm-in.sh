#!/usr/bin/env bash
# npm-in.sh DIR COMMAND...: runs COMMAND in DIR with DIR's node_modules exactly as its lockfile
# says. Several build directories share one checkout, so `npm ci` (which deletes
# node_modules first) runs only when the lockfile changed, under an exclusive lock, and
# commands run under a shared one: nothing reads node_modules while it is being replaced.
set -euo pipefail
dir=$(cd "$1" && pwd)
shift
exec 9>"$dir/.npm.lock"
flock 9
want=$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)
have=$(cat "$dir/node_modules/.mailmark-installed" 2>/dev/null || true)
if [ "$want" != "$have" ]; then
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$dir/node_modules/.mailmark-installed"
fi
flock -s 9
cd "$dir"
exec "$@"
