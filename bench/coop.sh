#!/usr/bin/env bash
# Cooperating syncs (issue 15), both through ferry daemons on loopback:
#   (a) --parallel 4 against one stream, pulling a SIZE_MIB MiB tree of
#       FILES files from a daemon through bench/relay, a long-path
#       simulator (50 ms each way, at most 2 MiB in flight per connection
#       and direction: one stream moves at most ~20 MiB/s); target: the
#       parallel run's throughput >= 3x one stream's;
#   (b) 3 cooperating processes (--cooperate), each pulling from its own
#       daemon serving the same tree, each capped at RATE (the client's
#       --bwlimit), into one destination, against one process capped at
#       RATE; targets: wall time <= 0.4x, bytes received by the three
#       together <= 1.02x the one process's (their --stats).
# Medians of REPEAT runs (default 1 here: the runs are long).
#
# usage: bench/coop.sh                                   (quick: SIZE_MIB=256 FILES=2500 RATE=16M)
#        SIZE_MIB=1024 FILES=10000 RATE=16M bench/coop.sh (the issue's sizes)
#        PORT=18890 KEEP=1 ...                           (ports PORT..PORT+3; keep the data)
set -euo pipefail
REPEAT="${REPEAT:-1}"
. "$(dirname "$0")/sync-common.sh"
SIZE_MIB="${SIZE_MIB:-256}"
FILES="${FILES:-2500}"
RATE="${RATE:-16M}"
PORT="${PORT:-18890}"
PARTS="${PARTS:-ab}" # which of (a) and (b) to run
DIRS=$(((FILES + 99) / 100))

d="$SCRATCH/coop"
trap 'stop_daemons; cleanup' EXIT

bench_init
(cd "$BENCH_REPO" && go build -o "$SCRATCH/bin/relay" ./bench/relay)
rm -rf "$d" && mkdir -p "$d/tree"
echo "# generating $FILES files ($SIZE_MIB MiB) in $DIRS directories under $d/tree"
per_dir=$(((FILES + DIRS - 1) / DIRS))
fsize=$((SIZE_MIB * 1048576 / FILES))
for i in $(seq 0 $((DIRS - 1))); do
	mkdir -p "$d/tree/d$i"
	head -c $((per_dir * fsize)) /dev/urandom | split -b "$fsize" -a 4 -d - "$d/tree/d$i/f"
done

# Three daemons serving the tree (read-only modules), one relay before the first.
for k in 0 1 2; do
	cat >"$d/ferryd$k.toml" <<CONF
listen = ["127.0.0.1:$((PORT + k))"]
timeout = "0s"
log_file = "$d/ferryd$k.log"
[module.m]
path = "$d/tree"
CONF
	"$FERRY" serve --config "$d/ferryd$k.toml" &
	pids+=($!)
done
"$SCRATCH/bin/relay" -listen "127.0.0.1:$((PORT + 3))" -to "127.0.0.1:$PORT" -delay 50ms -window 2097152 &
pids+=($!)
for i in $(seq 50); do
	ok=1
	for k in 0 1 2 3; do "$FERRY" "ferry://127.0.0.1:$((PORT + k))/" >/dev/null 2>&1 || ok=0; done
	[ $ok = 1 ] && break
	[ "$i" = 50 ] && { echo "daemons did not come up" >&2; exit 1; }
	sleep 0.2
done
URL() { echo "ferry://127.0.0.1:$((PORT + $1))/m/"; }

# received FILE prints "Total bytes received" of a --stats output.
received() { awk -F: '/^Total bytes received/ { gsub(/[ ,]/, "", $2); print $2 + 0 }' "$1"; }

declare -A secs
# (a) through the relay: one stream, then four.
for i in $(seq "$REPEAT"); do
	[[ $PARTS == *a* ]] || break
	for mode in one par4; do
		dst="$d/a-$mode-$i"
		case $mode in
		one) cmd=("$FERRY" -a "$(URL 3)" "$dst/") ;;
		par4) cmd=("$FERRY" -a --parallel 4 "$(URL 3)" "$dst/") ;;
		esac
		drop_caches
		t=$(timed "${cmd[@]}" 2>"$d/a.err") || { cat "$d/a.err" >&2; exit 1; }
		secs[a-$mode]+="$t "
		same_tree "$d/tree" "$dst" || true
		echo "(a) run $i $mode: ${t}s"
		rm -rf "$dst"
	done
done

# (b) three cooperating capped processes against one.
declare -A bytes
for i in $(seq "$REPEAT"); do
	[[ $PARTS == *b* ]] || break
	dst="$d/b-one-$i"
	drop_caches
	t=$(timed "$FERRY" -a --stats --bwlimit="$RATE" "$(URL 0)" "$dst/" 2>"$d/one.stats") || { cat "$d/one.stats" >&2; exit 1; }
	tone=$t
	secs[b-one]+="$t "
	bytes[one]+="$(received "$d/one.stats") "
	same_tree "$d/tree" "$dst" || true
	rm -rf "$dst"

	dst="$d/b-coop-$i"
	drop_caches
	t0=$(now_ns)
	cpids=()
	for k in 0 1 2; do
		"$FERRY" -a --stats --cooperate --bwlimit="$RATE" "$(URL "$k")" "$dst/" >"$d/coop$k.stats" 2>&1 &
		cpids+=($!)
	done
	for k in 0 1 2; do wait "${cpids[$k]}" || { cat "$d/coop$k.stats" >&2; exit 1; }; done
	t1=$(now_ns)
	t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }')
	secs[b-coop]+="$t "
	sum=0
	for k in 0 1 2; do sum=$((sum + $(received "$d/coop$k.stats"))); done
	bytes[coop]+="$sum "
	same_tree "$d/tree" "$dst" || true
	echo "(b) run $i: one ${tone}s, 3 cooperating ${t}s; bytes received: one $(received "$d/one.stats"), three together $sum"
	rm -rf "$dst"
done

a1=$(median ${secs[a-one]:-0}) a4=$(median ${secs[a-par4]:-0})
b1=$(median ${secs[b-one]:-0}) b3=$(median ${secs[b-coop]:-0})
y1=$(median ${bytes[one]:-0}) y3=$(median ${bytes[coop]:-0})
tp() { awk -v s="$1" -v m="$SIZE_MIB" 'BEGIN { printf "%.1f", m / s }'; }
speed=$(ratio "$a1" "$a4")
echo
echo "# $SIZE_MIB MiB, $FILES files; $CACHE_NOTE"
[[ $PARTS == *a* ]] && echo "(a) relay 50 ms each way, 2 MiB window: one stream ${a1}s ($(tp "$a1") MiB/s), --parallel 4 ${a4}s ($(tp "$a4") MiB/s): ${speed}x  target >= 3x: $(awk -v r="$speed" 'BEGIN { print (r >= 3) ? "ok" : "MISSED" }')"
tr=$(ratio "$b3" "$b1") br=$(ratio "$y3" "$y1")
[[ $PARTS == *b* ]] && echo "(b) --bwlimit=$RATE each: one process ${b1}s, 3 cooperating ${b3}s: ${tr}x  target <= 0.4x: $(verdict "$tr" 0.4)"
[[ $PARTS == *b* ]] && echo "    bytes received: one $y1, three together $y3: ${br}x  target <= 1.02x: $(verdict "$br" 1.02)"
true
