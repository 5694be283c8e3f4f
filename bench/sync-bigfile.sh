#!/usr/bin/env bash
# One big file changed a little: the destination holds OLD (SIZE_MIB MiB of
# random bytes); the source holds NEW (OLD with 200 scattered 4 KiB edits, a
# 1 MiB insertion and a 1 MiB deletion). Measures updating OLD into NEW.
# Target: ferry <= 1.0x rsync; delta vs delta <= 0.8x, locally and over a
# remote shell. Both tools are measured three times: with their local
# default (-a, which implies --whole-file between local paths), with their
# delta algorithm forced (-a --no-whole-file), which is what a transfer
# between hosts does, and with the delta algorithm through a remote shell
# (-e RSH, the destination written as localhost:DIR): RSH is a two-line
# script that drops the host name and runs the rest with sh -c, as ssh
# would on the far side, so both tools pay for a second process and a pipe
# but not for ssh's encryption. ferry's receiver leaves the freeing of the
# replaced old file to the kernel (fsys.CloseReplaced); rsync's rename waits
# for it. The settle before each run (sync, 5 s) lets either finish, so that
# no run is slowed by the one before.
#
# usage: bench/sync-bigfile.sh            (SIZE_MIB=1024 REPEAT=3)
#        SIZE_MIB=128 REPEAT=1 bench/sync-bigfile.sh
set -euo pipefail
. "$(dirname "$0")/sync-common.sh"
SIZE_MIB="${SIZE_MIB:-1024}"
trap cleanup EXIT

bench_init
d="$SCRATCH/bigfile"
rm -rf "$d" && mkdir -p "$d/old" "$d/new"
echo "# generating $SIZE_MIB MiB old and new versions under $d"
"$GEN" big "$d/old/big.bin" "$d/new/big.bin" "$SIZE_MIB"

rsh="$SCRATCH/bin/rsh"
printf '#!/bin/sh\nshift\nexec sh -c "$*"\n' >"$rsh"
chmod +x "$rsh"

declare -A secs
tools="rsync rsync-delta rsync-rsh ferry ferry-delta ferry-rsh"
for i in $(seq "$REPEAT"); do
	for tool in $tools; do
		dst="$d/dst-$tool"
		rm -rf "$dst" && mkdir -p "$dst"
		cp -p "$d/old/big.bin" "$dst/big.bin"
		case $tool in
		rsync) cmd=("$RSYNC" -a "$d/new/" "$dst/") ;;
		rsync-delta) cmd=("$RSYNC" -a --no-whole-file "$d/new/" "$dst/") ;;
		ferry) cmd=("$FERRY" -a "$d/new/" "$dst/") ;;
		ferry-delta) cmd=("$FERRY" -a --no-whole-file "$d/new/" "$dst/") ;;
		rsync-rsh) cmd=("$RSYNC" -a --no-whole-file -e "$rsh" "$d/new/" "localhost:$dst/") ;;
		ferry-rsh) cmd=("$FERRY" -a --no-whole-file -e "$rsh" --ferry-path "$FERRY" "$d/new/" "localhost:$dst/") ;;
		esac
		settle
		drop_caches || true
		t=$(timed "${cmd[@]}")
		secs[$tool]+="$t "
		cmp -s "$d/new/big.bin" "$dst/big.bin" || echo "WARNING: $tool left a wrong big.bin" >&2
		echo "run $i $tool: ${t}s   (${cmd[*]})"
	done
	tools="${tools#* } ${tools%% *}" # rotate the order
done

r=$(median ${secs[rsync]}) rd=$(median ${secs[rsync-delta]}) rr=$(median ${secs[rsync-rsh]})
f=$(median ${secs[ferry]}) fd=$(median ${secs[ferry-delta]}) fr=$(median ${secs[ferry-rsh]})
echo
echo "sync-bigfile: $SIZE_MIB MiB, 200x4KiB edits + 1 MiB insert + 1 MiB delete, median of $REPEAT ($CACHE_NOTE)"
printf '%-28s %9s %8s %8s\n' case seconds ratio target
printf '%-28s %9s\n' "rsync -a (whole file)" "$r"
printf '%-28s %9s\n' "rsync -a --no-whole-file" "$rd"
printf '%-28s %9s\n' "rsync ... -e RSH (delta)" "$rr"
printf '%-28s %9s %8s %8s %s\n' "ferry -a vs rsync -a" "$f" "$(ratio "$f" "$r")" 1.0 "$(verdict "$(ratio "$f" "$r")" 1.0)"
printf '%-28s %9s %8s %8s %s\n' "ferry -a vs rsync delta" "$f" "$(ratio "$f" "$rd")" 1.0 "$(verdict "$(ratio "$f" "$rd")" 1.0)"
printf '%-28s %9s %8s %8s %s\n' "delta vs delta" "$fd" "$(ratio "$fd" "$rd")" 0.8 "$(verdict "$(ratio "$fd" "$rd")" 0.8)"
printf '%-28s %9s %8s %8s %s\n' "delta vs delta, -e RSH" "$fr" "$(ratio "$fr" "$rr")" 0.8 "$(verdict "$(ratio "$fr" "$rr")" 0.8)"
