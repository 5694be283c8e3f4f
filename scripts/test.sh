#!/usr/bin/env bash
# Runs ferry's whole test suite. Installs the interop peers (rdiff, rsync,
# openssh-server, attr and acl for the -X/-A tests, and lsyncd, which
# ferry watch is tested beside) with apt-get when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v rdiff >/dev/null 2>&1 || need+=(rdiff)
command -v rsync >/dev/null 2>&1 || need+=(rsync)
[ -x /usr/sbin/sshd ] || command -v sshd >/dev/null 2>&1 || need+=(openssh-server)
command -v setfattr >/dev/null 2>&1 || need+=(attr)
command -v setfacl >/dev/null 2>&1 || need+=(acl)
command -v lsyncd >/dev/null 2>&1 || need+=(lsyncd)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing test peers: ${need[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
# ferry's --chmod follows rsync 3.5.0 ("a-s" clears setgid too); the tests
# that compare it skip an older rsync, so upgrade one where apt can.
rv="$(rsync --version | sed -n '1s/.*version \([0-9.]*\).*/\1/p')"
if [ "$(printf '%s\n' 3.5.0 "$rv" | sort -V | head -1)" != 3.5.0 ]; then
	echo "rsync $rv is older than 3.5.0: trying to upgrade it"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	{ $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --only-upgrade rsync >/dev/null; } ||
		echo "rsync upgrade failed; the --chmod comparisons will skip"
fi

echo "== go vet"
go vet ./...
echo "== staticcheck"
if ! command -v staticcheck >/dev/null 2>&1; then
	GOBIN="$(go env GOPATH)/bin" go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
	export PATH="$(go env GOPATH)/bin:$PATH"
fi
staticcheck ./...
echo "== go test"
go test -timeout 15m ./...
echo "== go test -race (concurrent packages)"
go test -race -timeout 15m . ./internal/cli/... ./internal/session/... ./internal/link/... ./internal/role/... ./internal/sender/... ./internal/receiver/... ./internal/wire/... ./internal/transport/... ./internal/daemon/... ./internal/watch/... ./internal/swarm/... ./internal/coop/... ./delta/... ./internal/tree/...
if [ "${CI:-}" = true ]; then
	echo "== fuzz (20,000 inputs per target; scripts/fuzz.sh for longer)"
	./scripts/fuzz.sh 20000x
fi
