#!/usr/bin/env bash
# Many small files: initial copy of FILES files of 1-16 KiB (random sizes,
# spread over DIRS directories), then a no-change re-run; ferry vs rsync -a.
# Targets: initial copy <= 0.6x rsync's wall time, no-change re-run <= 0.5x.
#
# usage: bench/sync-small.sh            (FILES=100000 DIRS=1000 REPEAT=3)
#        FILES=10000 REPEAT=1 bench/sync-small.sh
set -euo pipefail
. "$(dirname "$0")/sync-common.sh"
FILES="${FILES:-100000}"
DIRS="${DIRS:-1000}"
trap cleanup EXIT

bench_init
src="$SCRATCH/small/src"
echo "# generating $FILES files in $DIRS directories under $src"
rm -rf "$SCRATCH/small" && mkdir -p "$SCRATCH/small"
"$GEN" small "$src" "$FILES" "$DIRS"
du -sh "$src" | sed 's/^/# /'
drop_caches || true
tar cf /dev/null -C "$src" . # same starting cache state for the first tool

declare -A init noop warm
floor=""
for i in $(seq "$REPEAT"); do
	order="rsync ferry"
	[ $((i % 2)) -eq 0 ] && order="ferry rsync"
	for tool in $order; do
		# A fresh destination per run, nothing deleted until the end: see
		# "Fairness" in bench/README.md (recently freed inodes).
		dst="$SCRATCH/small/dst-$tool-$i"
		if [ "$tool" = rsync ]; then cmd=("$RSYNC" -a "$src/" "$dst/"); else cmd=("$FERRY" -a "$src/" "$dst/"); fi
		drop_caches || true
		t1=$(timed "${cmd[@]}")
		drop_caches || true
		t2=$(timed "${cmd[@]}")
		drop_caches || true
		"${cmd[@]}" >/dev/null # warms the cache: the re-run right after another
		t4=$(timed "${cmd[@]}")
		init[$tool]+="$t1 "
		noop[$tool]+="$t2 "
		warm[$tool]+="$t4 "
		echo "run $i $tool: initial ${t1}s, no-change ${t2}s, no-change warm ${t4}s   (${cmd[*]})"
	done
	drop_caches || true
	floor+="$("$SCRATCH/bin/walkfloor" "$src" "$SCRATCH/small/dst-ferry-$i") "
	same_tree "$src" "$SCRATCH/small/dst-ferry-$i" || true
done

ri=$(median ${init[rsync]}) fi=$(median ${init[ferry]})
rn=$(median ${noop[rsync]}) fn=$(median ${noop[ferry]})
rw=$(median ${warm[rsync]}) fw=$(median ${warm[ferry]}) fl=$(median $floor)
echo
echo "sync-small: $FILES files, $DIRS dirs, median of $REPEAT ($CACHE_NOTE)"
printf '%-18s %10s %10s %8s %8s\n' case "rsync s" "ferry s" ratio target
printf '%-18s %10s %10s %8s %8s %s\n' "initial copy" "$ri" "$fi" "$(ratio "$fi" "$ri")" 0.6 "$(verdict "$(ratio "$fi" "$ri")" 0.6)"
printf '%-18s %10s %10s %8s %8s %s\n' "no-change re-run" "$rn" "$fn" "$(ratio "$fn" "$rn")" 0.5 "$(verdict "$(ratio "$fn" "$rn")" 0.5)"
printf '%-18s %10s %10s %8s\n' "no-change, warm" "$rw" "$fw" "$(ratio "$fw" "$rw")"
echo
echo "floor of a cold no-change run: lstat of both trees, 16 at a time, nothing else (bench/walkfloor): ${fl}s = $(ratio "$fl" "$rn")x rsync's"
