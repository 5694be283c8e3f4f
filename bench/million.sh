#!/usr/bin/env bash
# Memory at scale: syncs FILES empty files in a three-level tree
# (100 x 100 x FILES/10000; 100x100x100 for the default 1,000,000) and the
# same with a tenth of the files, measuring ferry's peak RSS with
# /usr/bin/time -v (rsync's too, for reference). Targets: peak RSS < 100 MiB
# and RSS(FILES) <= 1.5x RSS(FILES/10).
#
# usage: bench/million.sh                 (FILES=1000000; slow: minutes)
#        FILES=100000 bench/million.sh
#        RSYNC_RSS=0 bench/million.sh     (skip the rsync reference runs)
set -euo pipefail
. "$(dirname "$0")/sync-common.sh"
FILES="${FILES:-1000000}"
trap cleanup EXIT

if [ ! -x /usr/bin/time ]; then
	echo "# installing GNU time"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get install -y -qq time >/dev/null
fi
bench_init
c=$((FILES / 10000))
[ "$c" -ge 1 ] && [ $((c % 10)) -eq 0 ] || { echo "FILES must be a multiple of 100000" >&2; exit 1; }
d="$SCRATCH/million"
rm -rf "$d" && mkdir -p "$d"

# peak TOOL SRC DST prints "KiB seconds" for one run of TOOL into a fresh DST.
peak() {
	local tool=$1 src=$2 dst=$3 out
	rm -rf "$dst"
	out="$d/time.$tool"
	if [ "$tool" = rsync ]; then
		/usr/bin/time -v -o "$out" "$RSYNC" -a "$src/" "$dst/"
	else
		/usr/bin/time -v -o "$out" "$FERRY" -a "$src/" "$dst/"
	fi
	awk -F': ' '/Maximum resident set size/ { kib = $2 }
		/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
		END { printf "%d %.2f\n", kib, s }' "$out"
	rm -rf "$dst"
}

declare -A rss wall
for n in $((FILES / 10)) "$FILES"; do
	echo "# generating $n empty files (100 x 100 x $((n / 10000)))"
	rm -rf "$d/src" && "$GEN" tree "$d/src" 100 100 $((n / 10000))
	tools="ferry rsync"
	[ "${RSYNC_RSS:-1}" = 0 ] && tools=ferry
	for tool in $tools; do
		read -r kib s < <(peak "$tool" "$d/src" "$d/dst")
		rss[$tool.$n]=$kib wall[$tool.$n]=$s
		echo "$tool, $n files: peak RSS $((kib / 1024)) MiB, ${s}s   ($tool -a SRC/ DST/ under /usr/bin/time -v)"
	done
done

small=$((FILES / 10))
fs=${rss[ferry.$small]} fl=${rss[ferry.$FILES]}
echo
echo "million: peak RSS (MiB) with $small and $FILES files"
printf '%-8s %10s %10s %8s\n' tool "$small" "$FILES" ratio
for tool in $tools; do
	a=${rss[$tool.$small]} b=${rss[$tool.$FILES]}
	printf '%-8s %10s %10s %8s\n' "$tool" "$((a / 1024))" "$((b / 1024))" "$(ratio "$b" "$a")"
done
echo "target: ferry peak RSS < 100 MiB: $(verdict "$(ratio "$fl" $((100 * 1024)))" 0.9999)"
echo "target: ferry RSS($FILES) <= 1.5x RSS($small): $(verdict "$(ratio "$fl" "$fs")" 1.5)"
