// Package coop holds what cooperating ferry processes agree on without
// talking to each other: the shard function, a pure function of an
// entry's path (shard.go), and claims, files in the destination held
// under kernel locks (claim.go, claim_linux.go). docs/COOPERATION.md is
// its spec, for other tools that want to cooperate with ferry.
//
// It sits below internal/role (the receiver applies both) and imports only
// internal/fsys: the parallel links of --parallel are sessions, run by
// package ferry (parallel.go), not here.
//
//	shard of an entry = FNV-1a-64(key) mod N, key = the leader's path for
//	                    a hard-link follower, else the entry's own path
//	claim of dir/name = dir/.ferry-claim.name, created O_EXCL (or opened
//	                    when there), then flock(LOCK_EX|LOCK_NB) on it
package coop
