#!/usr/bin/env bash
# Builds ferry and runs its main job on a generated demo tree:
#   1. a local sync of a tree, then an update of it (only the changes move);
#   2. a ferry daemon on loopback serving the tree as a module, and a client
#      listing the daemon's modules and pulling from it;
#   3. a gateway daemon in front of that daemon and a second one: a pull
#      through a proxy module and one that follows a redirect;
#   4. an rdiff-compatible signature/delta/patch round trip on a generated file.
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/ferry ./cmd/ferry
ferry=$PWD/bin/ferry
demo=$(mktemp -d /tmp/ferry-demo.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$demo"' EXIT
# wait_port PORT waits until something listens on 127.0.0.1:PORT.
wait_port() { for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && break; sleep 0.1; done; }

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
pids+=($!)
wait_port "$port"
echo "-- ferry ferry://127.0.0.1:$port/   (module list)"
"$ferry" "ferry://127.0.0.1:$port/"
echo "-- ferry -i ferry://127.0.0.1:$port/demo/docs/ pulled/"
"$ferry" -i "ferry://127.0.0.1:$port/demo/docs/" "$demo/pulled/"
diff -r "$demo/src/docs" "$demo/pulled" && echo "pulled tree is identical"

echo "== a gateway in front of that daemon and a second one (docs/DAEMON.md section 10)"
port2=$((port + 1)) gwport=$((port + 2))
cat >"$demo/second.toml" <<TOML
listen = ["127.0.0.1:$port2"]
[module.notes]
path = "$demo/src/docs"
comment = "notes, on the second daemon"
TOML
cat >"$demo/gateway.toml" <<TOML
listen = ["127.0.0.1:$gwport"]
[module.mirror]
proxy = "ferry://127.0.0.1:$port/demo"
comment = "the demo tree, proxied by the gateway"
[module.notes]
redirect = "ferry://127.0.0.1:$port2/notes"
comment = "moved to the second daemon"
TOML
"$ferry" serve --config "$demo/second.toml" 2>"$demo/second.log" &
pids+=($!)
"$ferry" serve --config "$demo/gateway.toml" 2>"$demo/gateway.log" &
pids+=($!)
wait_port "$port2"
wait_port "$gwport"
echo "-- ferry ferry://127.0.0.1:$gwport/   (the gateway's modules)"
"$ferry" "ferry://127.0.0.1:$gwport/"
echo "-- ferry -i ferry://127.0.0.1:$gwport/mirror/data/raw/ via-proxy/"
"$ferry" -i "ferry://127.0.0.1:$gwport/mirror/data/raw/" "$demo/via-proxy/"
diff -r "$demo/src/data/raw" "$demo/via-proxy" && echo "pulled through the proxy: identical"
echo "-- ferry -v ferry://127.0.0.1:$gwport/notes/ via-redirect/"
"$ferry" -v "ferry://127.0.0.1:$gwport/notes/" "$demo/via-redirect/"
diff -r "$demo/src/docs" "$demo/via-redirect" && echo "pulled after the redirect: identical"
for p in "${pids[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
pids=()
echo "-- daemon log:"; cat "$demo/ferryd.log"
echo "-- gateway log:"; cat "$demo/gateway.log"

echo "== rdiff round trip: signature, delta, patch"
head -c 2000000 /dev/urandom >"$demo/old.bin"
{ head -c 1000000 "$demo/old.bin"; echo "an insertion"; tail -c +1000001 "$demo/old.bin"; } >"$demo/new.bin"
"$ferry" rdiff signature "$demo/old.bin" "$demo/old.sig"
"$ferry" rdiff delta "$demo/old.sig" "$demo/new.bin" "$demo/new.delta"
"$ferry" rdiff patch "$demo/old.bin" "$demo/new.delta" "$demo/out.bin"
cmp "$demo/new.bin" "$demo/out.bin" && echo "patched file is identical ($(stat -c %s "$demo/new.delta") byte delta for a $(stat -c %s "$demo/new.bin") byte file)"
