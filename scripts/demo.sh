#!/usr/bin/env bash
# Builds ferry and runs its main job on a generated demo tree:
#   1. a local sync of a tree, then an update of it (only the changes move);
#   2. a ferry daemon on loopback serving the tree as a module, and a client
#      listing the daemon's modules and pulling from it;
#   3. an rdiff-compatible signature/delta/patch round trip on a generated file.
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/ferry ./cmd/ferry
ferry=$PWD/bin/ferry
demo=$(mktemp -d /tmp/ferry-demo.XXXXXX)
daemon_pid=""
trap '[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null; rm -rf "$demo"' EXIT

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

echo "== a daemon on loopback serving src/ as module \"demo\""
port=$((20000 + RANDOM % 20000))
cat >"$demo/ferryd.toml" <<TOML
listen = ["127.0.0.1:$port"]
[module.demo]
path = "$demo/src"
comment = "the demo tree, read only"
TOML
"$ferry" serve --config "$demo/ferryd.toml" 2>"$demo/ferryd.log" &
daemon_pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
echo "-- ferry ferry://127.0.0.1:$port/   (module list)"
"$ferry" "ferry://127.0.0.1:$port/"
echo "-- ferry -i ferry://127.0.0.1:$port/demo/docs/ pulled/"
"$ferry" -i "ferry://127.0.0.1:$port/demo/docs/" "$demo/pulled/"
diff -r "$demo/src/docs" "$demo/pulled" && echo "pulled tree is identical"
kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true; daemon_pid=""
echo "-- daemon log:"; cat "$demo/ferryd.log"

echo "== rdiff round trip: signature, delta, patch"
head -c 2000000 /dev/urandom >"$demo/old.bin"
{ head -c 1000000 "$demo/old.bin"; echo "an insertion"; tail -c +1000001 "$demo/old.bin"; } >"$demo/new.bin"
"$ferry" rdiff signature "$demo/old.bin" "$demo/old.sig"
"$ferry" rdiff delta "$demo/old.sig" "$demo/new.bin" "$demo/new.delta"
"$ferry" rdiff patch "$demo/old.bin" "$demo/new.delta" "$demo/out.bin"
cmp "$demo/new.bin" "$demo/out.bin" && echo "patched file is identical ($(stat -c %s "$demo/new.delta") byte delta for a $(stat -c %s "$demo/new.bin") byte file)"
