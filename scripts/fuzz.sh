#!/usr/bin/env bash
# Runs every fuzz target of the module for a while each: the decoders of
# everything a peer sends (wire frames and messages, the daemon's
# handshake, rdiff files, filter rules, paths), docs/PROTOCOL.md "Limits".
#
#   scripts/fuzz.sh [seconds per target]    (default 30; CI: 10)
#
# New failing inputs land in the package's testdata/fuzz directory: commit
# them with the fix, and they stay in the ordinary test run.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
fail=0
while IFS= read -r line; do
	file="${line%%:*}"
	target="$(sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/' <<<"${line#*:}")"
	pkg="./$(dirname "$file")"
	echo "== $pkg $target (${secs}s)"
	if ! go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "${secs}s"; then
		fail=1
	fi
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . | sed -E 's|^\./||; s|:[0-9]+:|:|' | sort)
exit "$fail"
