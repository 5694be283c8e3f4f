//go:build linux

package fsys

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		allowRoot bool
		ok        bool
	}{
		{"simple", "a", false, true},
		{"nested", "a/b/c", false, true},
		{"dotfile", ".hidden", false, true},
		{"dots inside", "a..b/c...", false, true},
		{"root allowed", ".", true, true},
		{"root refused", ".", false, false},
		{"empty", "", true, false},
		{"absolute", "/etc/passwd", false, false},
		{"dotdot", "..", false, false},
		{"dotdot prefix", "../x", false, false},
		{"dotdot inside", "a/../../x", false, false},
		{"dotdot last", "a/..", false, false},
		{"dot inside", "a/./b", false, false},
		{"double slash", "a//b", false, false},
		{"trailing slash", "a/", false, false},
		{"nul", "a\x00b", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkName(tc.in, tc.allowRoot)
			if tc.ok && err != nil {
				t.Fatalf("checkName(%q) = %v, want nil", tc.in, err)
			}
			if !tc.ok && !errors.Is(err, ErrUnsafePath) {
				t.Fatalf("checkName(%q) = %v, want ErrUnsafePath", tc.in, err)
			}
		})
	}
}

func TestTempName(t *testing.T) {
	tests := []struct {
		name string
		base string
	}{
		{"short", "file.txt"},
		{"dotfile", ".bashrc"},
		{"max length", strings.Repeat("x", 255)},
		{"just over temp budget", strings.Repeat("y", maxTempBase+1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := tempName(tc.base)
			if len(n) > nameMax {
				t.Errorf("len(%q) = %d > %d", n, len(n), nameMax)
			}
			if !IsTempName(n) {
				t.Errorf("IsTempName(%q) = false", n)
			}
			if n == tempName(tc.base) {
				t.Errorf("two temp names for %q are equal", tc.base)
			}
			prefix := tc.base
			if len(prefix) > maxTempBase {
				prefix = prefix[:maxTempBase]
			}
			if !strings.HasPrefix(n, "."+prefix+".") {
				t.Errorf("temp name %q does not start with .%s.", n, prefix)
			}
		})
	}
}

func TestIsTempName(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{".a.abcdefgh.ferry-tmp", true},
		{"a.abcdefgh.ferry-tmp", false},
		{".a.abcdefg1.ferry-tmp", false},
		{".a.abcdefgh.ferry-tmpx", false},
		{".a-abcdefgh.ferry-tmp", false},
		{".ferry-partial", false},
		{"file", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := IsTempName(tc.in); got != tc.want {
				t.Errorf("IsTempName(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestPartialPath(t *testing.T) {
	r := &Root{}
	tests := []struct {
		name, file, partialDir, want string
	}{
		{"default top", "f", "", ".ferry-partial/f"},
		{"default nested", "a/b/f", "", "a/b/.ferry-partial/f"},
		{"custom", "a/f", ".part", "a/.part/f"},
		{"custom nested", "a/f", "x/y", "a/x/y/f"},
		{"up one stays inside", "a/f", "../p", "p/f"},
		{"escapes", "a/f", "../../p", ""},
		{"absolute", "a/f", "/tmp/p", ""},
		{"is the dir", "a/f", ".", ""},
		{"unsafe file", "../f", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.PartialPath(tc.file, tc.partialDir); got != tc.want {
				t.Errorf("PartialPath(%q, %q) = %q, want %q", tc.file, tc.partialDir, got, tc.want)
			}
		})
	}
}
