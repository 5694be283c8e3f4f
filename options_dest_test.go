package ferry

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/session"
	"github.com/ferrysync/ferry/internal/wire"
)

func TestDestOptions(t *testing.T) {
	many := make([]string, 21)
	for i := range many {
		many[i] = "d"
	}
	tests := []struct {
		name    string
		opts    Options
		want    session.Config
		wantErr error
		msg     string
	}{
		{name: "none", opts: Options{}},
		{name: "backup: suffix ~ by default", opts: Options{Backup: true}, want: session.Config{Backup: true, Suffix: "~"}},
		{name: "backup dir implies backup, no suffix", opts: Options{BackupDir: "../bk"}, want: session.Config{Backup: true, BackupDir: "../bk"}},
		{name: "suffix given", opts: Options{Backup: true, BackupDir: "bk", Suffix: ".1"}, want: session.Config{Backup: true, BackupDir: "bk", Suffix: ".1"}},
		{name: "suffix alone does not back up", opts: Options{Suffix: ".1"}},
		{name: "link-dest", opts: Options{LinkDest: []string{"../a", "/b"}}, want: session.Config{BasisKind: wire.BasisLink, BasisDirs: []string{"../a", "/b"}}},
		{name: "compare-dest", opts: Options{CompareDest: []string{"c"}}, want: session.Config{BasisKind: wire.BasisCompare, BasisDirs: []string{"c"}}},
		{name: "copy-dest", opts: Options{CopyDest: []string{"c"}}, want: session.Config{BasisKind: wire.BasisCopy, BasisDirs: []string{"c"}}},
		{name: "suffix with a slash", opts: Options{Backup: true, Suffix: "a/b"}, wantErr: ErrBadOption, msg: "cannot contain slashes"},
		{name: "backup dir is the destination, no suffix", opts: Options{BackupDir: "./"}, wantErr: ErrBadOption, msg: "destination itself"},
		{name: "two kinds", opts: Options{LinkDest: []string{"a"}, CopyDest: []string{"b"}}, wantErr: ErrBadOption, msg: "--copy-dest option conflicts with the --link-dest"},
		{name: "21 link-dests", opts: Options{LinkDest: many}, wantErr: ErrBadOption, msg: "at most 20"},
		{name: "delay-updates with inplace", opts: Options{DelayUpdates: true, Inplace: true}, wantErr: ErrBadOption, msg: "--delay-updates cannot be combined with --inplace"},
		{name: "temp dir with NUL", opts: Options{TempDir: "a\x00b"}, wantErr: ErrBadOption, msg: "NUL"},
		{name: "empty basis dir", opts: Options{CompareDest: []string{""}}, wantErr: ErrBadOption},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got session.Config
			err := destOptions(tc.opts, &got)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.msg) {
					t.Fatalf("err = %v, want %v with %q", err, tc.wantErr, tc.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("config %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestLinkDestSync is the snapshot backup through the public API: a
// second snapshot links what did not change to the first.
func TestLinkDestSync(t *testing.T) {
	base := t.TempDir()
	src := filepath.Join(base, "src")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(src, "d"), 0o755))
	must(os.WriteFile(filepath.Join(src, "d/kept"), []byte("kept"), 0o644))
	must(os.WriteFile(filepath.Join(src, "changed"), []byte("v1"), 0o644))
	opts := DefaultOptions()
	_, err := Sync(t.Context(), src+"/", filepath.Join(base, "snap/1"), func() Options { o := opts; o.MkPath = true; return o }())
	must(err)
	must(os.WriteFile(filepath.Join(src, "changed"), []byte("version 2"), 0o644))
	opts.LinkDest, opts.Delete = []string{"../1"}, true
	_, err = Sync(t.Context(), src+"/", filepath.Join(base, "snap/2"), opts)
	must(err)
	a, err := os.Stat(filepath.Join(base, "snap/1/d/kept"))
	must(err)
	b, err := os.Stat(filepath.Join(base, "snap/2/d/kept"))
	must(err)
	if !os.SameFile(a, b) {
		t.Errorf("d/kept is not linked to the previous snapshot")
	}
	if got, _ := os.ReadFile(filepath.Join(base, "snap/2/changed")); string(got) != "version 2" {
		t.Errorf("changed: %q", got)
	}
	if got, _ := os.ReadFile(filepath.Join(base, "snap/1/changed")); string(got) != "v1" {
		t.Errorf("the previous snapshot changed: %q", got)
	}
}

// TestDelayUpdatesPartialDir: --delay-updates holds files in rsync's
// ".~tmp~" unless --partial-dir names another directory.
func TestDelayUpdatesPartialDir(t *testing.T) {
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{DelayUpdates: true}, ".~tmp~"},
		{Options{DelayUpdates: true, PartialDir: ".pd"}, ".pd"},
		{Options{}, ".ferry-partial"},
	} {
		cfg := sessionConfig(tc.opts)
		if cfg.PartialDir != tc.want || cfg.DelayUpdates != tc.opts.DelayUpdates {
			t.Errorf("%+v: partial dir %q, delay %v; want %q", tc.opts, cfg.PartialDir, cfg.DelayUpdates, tc.want)
		}
	}
}
