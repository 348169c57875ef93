#!/usr/bin/env bash
# `npm test`: every check and every test, in the order that fails fastest.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

if [ ! -x /usr/bin/chromium ]; then
	echo "Chromium is missing: installing Debian's package (needs root)…"
	if [ "$(id -u)" = 0 ]; then
		(apt-get install -y chromium >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y chromium >/dev/null))
	elif command -v sudo >/dev/null; then
		sudo apt-get install -y chromium >/dev/null
	else
		echo "Run: sudo apt-get install -y chromium   (then npm test again)" >&2
		exit 1
	fi
fi

echo "== lint"; npm run --silent lint
echo "== types"; npm run --silent check
# The build before the unit tests: the server specs of the static files read it.
echo "== build"; npm run --silent build
echo "== unit"; npx vitest run
echo "== e2e"; npx playwright test
