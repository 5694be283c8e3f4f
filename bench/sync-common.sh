# shellcheck shell=bash
# Helpers shared by ferry's benchmark scripts (sourced, not run): scratch
# directory, building ferry and the data generator, timing, medians, ratios
# and page-cache handling.

BENCH_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRATCH="${FERRY_BENCH_DIR:-/tmp/ferry-bench}"
REPEAT="${REPEAT:-3}"
FERRY="${FERRY_BIN:-$SCRATCH/bin/ferry}" # FERRY_BIN: use a prebuilt binary
GEN="$SCRATCH/bin/gen"
RSYNC="${RSYNC:-rsync}"

bench_init() {
	command -v "$RSYNC" >/dev/null || { echo "rsync not found" >&2; exit 1; }
	mkdir -p "$SCRATCH/bin"
	if [ -z "${FERRY_BIN:-}" ]; then
		echo "# building ferry ($BENCH_REPO) into $FERRY"
		(cd "$BENCH_REPO" && go build -o "$FERRY" ./cmd/ferry)
	fi
	(cd "$BENCH_REPO" && go build -o "$SCRATCH/bin/walkfloor" ./bench/walkfloor)
	build_gen
	if can_drop_caches; then
		CACHE_NOTE="page cache dropped before each measurement"
	else
		CACHE_NOTE="page cache NOT dropped (DROP_CACHES=0, not root, or /proc/sys/vm/drop_caches not writable): warm-cache figures, tools run alternately"
	fi
	echo "# $CACHE_NOTE"
	echo "# $("$RSYNC" --version | head -1); $(go version)"
	echo "# $(nproc) CPUs; scratch $SCRATCH; $REPEAT repeats"
}

# can_drop_caches drops the page cache and succeeds when allowed (root,
# /proc/sys/vm/drop_caches writable, DROP_CACHES not 0).
can_drop_caches() {
	[ "${DROP_CACHES:-1}" != 0 ] && [ "$(id -u)" -eq 0 ] && { sync; echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null
}

# settle writes out what is dirty and waits SETTLE (5) seconds: after
# writing or deleting a large file, the filesystem and the disk below it
# go on working for a while (with the discard mount option, a delete is
# trimmed on the disk), and a run timed at once is slowed by it.
settle() {
	sync
	sleep "${SETTLE:-5}"
}

# drop_caches empties the page cache when allowed, else does nothing.
drop_caches() {
	if can_drop_caches; then :; fi
}

now_ns() { date +%s%N; }

# timed CMD... runs CMD, prints its wall time in seconds on stdout (CMD's
# own output goes to stderr) and fails when CMD fails; TIMED_DIGITS (3)
# decimals.
timed() {
	local t0 t1
	t0=$(now_ns)
	"$@" >&2 || { echo "FAILED ($?): $*" >&2; return 1; }
	t1=$(now_ns)
	awk -v a="$t0" -v b="$t1" -v d="${TIMED_DIGITS:-3}" 'BEGIN { printf "%." d "f\n", (b - a) / 1e9 }'
}

# median N... prints the median of its arguments.
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B prints A/B with 2 decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "inf" }'; }

# verdict RATIO TARGET prints "ok" when RATIO <= TARGET, else "MISSED".
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t) ? "ok" : "MISSED" }'; }

# same_tree A B succeeds when rsync sees nothing to change from A to B.
same_tree() {
	local out
	out=$("$RSYNC" -aHn -i --delete "$1/" "$2/" | head -5)
	if [ -n "$out" ]; then
		echo "WARNING: $2 differs from $1:" >&2
		echo "$out" >&2
		return 1
	fi
}

# build_gen compiles the data generator (standard library only).
build_gen() {
	local dir="$SCRATCH/gen-src"
	mkdir -p "$dir"
	cat >"$dir/gen.go" <<'GO'
// Command gen writes benchmark data for ferry's bench scripts.
//
//	gen small DIR FILES DIRS      FILES files of 1-16 KiB spread over DIRS directories
//	gen big OLD NEW MIB           a random file and its edited version
//	gen tree DIR A B C            A*B*C empty files in a three-level tree
package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: gen small|big|tree ..."))
	}
	r := rand.New(rand.NewChaCha8([32]byte{'f', 'e', 'r', 'r', 'y'}))
	var err error
	switch os.Args[1] {
	case "small":
		err = small(r, os.Args[2], atoi(os.Args[3]), atoi(os.Args[4]))
	case "big":
		err = big(r, os.Args[2], os.Args[3], atoi(os.Args[4]))
	case "tree":
		err = tree(os.Args[2], atoi(os.Args[3]), atoi(os.Args[4]), atoi(os.Args[5]))
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	fail(err)
}

func fail(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	fail(err)
	return n
}

var mtime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func small(r *rand.Rand, dir string, files, dirs int) error {
	buf := make([]byte, 16<<10)
	for d := range dirs {
		if err := os.MkdirAll(filepath.Join(dir, fmt.Sprintf("d%02d/d%04d", d%32, d)), 0o755); err != nil {
			return err
		}
	}
	for i := range files {
		d := i % dirs
		p := filepath.Join(dir, fmt.Sprintf("d%02d/d%04d/f%07d", d%32, d, i))
		b := buf[:1024+r.IntN(15*1024+1)]
		for j := 0; j < len(b); j += 8 {
			x := r.Uint64()
			for k := 0; k < 8 && j+k < len(b); k++ {
				b[j+k] = byte(x >> (8 * k))
			}
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			return err
		}
	}
	return nil
}

// big writes OLD (mib MiB of random bytes) and NEW: OLD with 200 scattered
// 4 KiB overwrites, a 1 MiB insertion and a 1 MiB deletion.
func big(r *rand.Rand, oldPath, newPath string, mib int) error {
	const mb = 1 << 20
	old := make([]byte, mib*mb)
	var cc rand.ChaCha8
	cc.Read(old)
	if err := writeAll(oldPath, mtime, old); err != nil {
		return err
	}
	for range 200 {
		off := r.IntN(len(old) - 4096)
		cc.Read(old[off : off+4096])
	}
	ins := r.IntN(len(old) / 2)
	del := len(old)/2 + r.IntN(len(old)/2-mb)
	insert := make([]byte, mb)
	cc.Read(insert)
	return writeAll(newPath, mtime.Add(time.Hour), old[:ins], insert, old[ins:del], old[del+mb:])
}

func writeAll(p string, t time.Time, parts ...[]byte) error {
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 4<<20)
	for _, b := range parts {
		if _, err := w.Write(b); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chtimes(p, t, t)
}

func tree(dir string, a, b, c int) error {
	for i := range a {
		for j := range b {
			d := filepath.Join(dir, fmt.Sprintf("%03d/%03d", i, j))
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
			for k := range c {
				f, err := os.Create(filepath.Join(d, fmt.Sprintf("%03d", k)))
				if err != nil {
					return err
				}
				f.Close()
			}
		}
	}
	return nil
}
GO
	(cd "$dir" && GO111MODULE=off go build -o "$GEN" gen.go 2>/dev/null) ||
		(cd "$dir" && go build -o "$GEN" gen.go)
}

# pids are the background servers a script started (daemons, relays);
# stop_daemons kills and reaps them.
pids=()
stop_daemons() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	pids=()
}

# cleanup removes this script's data unless KEEP=1.
cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then
		echo "# data kept in $SCRATCH (KEEP=1)"
	else
		rm -rf "$SCRATCH"
	fi
}
