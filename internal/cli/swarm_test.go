package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/swarm"
)

// startSwarmOrigin runs "ferry serve" with a swarm origin module "data"
// holding files, accepting mirror user "seeder" (password "pw").
func startSwarmOrigin(t *testing.T, files map[string]string) (addr, key, dir string) {
	t.Helper()
	root := t.TempDir()
	dir = filepath.Join(root, "data")
	for name, c := range files {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		writeTestFile(t, filepath.Join(dir, name), c)
	}
	pub, err := swarm.GenerateKey(filepath.Join(root, "swarm.key"))
	if err != nil {
		t.Fatal(err)
	}
	secrets := filepath.Join(root, "mirrors.secrets")
	writeTestFile(t, secrets, "seeder:pw\n")
	os.Chmod(secrets, 0o600)
	addr = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	conf := filepath.Join(root, "ferryd.toml")
	writeTestFile(t, conf, fmt.Sprintf(`listen = [%q]
[module.data]
path = %q
swarm = true
swarm_key = %q
mirror_secrets_file = %q
`, addr, dir, filepath.Join(root, "swarm.key"), secrets))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var logs bytes.Buffer
	go func() { done <- Main(ctx, []string{"serve", "--config", conf}, nil, &logs, &logs) }()
	t.Cleanup(func() { cancel(); <-done })
	waitListening(t, addr)
	return addr, swarm.FormatKey(pub), dir
}

// waitListening waits until addr accepts connections (a daemon starting).
func waitListening(t *testing.T, addr string) {
	t.Helper()
	for i := 0; ; i++ {
		if code, _, _ := runCLI(t, "ferry://"+addr+"/"); code == ExitOK {
			return
		}
		if i == 500 {
			t.Fatalf("nothing listens on %s", addr)
		}
		time.Sleep(10 * time.Millisecond) // polling a daemon's start, not a timing assertion
	}
}

// TestSwarmSeedServesNextClient: a client fetches with --swarm and seeds;
// the origin lists it (--mirrors) and the next client fetches everything
// from it, nothing from the origin.
func TestSwarmSeedServesNextClient(t *testing.T) {
	files := map[string]string{"big": strings.Repeat("0123456789", 300000), "d/small": "small\n"}
	origin, key, src := startSwarmOrigin(t, files)
	t.Setenv("FERRY_PASSWORD", "pw")
	seedAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	dst1, dst2 := filepath.Join(t.TempDir(), "one"), filepath.Join(t.TempDir(), "two")

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	var e1 bytes.Buffer
	go func() {
		done <- Main(ctx, []string{"--swarm", "--swarm-key", key, "--seed", seedAddr, "--seed-time", "0",
			"ferry://seeder@" + origin + "/data/", dst1}, strings.NewReader(""), &bytes.Buffer{}, &e1)
	}()
	defer func() { cancel(); <-done }()
	for i := 0; ; i++ {
		_, out, _ := runCLI(t, "--mirrors", "ferry://"+origin+"/data")
		if strings.Contains(out, "ferry://"+seedAddr+"/data") && strings.Contains(out, " current ") {
			break
		}
		if i == 500 {
			t.Fatalf("the seed never registered: %q; its stderr: %s", out, e1.String())
		}
		time.Sleep(10 * time.Millisecond) // polling for the registration, not a timing assertion
	}
	code, out, stderr := runCLI(t, "--swarm", "--swarm-key", key, "--json", "ferry://"+origin+"/data/", dst2)
	if code != ExitOK {
		t.Fatalf("second client: exit %d: %s", code, stderr)
	}
	var res struct {
		Sources []struct {
			Name   string
			Chunks int
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(res.Sources) != 2 || res.Sources[0].Chunks != 0 || res.Sources[1].Name != "ferry://"+seedAddr+"/data" || res.Sources[1].Chunks != 4 {
		t.Fatalf("sources %+v, want everything from the seed", res.Sources)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dst2, name))
		if err != nil || string(got) != want {
			t.Fatalf("%s: %d bytes, %v", name, len(got), err)
		}
		_ = src
	}
}

// TestSwarmNeedsKey: without --swarm-key over plain TCP the run is refused
// (exit 1) before anything is fetched.
func TestSwarmNeedsKey(t *testing.T) {
	origin, _, _ := startSwarmOrigin(t, map[string]string{"f": "x"})
	dst := filepath.Join(t.TempDir(), "dst")
	code, _, stderr := runCLI(t, "--swarm", "ferry://"+origin+"/data/", dst)
	if code != ExitUsage || !strings.Contains(stderr, "public key") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(dst); !os.IsNotExist(err) {
		t.Fatalf("destination made")
	}
	for _, opt := range []string{"--checksum", "-u"} {
		code, _, stderr := runCLI(t, "--swarm", opt, "--swarm-key", "ed25519:"+strings.Repeat("00", 32), "ferry://"+origin+"/data/", dst)
		if code != ExitUsage || !strings.Contains(stderr, "--swarm cannot honour "+map[string]string{"-u": "--update", "--checksum": "--checksum"}[opt]) {
			t.Fatalf("%s: exit %d, stderr %q", opt, code, stderr)
		}
	}
}

// TestSwarmJSONProgress: --json --progress writes swarm-progress objects,
// the last one complete, then the swarm summary.
func TestSwarmJSONProgress(t *testing.T) {
	origin, key, _ := startSwarmOrigin(t, map[string]string{"f": strings.Repeat("x", 3<<20)})
	code, out, stderr := runCLI(t, "--swarm", "--swarm-key", key, "--json", "--progress", "ferry://"+origin+"/data/", t.TempDir())
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var last, summary map[string]any
	json.Unmarshal([]byte(lines[len(lines)-2]), &last)
	json.Unmarshal([]byte(lines[len(lines)-1]), &summary)
	if last["event"] != "swarm-progress" || last["bytes_done"] != float64(3<<20) || summary["event"] != "swarm" {
		t.Fatalf("output:\n%s", out)
	}
}

// TestSwarmByDefault: a plain pull of a module that offers swarm is a
// swarm fetch (its JSON summary is the swarm one) with the origin's key
// trusted as the normal sync would; --no-swarm, and an option the swarm
// path cannot honour, make it the normal sync (a -v note says which);
// --swarm with such an option is refused by name.
func TestSwarmByDefault(t *testing.T) {
	files := map[string]string{"a": strings.Repeat("a", 3<<20), "d/b": "b\n"}
	origin, _, _ := startSwarmOrigin(t, files)
	src := "ferry://" + origin + "/data/"
	for _, tc := range []struct {
		name  string
		args  []string
		swarm bool
		note  string
	}{
		{"default", []string{"-v"}, true, "offers the swarm service: swarm fetch"},
		{"no-swarm", []string{"-v", "--no-swarm"}, false, ""},
		{"unsupported", []string{"-v", "--checksum"}, false, "the swarm path cannot honour --checksum"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "dst")
			code, out, stderr := runCLI(t, append(append([]string{"--json"}, tc.args...), src, dst)...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if got := strings.Contains(out, `"event":"swarm"`); got != tc.swarm {
				t.Fatalf("swarm fetch %v, want %v; stdout:\n%s\nstderr:\n%s", got, tc.swarm, out, stderr)
			}
			if !strings.Contains(stderr, tc.note) {
				t.Fatalf("stderr %q lacks %q", stderr, tc.note)
			}
			for name, want := range files {
				if got, err := os.ReadFile(filepath.Join(dst, name)); err != nil || string(got) != want {
					t.Fatalf("%s: %d bytes, %v", name, len(got), err)
				}
			}
		})
	}
	dst := filepath.Join(t.TempDir(), "dst")
	for _, args := range [][]string{{"--swarm", "--checksum"}, {"--swarm", "--no-swarm"}} {
		code, _, stderr := runCLI(t, append(args, src, dst)...)
		if code != ExitUsage || !strings.Contains(stderr, args[1]) {
			t.Fatalf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	if _, err := os.Stat(dst); !os.IsNotExist(err) {
		t.Fatalf("a refused run made the destination")
	}
}

// treeOf lists dir: path -> content ("/" for a directory, "-> T" for a
// symlink).
func treeOf(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case fi.IsDir():
			out[rel] = "/"
		case fi.Mode()&os.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			out[rel] = "-> " + l
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSwarmSubpath: a path inside the module, with and without the
// trailing slash, a file alone, gives what the normal sync gives.
func TestSwarmSubpath(t *testing.T) {
	files := map[string]string{"a": "a\n", "d/b": strings.Repeat("b", 3<<20), "d/e/c": "c\n", "x/y": "y\n", "d2/z": "z\n"}
	origin, key, _ := startSwarmOrigin(t, files)
	for _, sub := range []string{"d/", "d", "d/e/c", "d/e/"} {
		t.Run(sub, func(t *testing.T) {
			src := "ferry://" + origin + "/data/" + sub
			want, got := filepath.Join(t.TempDir(), "want"), filepath.Join(t.TempDir(), "got")
			if code, _, stderr := runCLI(t, "--no-swarm", src, want+"/"); code != ExitOK {
				t.Fatalf("normal sync: exit %d: %s", code, stderr)
			}
			code, out, stderr := runCLI(t, "--swarm", "--swarm-key", key, "--json", src, got+"/")
			if code != ExitOK || !strings.Contains(out, `"event":"swarm"`) {
				t.Fatalf("swarm: exit %d: %s %s", code, out, stderr)
			}
			w, g := treeOf(t, want), treeOf(t, got)
			if fmt.Sprint(w) != fmt.Sprint(g) {
				t.Fatalf("swarm gave %v, the normal sync %v", g, w)
			}
		})
	}
	code, _, stderr := runCLI(t, "--swarm", "--swarm-key", key, "ferry://"+origin+"/data/nothere/", filepath.Join(t.TempDir(), "dst"))
	if code != ExitPartial || !strings.Contains(stderr, "nothere") {
		t.Fatalf("a missing path: exit %d, stderr %q", code, stderr)
	}
}

// TestSwarmDelete: --delete removes what the module does not have, as the
// normal sync's --delete does, for the whole module and for a path in it.
func TestSwarmDelete(t *testing.T) {
	files := map[string]string{"a": "a\n", "d/b": strings.Repeat("b", 3<<20), "d/e/c": "c\n"}
	origin, key, _ := startSwarmOrigin(t, files)
	old := map[string]string{"a": "old a\n", "gone": "x", "d/gone": "x", "d/olddir/f": "x", "d/e/c": "c\n", "keep/z": "z"}
	for _, sub := range []string{"", "d/", "d"} {
		t.Run("/"+sub, func(t *testing.T) {
			src := "ferry://" + origin + "/data/" + sub
			want, got := filepath.Join(t.TempDir(), "want"), filepath.Join(t.TempDir(), "got")
			for _, dir := range []string{want, got} {
				for name, c := range old {
					os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
					writeTestFile(t, filepath.Join(dir, name), c)
				}
			}
			if code, _, stderr := runCLI(t, "--no-swarm", "--delete", src, want+"/"); code != ExitOK {
				t.Fatalf("normal sync: exit %d: %s", code, stderr)
			}
			code, out, stderr := runCLI(t, "--swarm", "--swarm-key", key, "--delete", "-v", src, got+"/")
			if code != ExitOK || !strings.Contains(out, "deleting ") {
				t.Fatalf("swarm: exit %d: %s %s", code, out, stderr)
			}
			w, g := treeOf(t, want), treeOf(t, got)
			if fmt.Sprint(w) != fmt.Sprint(g) {
				t.Fatalf("swarm gave %v, the normal sync %v", g, w)
			}
		})
	}
}

// TestSwarmFilters: --exclude/--include/--filter, with --delete and
// --delete-excluded, give what the normal sync gives; a dir-merge rule is
// refused by --swarm by name.
func TestSwarmFilters(t *testing.T) {
	files := map[string]string{"a": "a\n", "a.tmp": "t", "skip/x": "x", "d/keep1": "k", "d/drop": "d",
		"d/sub/deep": "s", "big": strings.Repeat("b", 3<<20)}
	origin, key, _ := startSwarmOrigin(t, files)
	old := map[string]string{"old.tmp": "protected unless --delete-excluded", "gone": "x", "skip/old": "y", "d/drop": "old"}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"exclude", []string{"--exclude", "*.tmp", "--exclude", "skip/"}},
		{"include", []string{"--include", "d/", "--include", "d/keep*", "--exclude", "d/*"}},
		{"filter-delete", []string{"--filter", "- *.tmp", "--filter", "- skip/", "--delete"}},
		{"delete-excluded", []string{"--exclude", "*.tmp", "--exclude", "skip/", "--delete-excluded"}},
		{"sub-exclude", []string{"--exclude", "sub/", "--delete"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "ferry://" + origin + "/data/"
			want, got := filepath.Join(t.TempDir(), "want"), filepath.Join(t.TempDir(), "got")
			for _, dir := range []string{want, got} {
				for name, c := range old {
					os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
					writeTestFile(t, filepath.Join(dir, name), c)
				}
			}
			if code, _, stderr := runCLI(t, append(append([]string{"--no-swarm"}, tc.args...), src, want+"/")...); code != ExitOK {
				t.Fatalf("normal sync: exit %d: %s", code, stderr)
			}
			code, out, stderr := runCLI(t, append(append([]string{"--json"}, tc.args...), src, got+"/")...)
			if code != ExitOK || !strings.Contains(out, `"event":"swarm"`) {
				t.Fatalf("swarm by default: exit %d: %s %s", code, out, stderr)
			}
			w, g := treeOf(t, want), treeOf(t, got)
			if fmt.Sprint(w) != fmt.Sprint(g) {
				t.Fatalf("swarm gave %v, the normal sync %v", g, w)
			}
		})
	}
	code, _, stderr := runCLI(t, "--swarm", "--swarm-key", key, "--filter", ": .rules", "ferry://"+origin+"/data/", t.TempDir())
	if code != ExitUsage || !strings.Contains(stderr, "dir-merge") {
		t.Fatalf("dir-merge: exit %d, stderr %q", code, stderr)
	}
}

// TestSwarmDryRun: -n (with and without --delete, -v) prints what the
// normal sync's dry run prints, and writes nothing.
func TestSwarmDryRun(t *testing.T) {
	files := map[string]string{"a": "a\n", "d/b": strings.Repeat("b", 3<<20), "d/e/c": "c\n", "new/x": "x"}
	origin, key, _ := startSwarmOrigin(t, files)
	src := "ferry://" + origin + "/data/"
	dst := filepath.Join(t.TempDir(), "dst")
	for name, c := range map[string]string{"a": "changed\n", "gone": "x", "olddir/f": "y", "d/e/c": "c\n"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dst, name)), 0o755)
		writeTestFile(t, filepath.Join(dst, name), c)
	}
	before := treeOf(t, dst)
	lines := func(s string) string {
		l := strings.Split(strings.TrimSpace(s), "\n")
		slices.Sort(l)
		return strings.Join(l, "\n")
	}
	for _, args := range [][]string{{"-n"}, {"-n", "--delete"}, {"-n", "-v", "--delete"}, {"-n", "-i"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			for _, d := range []string{dst, filepath.Join(t.TempDir(), "missing")} {
				code, want, stderr := runCLI(t, append(append([]string{"--no-swarm"}, args...), src, d+"/")...)
				if code != ExitOK {
					t.Fatalf("normal sync: exit %d: %s", code, stderr)
				}
				code, got, stderr := runCLI(t, append(append([]string{"--swarm", "--swarm-key", key}, args...), src, d+"/")...)
				if code != ExitOK {
					t.Fatalf("swarm: exit %d: %s", code, stderr)
				}
				if slices.Contains(args, "-v") { // the summaries differ; the lines of changes must not
					want, got = changeLines(want), changeLines(got)
				}
				if lines(got) != lines(want) {
					t.Fatalf("%s: swarm -n printed\n%s\nthe normal sync\n%s", d, got, want)
				}
				if _, err := os.Stat(filepath.Join(filepath.Dir(d), "missing")); err == nil {
					t.Fatalf("a dry run made the destination")
				}
			}
			if after := treeOf(t, dst); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Fatalf("a dry run changed the destination: %v", after)
			}
		})
	}
}

// changeLines keeps the lines of -v output that name entries.
func changeLines(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" && !strings.Contains(l, "bytes") && !strings.Contains(l, "speedup") && !strings.Contains(l, "receiving") &&
			!strings.Contains(l, "chunks") && !strings.HasPrefix(l, "generation") && !strings.Contains(l, "DRY RUN") && !strings.HasPrefix(l, "  ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestSwarmByDefaultKeepsOwners: as root, a default pull that becomes a
// swarm fetch keeps owners and groups, as the normal sync (--no-swarm)
// does; a swarm fetch that dropped them was a regression.
func TestSwarmByDefaultKeepsOwners(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown")
	}
	files := map[string]string{"a": "a\n", "d/b": "b\n"}
	origin, _, dir := startSwarmOrigin(t, files)
	for _, p := range []string{"a", "d", "d/b"} {
		if err := os.Lchown(filepath.Join(dir, p), 4242, 4343); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"-a"}, {"-a", "--no-swarm"}} {
		dst := filepath.Join(t.TempDir(), "dst")
		code, out, stderr := runCLI(t, append(args, "--json", "ferry://"+origin+"/data/", dst)...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if swarmed := strings.Contains(out, `"event":"swarm"`); swarmed != (len(args) == 1) {
			t.Fatalf("%v: swarm fetch %v", args, swarmed)
		}
		for _, p := range []string{"a", "d", "d/b"} {
			fi, err := os.Lstat(filepath.Join(dst, p))
			if err != nil {
				t.Fatal(err)
			}
			if st := fi.Sys().(*syscall.Stat_t); st.Uid != 4242 || st.Gid != 4343 {
				t.Errorf("%v: %s owned by %d:%d, want 4242:4343", args, p, st.Uid, st.Gid)
			}
		}
	}
}
