package coop

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one of N disjoint parts of a tree (--shard K/N): K counts
// from 0 to N-1. The zero value (N == 0) is the whole tree.
type Shard struct {
	K, N int
}

// MaxShards is the largest N a Shard may have.
const MaxShards = 1 << 16

// ErrBadShard is the error of a shard that is not "K/N" with 0 <= K < N.
var ErrBadShard = errors.New("ferry: --shard must be K/N with 0 <= K < N <= 65536")

// ParseShard parses "K/N".
func ParseShard(s string) (Shard, error) {
	ks, ns, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	sh := Shard{K: k, N: n}
	if !ok || err1 != nil || err2 != nil || sh.Check() != nil {
		return Shard{}, fmt.Errorf("%w: %q", ErrBadShard, s)
	}
	return sh, nil
}

// Check reports whether sh is valid (the zero value is).
func (sh Shard) Check() error {
	if sh == (Shard{}) {
		return nil
	}
	if sh.N < 1 || sh.N > MaxShards || sh.K < 0 || sh.K >= sh.N {
		return ErrBadShard
	}
	return nil
}

// String returns "K/N" ("" for the whole tree).
func (sh Shard) String() string {
	if sh.N == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", sh.K, sh.N)
}

// Of returns the shard of the key path p among n: the FNV-1a 64-bit hash
// of p's bytes, modulo n. p is a path relative to the transfer root as the
// wire carries it ("a/b", "." for the root itself).
func Of(p string, n int) int {
	h := fnv.New64a()
	h.Write([]byte(p))
	return int(h.Sum64() % uint64(n))
}

// Owns reports whether the entry at path p, whose hard-link leader is
// leader ("" when it is none's follower), belongs to sh. Directories
// belong to every shard: callers do not ask for them.
func (sh Shard) Owns(p, leader string) bool {
	if sh.N <= 1 {
		return true
	}
	if leader != "" {
		p = leader
	}
	return Of(p, sh.N) == sh.K
}
