#!/usr/bin/env bash
# Resume: push a SIZE_MIB (1,024) MiB file of random bytes to a ferry daemon
# on loopback, kill the client (SIGKILL) once the daemon has read CUT (90) %
# of it from the socket, then run the same push again and report the bytes
# the second run put on the wire (--stats, both directions) against the file
# size. Target (issue 4): about 100 - CUT % of the file is sent again.
#
# usage: bench/resume.sh                 (SIZE_MIB=1024 CUT=90)
#        SIZE_MIB=256 CUT=50 bench/resume.sh
set -euo pipefail
. "$(dirname "$0")/sync-common.sh"
SIZE_MIB="${SIZE_MIB:-1024}"
CUT="${CUT:-90}"
PORT="${PORT:-18880}"
REPEAT=1

d="$SCRATCH/resume"
dpid=""
trap '[ -n "$dpid" ] && kill "$dpid" 2>/dev/null; cleanup' EXIT

bench_init
rm -rf "$d" && mkdir -p "$d/src" "$d/mod"
"$GEN" big "$d/src/big.bin" "$d/unused.bin" "$SIZE_MIB"
rm -f "$d/unused.bin"
size=$(stat -c %s "$d/src/big.bin")
cat >"$d/ferryd.toml" <<CONF
listen = ["127.0.0.1:$PORT"]
log_file = "$d/ferryd.log"
timeout = "0s"
[module.m]
path = "$d/mod"
read_only = false
uid = 0
CONF
"$FERRY" serve --config "$d/ferryd.toml" &
dpid=$!
for i in $(seq 50); do
	"$FERRY" "ferry://127.0.0.1:$PORT/" >/dev/null 2>&1 && break
	[ "$i" = 50 ] && { echo "daemon did not come up" >&2; exit 1; }
	sleep 0.2
done
URL="ferry://127.0.0.1:$PORT/m/"
rchar() { awk '/^rchar/ { print $2 }' "/proc/$dpid/io"; }

# First run, paced (--bwlimit) so that the poll below cuts it close to CUT %.
want=$((size * CUT / 100))
r0=$(rchar)
"$FERRY" -a --bwlimit=200M "$d/src/" "$URL" &
cpid=$!
while kill -0 "$cpid" 2>/dev/null; do
	if [ $(($(rchar) - r0)) -ge "$want" ]; then
		kill -KILL "$cpid"
		break
	fi
	sleep 0.01
done
wait "$cpid" 2>/dev/null || true
got=$(($(rchar) - r0))
sleep 0.5 # the daemon notices the closed connection and keeps the partial file
partial=$(stat -c %s "$d/mod/.ferry-partial/big.bin" 2>/dev/null || echo 0)
echo "# first run cut after the daemon read $got bytes; partial file kept: $partial bytes ($(ratio "$partial" "$size")x the file)"

# Second run: the partial file is the basis.
drop_caches || true
t=$(timed "$FERRY" -a --stats "$d/src/" "$URL" 2>"$d/stats")
wire=$(awk -F: '/^Total bytes (sent|received)/ { gsub(/[ ,]/, "", $2); s += $2 } END { print s + 0 }' "$d/stats")
grep -E '^(Literal|Matched) data' "$d/stats" | sed 's/^/# second run: /'
cmp -s "$d/src/big.bin" "$d/mod/big.bin" || echo "WARNING: the resumed file differs from the source" >&2
[ -e "$d/mod/.ferry-partial/big.bin" ] && echo "WARNING: the partial file was left behind" >&2

echo
echo "resume: $SIZE_MIB MiB file, cut at $CUT% ($CACHE_NOTE)"
printf '%-40s %14s\n' "file size, bytes" "$size"
printf '%-40s %14s\n' "partial data kept, bytes" "$partial"
printf '%-40s %14s\n' "second run, bytes on the wire" "$wire"
printf '%-40s %14s\n' "second run, seconds" "$t"
printf '%-40s %14s   (about %s expected)\n' "second run on the wire / file size" "$(ratio "$wire" "$size")" "$(awk -v c="$CUT" 'BEGIN { printf "%.2f", (100 - c) / 100 }')"
