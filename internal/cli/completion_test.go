package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// completionScript returns what "ferry completion SHELL" prints.
func completionScript(t *testing.T, shell string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := Main(t.Context(), []string{"completion", shell}, nil, &stdout, &stderr); code != ExitOK || stderr.Len() != 0 {
		t.Fatalf("completion %s: exit %d, stderr %q", shell, code, stderr.String())
	}
	return stdout.String()
}

func TestCompletionArgs(t *testing.T) {
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"completion", "bash", "zsh"}} {
		var stdout, stderr bytes.Buffer
		if code := Main(t.Context(), args, nil, &stdout, &stderr); code != ExitUsage || stdout.Len() != 0 {
			t.Errorf("%q: exit %d, stdout %q", args, code, stdout.String())
		}
	}
}

// TestCompletionBash sources the script in a real bash and completes
// command lines by calling _ferry with COMP_WORDS and COMP_CWORD set, as
// bash does.
func TestCompletionBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("bash is required under CI=true")
		}
		t.Skip("bash is not installed")
	}
	dir := t.TempDir()
	script := filepath.Join(t.TempDir(), "ferry.bash")
	if err := os.WriteFile(script, []byte(completionScript(t, "bash")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"list.txt", "lib/", "other"} {
		p := filepath.Join(dir, name)
		if strings.HasSuffix(name, "/") {
			err = os.Mkdir(p, 0o755)
		} else {
			err = os.WriteFile(p, nil, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// complete prints the replies for words, the last being completed.
	complete := func(t *testing.T, words ...string) []string {
		t.Helper()
		var q []string
		for _, w := range words {
			q = append(q, "'"+strings.ReplaceAll(w, "'", `'\''`)+"'")
		}
		prog := "source \"$1\" || exit 9\ncomplete -p ferry || exit 8\n" +
			"COMP_WORDS=(" + strings.Join(q, " ") + ")\nCOMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n" +
			"_ferry; printf '%s\\n' \"${COMPREPLY[@]}\"\n"
		cmd := exec.CommandContext(t.Context(), bash, "--norc", "--noprofile", "-c", prog, "bash", script)
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() > 0 {
			t.Fatalf("bash: %v\n%s", err, stderr.String())
		}
		lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if first := lines[0]; first != "complete -F _ferry ferry" {
			t.Fatalf("complete -p ferry printed %q", first)
		}
		lines = slices.DeleteFunc(lines[1:], func(s string) bool { return s == "" })
		slices.Sort(lines)
		return lines
	}
	tests := []struct {
		name  string
		words []string
		want  []string
	}{
		{"long option", []string{"ferry", "--del"}, []string{"--del", "--delay-updates", "--delete", "--delete-after", "--delete-before", "--delete-delay", "--delete-during", "--delete-excluded"}},
		{"option with a value", []string{"ferry", "--exclude-f"}, []string{"--exclude-from="}},
		{"short options", []string{"ferry", "-v", "-"}, nil}, // checked below: holds -v and --verbose
		{"file after =", []string{"ferry", "--exclude-from", "=", "li"}, []string{"lib", "list.txt"}},
		{"file after = empty", []string{"ferry", "--files-from", "=", ""}, []string{"lib", "list.txt", "other"}},
		{"file as next word", []string{"ferry", "--password-file", "o"}, []string{"other"}},
		{"dir", []string{"ferry", "--partial-dir", "=", ""}, []string{"lib"}},
		{"no completion for a pattern", []string{"ferry", "--exclude", "=", "l"}, nil},
		{"first operand", []string{"ferry", ""}, []string{"completion", "lib", "list.txt", "man", "other", "rdiff", "serve", "watch"}},
		{"later operand", []string{"ferry", "lib/", "l"}, []string{"lib", "list.txt"}},
		{"completion shells", []string{"ferry", "completion", ""}, []string{"bash", "fish", "zsh"}},
		{"rdiff actions", []string{"ferry", "rdiff", "-f", "d"}, []string{"delta"}},
		{"rdiff files", []string{"ferry", "rdiff", "delta", "o"}, []string{"other"}},
		{"rdiff values", []string{"ferry", "rdiff", "--hash", "=", ""}, []string{"blake2", "md4"}},
		{"rdiff short values", []string{"ferry", "rdiff", "-R", ""}, []string{"rabinkarp", "rollsum"}},
		{"serve options", []string{"ferry", "serve", "--"}, []string{"--config=", "--listen="}},
		{"serve config file", []string{"ferry", "serve", "--config", "=", "li"}, []string{"lib", "list.txt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := complete(t, tt.words...)
			if tt.name == "short options" {
				for _, w := range []string{"-v", "--verbose", "--exclude=", "-e", "--no-W"} {
					if !slices.Contains(got, w) {
						t.Errorf("%q lacks %q", got, w)
					}
				}
				if slices.Contains(got, "--atimes") {
					t.Errorf("%q offers an unsupported option", got)
				}
				return
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("completing %q: got %q, want %q", tt.words, got, tt.want)
			}
		})
	}
}

// TestCompletionGolden holds the zsh and fish scripts (whose shells may be
// missing here) to reviewed text, and runs their shells' syntax check when
// installed; go test -update accepts a change.
func TestCompletionGolden(t *testing.T) {
	for _, shell := range []string{"zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			script := completionScript(t, shell)
			checkGolden(t, "completion."+shell+".golden", script)
			path, err := exec.LookPath(shell)
			if err != nil {
				t.Skipf("%s is not installed: its script is checked against the golden file only", shell)
			}
			cmd := exec.CommandContext(t.Context(), path, "-n")
			cmd.Stdin = strings.NewReader(script)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s -n: %v\n%s", shell, err, out)
			}
		})
	}
}

// TestCompletionOptions checks that every script offers every visible
// option of every command, with its spellings.
func TestCompletionOptions(t *testing.T) {
	scripts := map[string]string{}
	for _, shell := range completionShells {
		scripts[shell] = completionScript(t, shell)
	}
	for _, c := range complCommands() {
		for _, o := range c.options {
			for _, l := range o.long {
				want := map[string]string{"bash": "--" + l, "zsh": "'*--" + l, "fish": " -l " + l}
				for shell, w := range want {
					if !strings.Contains(scripts[shell], w) {
						t.Errorf("%s script lacks %q (command %q)", shell, w, c.name)
					}
				}
			}
		}
	}
}

// TestCompletionFish loads the script in a real fish, when installed, and
// completes command lines with "complete -C".
func TestCompletionFish(t *testing.T) {
	fish, err := exec.LookPath("fish")
	if err != nil {
		t.Skip("fish is not installed: its script is checked against the golden file only")
	}
	script := filepath.Join(t.TempDir(), "ferry.fish")
	if err := os.WriteFile(script, []byte(completionScript(t, "fish")), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "list.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		line string
		want []string // the first field of each candidate, sorted
	}{
		{"ferry --del", []string{"--del", "--delay-updates", "--delete", "--delete-after", "--delete-before", "--delete-delay", "--delete-during", "--delete-excluded"}},
		{"ferry --exclude-from=li", []string{"--exclude-from=list.txt"}},
		{"ferry ", []string{"completion", "list.txt", "man", "rdiff", "serve", "watch"}},
		{"ferry completion ", []string{"bash", "fish", "zsh"}},
		{"ferry rdiff --hash ", []string{"blake2", "md4"}},
		{"ferry serve --", []string{"--config", "--listen"}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), fish, "--no-config", "-c", "source $argv[1]; complete -C $argv[2]", script, tt.line)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("fish: %v\n%s", err, out)
			}
			var got []string
			for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				got = append(got, strings.Split(l, "\t")[0])
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("complete -C %q: got %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}
