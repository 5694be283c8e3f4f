#!/usr/bin/env bash
# Times "ferry rdiff" against the real rdiff on one pair of files: a 1 GiB
# random basis and a copy with 200 scattered 4 KiB edits, a 1 MiB insertion
# and a 1 MiB deletion. For signature, delta and patch it prints the median
# of 3 runs of each tool, their ratio, and the delta sizes. Both tools
# produce their own signature and delta; each patch is checked.
#
# Usage: bench/rdiff.sh [SIZE_MIB]   (default 1024)
set -euo pipefail
cd "$(dirname "$0")/.."

size_mib=${1:-1024}
runs=3
command -v rdiff >/dev/null || { echo "rdiff is not installed" >&2; exit 1; }

scratch=$(mktemp -d /tmp/ferry-bench-rdiff.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
ferry=$scratch/ferry
go build -o "$ferry" ./cmd/ferry

old=$scratch/old
new=$scratch/new
echo "making a ${size_mib} MiB basis and its modified copy in $scratch"
head -c $((size_mib << 20)) /dev/urandom >"$old"
cp "$old" "$scratch/edited"
size=$((size_mib << 20))
for i in $(seq 0 199); do
	off=$(( (i * (size / 200) + (i * 7919 % 4096) * 61) ))
	head -c 4096 /dev/urandom | dd of="$scratch/edited" bs=4096 seek="$off" oflag=seek_bytes conv=notrunc status=none
done
ins=$((size * 3 / 10))
del=$((size * 7 / 10))
{
	head -c "$ins" "$scratch/edited"
	head -c $((1 << 20)) /dev/urandom
	dd if="$scratch/edited" iflag=skip_bytes,count_bytes skip="$ins" count=$((del - ins)) bs=1M status=none
	dd if="$scratch/edited" iflag=skip_bytes skip=$((del + (1 << 20))) bs=1M status=none
} >"$new"
rm "$scratch/edited"

# median_time CMD...: runs CMD $runs times and prints "WALL CPU" in seconds
# (CPU = user + system) of the run with the median wall time. The CPU time
# shows the work done when other processes compete for the 2 cores.
median_time() {
	local lines=()
	for _ in $(seq "$runs"); do
		lines+=("$(/usr/bin/time -f '%e %U %S' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.3f %.3f", $1, $2 + $3}')")
	done
	printf '%s\n' "${lines[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

printf '%-10s %14s %14s %9s %9s\n' step "rdiff wall/cpu" "ferry wall/cpu" "wall x" "cpu x"
report() {
	local rw rc fw fc
	read -r rw rc <<<"$2"
	read -r fw fc <<<"$3"
	printf '%-10s %6.2fs/%5.2fs %6.2fs/%5.2fs %8.2fx %8.2fx\n' "$1" "$rw" "$rc" "$fw" "$fc" \
		"$(echo "$rw / $fw" | bc -l)" "$(echo "$rc / ($fc + 0.001)" | bc -l)"
}

t_r=$(median_time rdiff -f signature "$old" "$scratch/r.sig")
t_f=$(median_time "$ferry" rdiff -f signature "$old" "$scratch/f.sig")
report signature "$t_r" "$t_f"
cmp -s "$scratch/r.sig" "$scratch/f.sig" || echo "note: signatures differ"

t_r=$(median_time rdiff -f delta "$scratch/r.sig" "$new" "$scratch/r.delta")
t_f=$(median_time "$ferry" rdiff -f delta "$scratch/r.sig" "$new" "$scratch/f.delta")
report delta "$t_r" "$t_f"

t_r=$(median_time rdiff -f patch "$old" "$scratch/r.delta" "$scratch/r.out")
t_f=$(median_time "$ferry" rdiff -f patch "$old" "$scratch/f.delta" "$scratch/f.out")
report patch "$t_r" "$t_f"

cmp "$scratch/r.out" "$new" && cmp "$scratch/f.out" "$new" && echo "both patches rebuild the new file"
rdiff patch "$old" "$scratch/f.delta" "$scratch/x.out" && cmp "$scratch/x.out" "$new" && echo "rdiff patches ferry's delta correctly"
r_size=$(stat -c %s "$scratch/r.delta")
f_size=$(stat -c %s "$scratch/f.delta")
printf 'delta size: rdiff %d bytes, ferry %d bytes (%.3f of rdiff)\n' "$r_size" "$f_size" "$(echo "$f_size / $r_size" | bc -l)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
