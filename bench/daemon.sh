#!/usr/bin/env bash
# ferry beside rsync, both through their daemons on loopback:
#   (a) pushing a tree of FILES files of 1-16 KiB into an empty module
#       (ferry -a vs rsync -a); target ferry <= 0.3x rsync's wall time;
#   (b) updating a SIZE_MIB MiB file already in the module (200 scattered
#       4 KiB edits, a 1 MiB insertion, a 1 MiB deletion): wall time
#       (target <= 1.0x) and total bytes on the wire, both directions
#       (target <= 0.35x). rsync's bytes are its --stats "Total bytes
#       sent/received"; ferry's are its --stats, cross-checked with the
#       daemon's own count of the connection (its log's bytes_in/bytes_out,
#       which also include the daemon greeting).
# Medians of REPEAT runs, the tools alternating.
#
# usage: bench/daemon.sh                             (quick: FILES=5000 SIZE_MIB=64)
#        FILES=100000 SIZE_MIB=1024 bench/daemon.sh  (the full benchmark)
#        PORT=18870 KEEP=1 ...                       (ports PORT, PORT+1; keep the data)
set -euo pipefail
. "$(dirname "$0")/sync-common.sh"
FILES="${FILES:-5000}"
SIZE_MIB="${SIZE_MIB:-64}"
PORT="${PORT:-18870}"
DIRS=$(((FILES + 99) / 100))

d="$SCRATCH/daemon"
trap 'stop_daemons; cleanup' EXIT

bench_init
rm -rf "$d" && mkdir -p "$d/tree" "$d/big" "$d/mod-ferry" "$d/mod-rsync"
echo "# generating $FILES files in $DIRS directories and a $SIZE_MIB MiB file pair under $d"
"$GEN" small "$d/tree" "$FILES" "$DIRS"
"$GEN" big "$d/big/old.bin" "$d/big/new.bin" "$SIZE_MIB"
mkdir -p "$d/big/new" && mv "$d/big/new.bin" "$d/big/new/big.bin"

# The daemons: a writable module each, on 127.0.0.1.
owner="" ferry_owner=""
if [ "$(id -u)" -eq 0 ]; then owner=$'uid = root\ngid = root'; ferry_owner="uid = 0"; fi # the same for both daemons
cat >"$d/rsyncd.conf" <<CONF
use chroot = no
$owner
pid file = $d/rsyncd.pid
log file = $d/rsyncd.log
[m]
path = $d/mod-rsync
read only = false
CONF
cat >"$d/ferryd.toml" <<CONF
listen = ["127.0.0.1:$((PORT + 1))"]
log_file = "$d/ferryd.log"
timeout = "0s"
[module.m]
path = "$d/mod-ferry"
read_only = false
$ferry_owner
CONF
"$RSYNC" --daemon --no-detach --config="$d/rsyncd.conf" --address=127.0.0.1 --port="$PORT" &
pids+=($!)
"$FERRY" serve --config "$d/ferryd.toml" &
pids+=($!)
for i in $(seq 50); do
	if "$RSYNC" "rsync://127.0.0.1:$PORT/" >/dev/null 2>&1 && "$FERRY" "ferry://127.0.0.1:$((PORT + 1))/" >/dev/null 2>&1; then
		break
	fi
	[ "$i" = 50 ] && { echo "daemons did not come up" >&2; exit 1; }
	sleep 0.2
done
RURL="rsync://127.0.0.1:$PORT/m"
FURL="ferry://127.0.0.1:$((PORT + 1))/m"

# stat_bytes FILE prints "Total bytes sent" + "Total bytes received" of a
# --stats output.
stat_bytes() {
	awk -F: '/^Total bytes (sent|received)/ { gsub(/[ ,]/, "", $2); s += $2 } END { print s + 0 }' "$1"
}
# ferryd_bytes prints bytes_in + bytes_out of the daemon's last transfer.
ferryd_bytes() {
	tail -n 20 "$d/ferryd.log" | grep 'msg=transfer' | tail -n 1 |
		sed -E 's/.*bytes_in=([0-9]+) bytes_out=([0-9]+).*/\1 \2/' | awk '{ print $1 + $2 }'
}

# (a) the tree into an empty module.
declare -A secs
tools="rsync ferry"
for i in $(seq "$REPEAT"); do
	for tool in $tools; do
		# A fresh destination per run, nothing deleted until the end: see
		# "Fairness" in bench/README.md (recently freed inodes).
		case $tool in
		rsync) cmd=("$RSYNC" -a "$d/tree/" "$RURL/tree-$i/") ;;
		ferry) cmd=("$FERRY" -a "$d/tree/" "$FURL/tree-$i/") ;;
		esac
		drop_caches
		t=$(timed "${cmd[@]}")
		secs[tree-$tool]+="$t "
		same_tree "$d/tree" "$d/mod-$tool/tree-$i" || true
		echo "tree run $i $tool: ${t}s"
	done
	tools="${tools#* } ${tools%% *}"
done

# (b) the big file, old version already in the module; the order starts
# afresh with rsync first, as in (a), rather than wherever (a) left it.
declare -A bytes
tools="rsync ferry"
for i in $(seq "$REPEAT"); do
	for tool in $tools; do
		rm -rf "$d/mod-$tool/big" && mkdir -p "$d/mod-$tool/big"
		cp -p "$d/big/old.bin" "$d/mod-$tool/big/big.bin"
		case $tool in
		rsync) cmd=("$RSYNC" -a --stats "$d/big/new/" "$RURL/big/") ;;
		ferry) cmd=("$FERRY" -a --stats "$d/big/new/" "$FURL/big/") ;;
		esac
		settle
		drop_caches
		t=$(timed "${cmd[@]}" 2>"$d/stats-$tool")
		secs[big-$tool]+="$t "
		b=$(stat_bytes "$d/stats-$tool")
		bytes[$tool]+="$b "
		extra=""
		if [ "$tool" = ferry ]; then extra="  (daemon log: $(ferryd_bytes) bytes)"; fi
		cmp -s "$d/big/new/big.bin" "$d/mod-$tool/big/big.bin" || echo "WARNING: $tool left a wrong big.bin" >&2
		echo "big run $i $tool: ${t}s, $b bytes on the wire$extra"
	done
	tools="${tools#* } ${tools%% *}"
done
grep -E '^(Literal|Matched) data' "$d/stats-ferry" | sed 's/^/# last ferry run: /'
grep -E '^(Literal|Matched) data' "$d/stats-rsync" | sed 's/^/# last rsync run: /'

tr=$(median ${secs[tree-rsync]}) tf=$(median ${secs[tree-ferry]})
br=$(median ${secs[big-rsync]}) bf=$(median ${secs[big-ferry]})
wr=$(median ${bytes[rsync]}) wf=$(median ${bytes[ferry]})
echo
echo "daemon: loopback daemons, median of $REPEAT ($CACHE_NOTE)"
printf '%-44s %12s %12s %7s %7s\n' case rsync ferry ratio target
row() { printf '%-44s %12s %12s %7s %7s %s\n' "$1" "$2" "$3" "$(ratio "$3" "$2")" "$4" "$(verdict "$(ratio "$3" "$2")" "$4")"; }
row "push $FILES files of 1-16 KiB, seconds" "$tr" "$tf" 0.3
row "update $SIZE_MIB MiB file, seconds" "$br" "$bf" 1.0
row "update $SIZE_MIB MiB file, bytes on the wire" "$wr" "$wf" 0.35
