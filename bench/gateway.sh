#!/usr/bin/env bash
# ferry through a gateway against ferry direct, one backend daemon and one
# gateway daemon (a proxy module per backend module) on loopback:
#   (a) pull and (b) push of a tree of FILES files of 1-16 KiB;
#   (c) pull and (d) push of a SIZE_MIB MiB file (whole-file: empty
#       destination);
#   target for each: throughput through the gateway >= 0.95x direct (the
#   gateway copies bytes with splice(2) after the daemon phase);
#   (e) connection setup: SETUP_N pulls of one small file, each a new
#       connection and process, direct and through the gateway; the
#       difference of the medians is what the gateway adds per connection
#       (its daemon phase plus the backend's): target < 2 ms;
#   (f) CLIENTS concurrent pulls of a small file through the gateway: all
#       served, or refused with the limit's message; the gateway's peak RSS
#       (VmHWM), target < 200 MiB;
#   (g) CLIENTS concurrent pulls through a second gateway whose
#       max_connections is LIMIT (default CLIENTS/5), each of a 512 KiB file
#       at --bwlimit=64K so that a served client holds its connection about
#       8 s (longer than starting CLIENTS processes takes on a busy machine):
#       the clients past the limit are refused with the limit's message, the
#       others served, none fails otherwise.
#   for (c) and (d), the CPU time (utime+stime in /proc/PID/stat) the
#   gateway, the backend and the client (the script's waited-for children:
#   the ferry process plus a date and an awk) used per GiB of the file, and
#   the rate at which one core relays (GiB over the gateway's CPU seconds):
#   figures that do not depend on how many cores the three share.
# Medians of REPEAT runs, direct and gateway alternating.
#
# usage: bench/gateway.sh                              (quick: FILES=5000 SIZE_MIB=256 CLIENTS=100)
#        FILES=100000 SIZE_MIB=1024 CLIENTS=500 bench/gateway.sh   (the full benchmark)
#        PORT=18880 KEEP=1 DROP_CACHES=0 ...           (ports PORT+1 to PORT+3; keep the data)
set -euo pipefail
. "$(dirname "$0")/sync-common.sh"
FILES="${FILES:-5000}"
SIZE_MIB="${SIZE_MIB:-256}"
PORT="${PORT:-18880}"
SETUP_N="${SETUP_N:-40}"
CLIENTS="${CLIENTS:-100}"
LIMIT="${LIMIT:-$((CLIENTS / 5))}"
DIRS=$(((FILES + 99) / 100))

d="$SCRATCH/gateway"
trap 'stop_daemons; cleanup' EXIT

bench_init
rm -rf "$d" && mkdir -p "$d/src/tree" "$d/src/big" "$d/dst" "$d/local"
echo "# generating $FILES files in $DIRS directories and a $SIZE_MIB MiB file under $d/src"
"$GEN" small "$d/src/tree" "$FILES" "$DIRS"
"$GEN" big "$d/src/big/big.bin" "$d/big-new.bin" "$SIZE_MIB"
rm -f "$d/big-new.bin"
echo "one small file" >"$d/src/one.txt"
head -c 524288 /dev/urandom >"$d/src/mid.bin"

owner=""
if [ "$(id -u)" -eq 0 ]; then owner="uid = 0"; fi
BE="127.0.0.1:$((PORT + 1))" GW="127.0.0.1:$((PORT + 2))" GWL="127.0.0.1:$((PORT + 3))"
cat >"$d/backend.toml" <<CONF
listen = ["$BE"]
log_file = "$d/backend.log"
timeout = "0s"
max_connections = 0
max_connections_per_host = 0
[module.src]
path = "$d/src"
[module.dst]
path = "$d/dst"
read_only = false
$owner
CONF
cat >"$d/gateway.toml" <<CONF
listen = ["$GW"]
log_file = "$d/gateway.log"
timeout = "0s"
max_connections = ${GW_MAX:-0}
max_connections_per_host = 0
[module.gsrc]
proxy = "ferry://$BE/src"
[module.gdst]
proxy = "ferry://$BE/dst"
CONF
sed -e "s/^listen = .*/listen = [\"$GWL\"]/" -e "s/^max_connections = .*/max_connections = $LIMIT/" \
	-e "s|gateway.log|gateway-limited.log|" "$d/gateway.toml" >"$d/gateway-limited.toml"
"$FERRY" serve --config "$d/backend.toml" &
be_pid=$!
pids+=($be_pid)
"$FERRY" serve --config "$d/gateway.toml" &
gw_pid=$!
pids+=($gw_pid)
"$FERRY" serve --config "$d/gateway-limited.toml" &
gwl_pid=$!
pids+=($gwl_pid)
for i in $(seq 50); do
	if "$FERRY" "ferry://$BE/" >/dev/null 2>&1 && "$FERRY" "ferry://$GW/" >/dev/null 2>&1 && "$FERRY" "ferry://$GWL/" >/dev/null 2>&1; then
		break
	fi
	[ "$i" = 50 ] && { echo "daemons did not come up" >&2; exit 1; }
	sleep 0.2
done

# url WAY MODULE: the module's address direct or through the gateway.
url() {
	case $1 in
	direct) echo "ferry://$BE/$2" ;;
	gateway) echo "ferry://$GW/g$2" ;;
	esac
}

TCK=$(getconf CLK_TCK)
# cpu_ticks PID [children]: the CPU time PID has used, in clock ticks
# (utime+stime from /proc/PID/stat), or with "children" that of its
# children it has waited for (cutime+cstime).
cpu_ticks() {
	local s f
	read -r s <"/proc/$1/stat"
	read -ra f <<<"${s##*) }" # f[0] is field 3; the name (field 2) may hold spaces
	if [ "${2:-}" = children ]; then echo $((f[13] + f[14])); else echo $((f[11] + f[12])); fi
}
# cpu_now: "CLIENT BACKEND GATEWAY" ticks so far; the client is a child of
# this shell (through timed's command substitution).
cpu_now() { echo "$(cpu_ticks $$ children) $(cpu_ticks "$be_pid") $(cpu_ticks "$gw_pid")"; }

declare -A secs cpu
# run CASE: REPEAT timed runs of CASE each way, alternating; for the big
# file, also the CPU seconds per GiB each process used in cpu[CASE-WAY-WHO].
run() {
	local c=$1 i way ways="direct gateway" t cmd c0 c1 per cl be gw
	for i in $(seq "$REPEAT"); do
		for way in $ways; do
			rm -rf "$d/local/out" "$d/dst/out"
			case $c in
			pull-tree) cmd=("$FERRY" -a "$(url "$way" src)/tree/" "$d/local/out/") ;;
			push-tree) cmd=("$FERRY" -a "$d/src/tree/" "$(url "$way" dst)/out/") ;;
			pull-big) cmd=("$FERRY" -a "$(url "$way" src)/big/" "$d/local/out/") ;;
			push-big) cmd=("$FERRY" -a "$d/src/big/" "$(url "$way" dst)/out/") ;;
			esac
			sync
			drop_caches
			c0=$(cpu_now)
			t=$(timed "${cmd[@]}")
			c1=$(cpu_now)
			secs[$c-$way]+="$t "
			echo "$c run $i $way: ${t}s"
			case $c in
			*-big)
				per=$(awk -v a="$c0" -v b="$c1" -v tck="$TCK" -v gib="$SIZE_MIB" 'BEGIN {
					split(a, x); split(b, y); gib /= 1024
					for (k = 1; k <= 3; k++) printf "%.3f ", (y[k] - x[k]) / tck / gib
				}')
				read -r cl be gw <<<"$per"
				cpu[$c-$way-client]+="$cl " cpu[$c-$way-backend]+="$be " cpu[$c-$way-gateway]+="$gw "
				echo "$c run $i $way cpu, s per GiB: client $cl, backend $be, gateway $gw"
				;;
			esac
		done
		ways="${ways#* } ${ways%% *}"
	done
	case $c in
	pull-tree) same_tree "$d/src/tree" "$d/local/out" || true ;;
	push-tree) same_tree "$d/src/tree" "$d/dst/out" || true ;;
	pull-big) cmp -s "$d/src/big/big.bin" "$d/local/out/big.bin" || echo "WARNING: wrong big.bin" >&2 ;;
	push-big) cmp -s "$d/src/big/big.bin" "$d/dst/out/big.bin" || echo "WARNING: wrong big.bin" >&2 ;;
	esac
}
for c in pull-tree push-tree pull-big push-big; do run "$c"; done

# (e) connection setup: SETUP_N whole runs each way, alternating; medians.
# timed_us: timed to the microsecond (a gateway adds about a millisecond).
timed_us() { TIMED_DIGITS=6 timed "$@"; }
for i in $(seq "$SETUP_N"); do
	for way in direct gateway; do
		t=$(timed_us "$FERRY" -a "$(url "$way" src)/one.txt" "$d/local/one-$way.txt")
		secs[setup-$way]+="$t "
	done
done
# median_ms SECONDS...: their median in milliseconds, 2 decimals.
median_ms() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f\n", m * 1000 }'
}
sd=$(median_ms ${secs[setup-direct]})
sg=$(median_ms ${secs[setup-gateway]})
added=$(awk -v a="$sg" -v b="$sd" 'BEGIN { printf "%+.2f", a - b }')

# many ADDR FILE [OPTION...]: CLIENTS concurrent pulls of FILE from
# ferry://ADDR/gsrc; sets served, refused (with the limit's message) and
# failed.
many() {
	local i cpids=() out="$d/local/many" addr=$1 file=$2
	shift 2
	rm -rf "$out" && mkdir -p "$out"
	for i in $(seq "$CLIENTS"); do
		"$FERRY" -a "$@" "ferry://$addr/gsrc/$file" "$out/$i.out" 2>"$out/$i.err" &
		cpids+=($!)
	done
	served=0 refused=0 failed=0
	for i in $(seq "$CLIENTS"); do
		if wait "${cpids[$((i - 1))]}"; then
			served=$((served + 1))
		elif grep -q "max connections" "$out/$i.err"; then
			refused=$((refused + 1))
		else
			failed=$((failed + 1))
			[ "$failed" -le 3 ] && sed 's/^/# failed client: /' "$out/$i.err" >&2
		fi
	done
}
# peak_mib PID: the process's peak RSS (VmHWM) in MiB.
peak_mib() {
	awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# (f) CLIENTS concurrent pulls through the gateway.
many "$GW" one.txt
served_f=$served refused_f=$refused failed_f=$failed
rss_mib=$(peak_mib "$gw_pid")

# (g) CLIENTS concurrent pulls through the gateway limited to LIMIT.
many "$GWL" mid.bin --bwlimit=64K
served_g=$served refused_g=$refused failed_g=$failed
rss_g_mib=$(peak_mib "$gwl_pid")
echo
echo "gateway: loopback backend and gateway, median of $REPEAT ($CACHE_NOTE)"
printf '%-46s %10s %10s %12s %7s\n' case direct gateway "thr. ratio" target
row() {
	local dt gt r
	dt=$(median ${secs[$1-direct]}) gt=$(median ${secs[$1-gateway]})
	r=$(ratio "$dt" "$gt") # throughput through the gateway / direct
	printf '%-46s %10s %10s %12s %7s %s\n' "$2, seconds" "$dt" "$gt" "$r" ">=0.95" "$(awk -v r="$r" 'BEGIN { print (r >= 0.95) ? "ok" : "MISSED" }')"
}
row pull-tree "pull $FILES files of 1-16 KiB"
row push-tree "push $FILES files of 1-16 KiB"
row pull-big "pull a $SIZE_MIB MiB file"
row push-big "push a $SIZE_MIB MiB file"
printf '%-46s %10s %10s %12s %7s %s\n' "one-file run, median of $SETUP_N, ms" "$sd" "$sg" "$added ms" "<2 ms" "$(awk -v a="$added" 'BEGIN { print (a < 2) ? "ok" : "MISSED" }')"
echo "$CLIENTS concurrent clients through the gateway: $served_f served, $refused_f refused with the limit's message, $failed_f failed otherwise"
echo "gateway peak RSS (VmHWM): $rss_mib MiB (target < 200 MiB) $(awk -v r="$rss_mib" 'BEGIN { print (r < 200) ? "ok" : "MISSED" }')"
echo "$CLIENTS concurrent clients (512 KiB at 64 KiB/s) through a gateway with max_connections = $LIMIT: $served_g served, $refused_g refused with the limit's message, $failed_g failed otherwise $(awk -v r="$refused_g" -v f="$failed_g" 'BEGIN { print (r > 0 && f == 0) ? "ok" : "MISSED" }')"
echo "limited gateway peak RSS (VmHWM): $rss_g_mib MiB (target < 200 MiB) $(awk -v r="$rss_g_mib" 'BEGIN { print (r < 200) ? "ok" : "MISSED" }')"
echo
echo "CPU seconds per GiB of the $SIZE_MIB MiB file, median of $REPEAT (utime+stime from /proc/PID/stat in 1/$TCK s ticks;"
echo "client: this script's waited-for children, the ferry process plus a date and an awk)"
printf '%-46s %8s %8s %8s %8s %s\n' case client backend gateway "gw/ends" "one core relays"
# cpu_row CASE WAY LABEL: the medians of the client's, the backend's and the
# gateway's CPU seconds per GiB (direct, the gateway's is what it spends
# idle over a run's length: its backend health checks); through the gateway
# also the gateway's over the two ends' and the rate one core relays at.
cpu_row() {
	local cl be gw
	cl=$(median ${cpu[$1-$2-client]}) be=$(median ${cpu[$1-$2-backend]}) gw=$(median ${cpu[$1-$2-gateway]})
	if [ "$2" = direct ]; then
		printf '%-46s %8s %8s %8s\n' "$3, direct" "$cl" "$be" "$gw"
		return
	fi
	# GiB per gateway CPU second, in GB/s (10^9 bytes).
	printf '%-46s %8s %8s %8s %8s %s\n' "$3, through the gateway" "$cl" "$be" "$gw" "$(ratio "$gw" "$(awk -v a="$cl" -v b="$be" 'BEGIN { print a + b }')")" \
		"$(awk -v g="$gw" 'BEGIN { if (g > 0) printf "%.2f GB/s\n", 1.073741824 / g; else print "inf (under a tick)" }')"
}
for c in pull-big push-big; do
	for way in direct gateway; do cpu_row "$c" "$way" "${c%-big} a $SIZE_MIB MiB file"; done
done
