#!/usr/bin/env bash
# Builds ferry and runs its main job on a generated demo tree:
#   1. a local sync of a tree, then an update of it (only the changes move);
#   2. an rdiff-compatible signature/delta/patch round trip on a generated file.
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/ferry ./cmd/ferry
ferry=$PWD/bin/ferry
demo=$(mktemp -d /tmp/ferry-demo.XXXXXX)
trap 'rm -rf "$demo"' EXIT

echo "== generating a demo tree in $demo/src"
mkdir -p "$demo/src/docs" "$demo/src/data/raw" "$demo/src/empty"
for i in $(seq 1 20); do head -c $((i * 3000)) /dev/urandom >"$demo/src/data/raw/blob$i.bin"; done
for i in $(seq 1 10); do echo "note $i" >"$demo/src/docs/note$i.txt"; done
head -c 4000000 /dev/urandom >"$demo/src/data/big.bin"
ln -s docs/note1.txt "$demo/src/latest"

echo "== ferry -i --stats src/ dst/   (first copy)"
"$ferry" -i --stats "$demo/src/" "$demo/dst/"

echo "== change a few things and sync again with --delete"
echo "note 1, revised" >"$demo/src/docs/note1.txt"
rm "$demo/src/docs/note10.txt"
printf 'patched' | dd of="$demo/src/data/big.bin" bs=1 seek=1000000 conv=notrunc status=none
"$ferry" -i --delete --stats "$demo/src/" "$demo/dst/"
diff -r "$demo/src" "$demo/dst" && echo "dst is identical to src"

echo "== rdiff round trip: signature, delta, patch"
head -c 2000000 /dev/urandom >"$demo/old.bin"
{ head -c 1000000 "$demo/old.bin"; echo "an insertion"; tail -c +1000001 "$demo/old.bin"; } >"$demo/new.bin"
"$ferry" rdiff signature "$demo/old.bin" "$demo/old.sig"
"$ferry" rdiff delta "$demo/old.sig" "$demo/new.bin" "$demo/new.delta"
"$ferry" rdiff patch "$demo/old.bin" "$demo/new.delta" "$demo/out.bin"
cmp "$demo/new.bin" "$demo/out.bin" && echo "patched file is identical ($(stat -c %s "$demo/new.delta") byte delta for a $(stat -c %s "$demo/new.bin") byte file)"
