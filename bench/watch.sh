#!/usr/bin/env bash
# ferry watch beside lsyncd (its default.rsync mode, set for its fastest
# replication: delay = 0), each replicating a local SRC into its own DEST
# on this machine, measured from outside by bench/watchprobe:
#   (a) latency from a file's close in SRC to its complete copy in DEST,
#       over N single-file writes of SIZE bytes at RATE per second: median
#       and p99 (issue 12's target for ferry: p50 <= 50 ms, p99 <= 250 ms);
#   (b) a tar of FILES files (1-16 KiB) extracted into SRC: seconds from
#       the end of the extraction until DEST equals SRC (target <= 2 s and
#       <= 0.5x lsyncd's);
#   (c) renaming a BIG_MIB MiB file, and a directory of DIR_FILES files:
#       seconds until DEST equals SRC, and bytes written anew in DEST
#       (files whose inode is new: a rename rewrites nothing).
# Then the ratios ferry/lsyncd. lsyncd is installed with apt-get when
# missing.
#
# usage: bench/watch.sh                  (quick: N=200 FILES=5000 BIG_MIB=256 DIR_FILES=5000)
#        N=1000 FILES=20000 BIG_MIB=1024 DIR_FILES=10000 bench/watch.sh   (issue 12's sizes)
#        WATCHER=fanotify ...            (ferry's watcher; fanotify needs CAP_SYS_ADMIN)
#        KEEP=1 ...                      (keep the data in $FERRY_BENCH_DIR/watch)
set -euo pipefail
. "$(dirname "$0")/sync-common.sh"
N="${N:-200}"
RATE="${RATE:-10}"
SIZE="${SIZE:-4096}"
FILES="${FILES:-5000}"
BIG_MIB="${BIG_MIB:-256}"
DIR_FILES="${DIR_FILES:-5000}"
TIMEOUT="${TIMEOUT:-600s}"
WATCHER="${WATCHER:-auto}" # ferry watch --watcher: auto, inotify, fanotify

if ! command -v lsyncd >/dev/null 2>&1; then
	echo "# installing lsyncd"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq lsyncd >/dev/null
fi

d="$SCRATCH/watch"
PROBE="$SCRATCH/bin/watchprobe"
pid=""
stop_tool() {
	if [ -n "$pid" ]; then
		kill -INT "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		pid=""
	fi
}
trap 'stop_tool; [ -n "${KEEP:-}" ] || rm -rf "$d"' EXIT

bench_init
(cd "$BENCH_REPO" && go build -o "$PROBE" ./bench/watchprobe)
echo "# $(lsyncd --version 2>&1 | head -1); ferry watch --watcher $WATCHER"
rm -rf "$d" && mkdir -p "$d/gen"
echo "# generating: a tar of $FILES files, a $BIG_MIB MiB file, a directory of $DIR_FILES files"
"$GEN" small "$d/gen/tree" "$FILES" $(((FILES + 99) / 100))
tar -C "$d/gen" -cf "$d/tree.tar" tree
rm -rf "$d/gen/tree"
head -c "$((BIG_MIB << 20))" /dev/urandom >"$d/gen/big"
"$GEN" small "$d/gen/many" "$DIR_FILES" 1

declare -A R
run() { # run TOOL: starts TOOL on a fresh SRC and DEST, measures, stops it
	local tool=$1 src="$d/$1-src" dst="$d/$1-dst"
	rm -rf "$src" "$dst" && mkdir -p "$src" "$dst"
	cp -a "$d/gen/big" "$d/gen/many" "$src/"
	case $tool in
	ferry)
		"$FERRY" watch --watcher "$WATCHER" --delete "$src/" "$dst/" >"$d/ferry.log" 2>&1 &
		;;
	lsyncd)
		cat >"$d/lsyncd.conf" <<CONF
settings { nodaemon = true, logfile = "$d/lsyncd.log", statusFile = "$d/lsyncd.status" }
sync { default.rsync, source = "$src/", target = "$dst/", delay = 0, rsync = { archive = true } }
CONF
		lsyncd "$d/lsyncd.conf" >"$d/lsyncd.out" 2>&1 &
		;;
	esac
	pid=$!
	local t
	t=$("$PROBE" converge "$src" "$dst" "$TIMEOUT")
	echo "$tool: initial sync ${t}s"
	read -r R[$tool.p50] R[$tool.p99] < <("$PROBE" latency "$src" "$dst" "$N" "$RATE" "$SIZE")
	echo "$tool: latency over $N writes of $SIZE B at $RATE/s: p50 ${R[$tool.p50]} ms, p99 ${R[$tool.p99]} ms"
	"$PROBE" converge "$src" "$dst" "$TIMEOUT" >/dev/null
	tar -C "$src" -xf "$d/tree.tar"
	R[$tool.tar]=$("$PROBE" converge "$src" "$dst" "$TIMEOUT")
	echo "$tool: tar of $FILES files: replica equal ${R[$tool.tar]}s after the extraction"
	for what in big many; do
		"$PROBE" inodes "$dst" >"$d/inodes"
		mv "$src/$what" "$src/$what.renamed"
		R[$tool.$what]=$("$PROBE" converge "$src" "$dst" "$TIMEOUT")
		R[$tool.$what.bytes]=$("$PROBE" rewritten "$dst" "$d/inodes")
		echo "$tool: rename of $what: replica equal in ${R[$tool.$what]}s, ${R[$tool.$what.bytes]} bytes written anew"
	done
	same_tree "$src" "$dst" || true
	stop_tool
}
run ferry
run lsyncd

echo
echo "| measure | ferry | lsyncd | ferry/lsyncd |"
echo "|---|---:|---:|---:|"
row() { echo "| $1 | $2 | $3 | $(ratio "$2" "$3") |"; }
row "latency p50 (ms)" "${R[ferry.p50]}" "${R[lsyncd.p50]}"
row "latency p99 (ms)" "${R[ferry.p99]}" "${R[lsyncd.p99]}"
row "tar of $FILES files, to equal (s)" "${R[ferry.tar]}" "${R[lsyncd.tar]}"
row "rename $BIG_MIB MiB file (s)" "${R[ferry.big]}" "${R[lsyncd.big]}"
row "rename $BIG_MIB MiB file (bytes written)" "${R[ferry.big.bytes]}" "${R[lsyncd.big.bytes]}"
row "rename dir of $DIR_FILES files (s)" "${R[ferry.many]}" "${R[lsyncd.many]}"
row "rename dir of $DIR_FILES files (bytes written)" "${R[ferry.many.bytes]}" "${R[lsyncd.many.bytes]}"
echo
echo "targets (issue 12): p50 <= 50 ms: $(verdict "${R[ferry.p50]}" 50); p99 <= 250 ms: $(verdict "${R[ferry.p99]}" 250);" \
	"tar <= 2 s: $(verdict "${R[ferry.tar]}" 2); tar <= 0.5x lsyncd: $(verdict "$(ratio "${R[ferry.tar]}" "${R[lsyncd.tar]}")" 0.5)"
