package e2e

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCrashSIGKILL kills ferry (its whole process group) with SIGKILL at
// random moments while it updates a tree, alternately towards its new and
// its old version. After every kill each destination entry under a real
// name must be exactly its old or its new version: never missing when both
// versions have it, never a mix, never truncated. Temp files and partial
// directories may remain. A final run must then make the destination equal
// to the source.
//
// FERRY_E2E_KILLS sets the number of kills (default 30, 200 with
// FERRY_E2E_LONG=1); FERRY_E2E_SEED replays a run.
func TestCrashSIGKILL(t *testing.T) {
	needFerry(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("FERRY_E2E_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("FERRY_E2E_SEED: %v", err)
		}
		seed = v
	}
	kills, scale := 30, 1
	if long() {
		kills, scale = 200, 2
	}
	if s := os.Getenv("FERRY_E2E_KILLS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("FERRY_E2E_KILLS: %v", err)
		}
		kills = v
	}
	t.Logf("seed %d (replay with FERRY_E2E_SEED=%d), %d kills", seed, seed, kills)
	r := rand.New(rand.NewPCG(seed, 0x5eed))

	oldNodes, newNodes := crashTrees(r, scale)
	base := t.TempDir()
	oldSrc, newSrc, dst := filepath.Join(base, "old"), filepath.Join(base, "new"), filepath.Join(base, "dst")
	buildTree(t, oldSrc, oldNodes)
	buildTree(t, newSrc, newNodes)
	buildTree(t, dst, oldNodes)
	want := versions(oldNodes, newNodes)
	oldSnap, newSnap := takeSnapshot(t, oldSrc), takeSnapshot(t, newSrc)

	// Two complete runs measure how long an update takes, and check the
	// plain case first.
	var runTime time.Duration
	for _, step := range []struct {
		src  string
		snap snapshot
	}{{newSrc, newSnap}, {oldSrc, oldSnap}} {
		start := time.Now()
		if res := run(t, ferryBin, "--delete", step.src+"/", dst+"/"); res.code != 0 {
			t.Fatalf("uninterrupted run: %v", res)
		}
		runTime = max(runTime, time.Since(start))
		requireSameTree(t, "uninterrupted run", step.snap, takeSnapshot(t, dst), compareOpts{ignore: isLeftover})
		if t.Failed() {
			t.FailNow()
		}
	}
	t.Logf("an uninterrupted update takes %v", runTime)

	killed, finished := 0, 0
	for i := range kills {
		src := newSrc
		if i%2 == 1 {
			src = oldSrc
		}
		delay := time.Duration(r.Int64N(int64(runTime)))
		wasKilled, err := killAfter(t, delay, ferryBin, "--delete", src+"/", dst+"/")
		if err != nil {
			t.Fatalf("kill %d after %v: %v", i, delay, err)
		}
		if wasKilled {
			killed++
		} else {
			finished++
		}
		if problems := checkOldOrNew(dst, want); len(problems) > 0 {
			t.Fatalf("after kill %d at %v (towards %s): %d bad entries:\n%s", i, delay,
				filepath.Base(src), len(problems), joinMax(problems, 30))
		}
	}
	t.Logf("%d runs killed, %d finished before their kill", killed, finished)

	if res := run(t, ferryBin, "--delete", newSrc+"/", dst+"/"); res.code != 0 {
		t.Fatalf("final run: %v", res)
	}
	got := takeSnapshot(t, dst)
	requireSameTree(t, "final run", newSnap, got, compareOpts{ignore: isLeftover})
	var left []string
	for p := range got.entries {
		if isLeftover(p) {
			left = append(left, p)
		}
	}
	slices.Sort(left)
	t.Logf("%d temp or partial entries remain after the final run: %q", len(left), left[:min(len(left), 8)])
	// Partial data may be kept for a later resume, but a temp file is
	// garbage once its transfer is over: a complete --delete run must not
	// leave any (rsync's --delete removes its own stale temp files).
	var temps []string
	for _, p := range left {
		if tempName.MatchString(path.Base(p)) && !strings.Contains(p, ".ferry-partial") {
			temps = append(temps, p)
		}
	}
	if len(temps) > 0 {
		errorfUnlessKnown(t, "TestCrashSIGKILL/stale-temp", "a complete --delete run left %d stale temp files, e.g. %q", len(temps), temps[:min(len(temps), 5)])
	}
}

// killAfter starts name in its own process group, kills the group with
// SIGKILL after delay, and reports whether the kill came before the exit.
// A run that finished before its kill must have exited 0.
func killAfter(t *testing.T, delay time.Duration, name string, args ...string) (bool, error) {
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return false, fmt.Errorf("start: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			return false, fmt.Errorf("run finished early with %w", err)
		}
		return false, nil
	case <-timer.C:
	}
	// The group may already be gone; that is a finish, told by Wait.
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	err := <-done
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return true, nil
		}
		return false, fmt.Errorf("run exited with %w", err)
	}
	return false, err
}

// checkOldOrNew lists every entry of dst that is neither its old nor its
// new version, and every path both versions have that is missing.
func checkOldOrNew(dst string, want map[string]*version) []string {
	s, err := readSnapshot(dst)
	if err != nil {
		return []string{err.Error()}
	}
	var bad []string
	for p, fi := range s.entries {
		if p == "." || isLeftover(p) {
			continue
		}
		v := want[p]
		if v == nil {
			if fi.Type == 'd' && isParentOf(p, want) {
				continue
			}
			bad = append(bad, fmt.Sprintf("%q: unexpected %s", p, describe(fi)))
			continue
		}
		if !matches(fi, v.inOld, v.oldKind, v.oldSum, v.oldLink) && !matches(fi, v.inNew, v.newKind, v.newSum, v.newLink) {
			bad = append(bad, fmt.Sprintf("%q: %s is neither the old nor the new version", p, describe(fi)))
		}
	}
	for p, v := range want {
		if _, ok := s.entries[p]; !ok && p != "." && v.inOld && v.inNew {
			bad = append(bad, fmt.Sprintf("%q: missing (both versions have it)", p))
		}
	}
	return bad
}

func matches(fi fileInfo, in bool, kind nodeKind, sum [32]byte, target string) bool {
	switch {
	case !in:
		return false
	case kind == kFile:
		return fi.Type == 'f' && fi.Sum == sum
	case kind == kSymlink:
		return fi.Type == 'l' && fi.Target == target
	case kind == kDir:
		return fi.Type == 'd'
	}
	return false
}

// isParentOf reports whether dir is a parent directory of a wanted path.
func isParentOf(dir string, want map[string]*version) bool {
	for p := range want {
		if len(p) > len(dir) && p[:len(dir)] == dir && p[len(dir)] == '/' {
			return true
		}
	}
	return false
}

func joinMax(lines []string, max int) string {
	out := ""
	for i, l := range lines {
		if i == max {
			return out + fmt.Sprintf("... and %d more", len(lines)-max)
		}
		out += l + "\n"
	}
	return out
}
