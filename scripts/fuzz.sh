#!/usr/bin/env bash
# Runs every fuzz target of the module for a while each: the decoders of
# everything a peer sends (wire frames and messages, the daemon's
# handshake, rdiff files, filter rules, paths), docs/PROTOCOL.md "Limits".
#
#   scripts/fuzz.sh [seconds per target]    (default 30)
#   scripts/fuzz.sh 20000x                  (a count of inputs per target: CI)
#
# Go's fuzzer can end a timed run with "context deadline exceeded" and no
# failing input when its workers are slow to stop (a loaded machine): a
# target that fails without writing a new input to testdata/fuzz is run
# once more before it counts as failed.
#
# New failing inputs land in the package's testdata/fuzz directory: commit
# them with the fix, and they stay in the ordinary test run.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
case "$secs" in
*x) fuzztime="$secs" ;;
*) fuzztime="${secs}s" ;;
esac
fail=0
while IFS= read -r line; do
	file="${line%%:*}"
	target="$(sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/' <<<"${line#*:}")"
	pkg="./$(dirname "$file")"
	echo "== $pkg $target ($fuzztime)"
	before="$( (find "$pkg/testdata/fuzz/$target" -type f 2>/dev/null || true) | wc -l)"
	if ! go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime"; then
		after="$( (find "$pkg/testdata/fuzz/$target" -type f 2>/dev/null || true) | wc -l)"
		if [ "$after" != "$before" ]; then
			fail=1 # a failing input was found and written
		elif ! go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime"; then
			fail=1
		fi
	fi
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . | sed -E 's|^\./||; s|:[0-9]+:|:|' | sort)
exit "$fail"
