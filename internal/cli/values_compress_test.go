package cli

import (
	"slices"
	"strings"
	"testing"
)

func TestParseCompressOptions(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		compress bool
		level    int
		skip     []string // nil: the default list
		bwlimit  int64
	}{
		{"none", nil, false, 0, nil, 0},
		{"z", []string{"-avz"}, true, 0, nil, 0},
		{"long", []string{"--compress"}, true, 0, nil, 0},
		{"level implies z", []string{"--compress-level=9"}, true, 9, nil, 0},
		{"skip", []string{"-z", "--skip-compress=GZ/.mp[34]/7z"}, true, 0, []string{"gz", "mp3", "mp4", "7z"}, 0},
		{"skip nothing", []string{"-z", "--skip-compress="}, true, 0, []string{}, 0},
		{"bwlimit KiB", []string{"--bwlimit=100"}, false, 0, nil, 100 << 10},
		{"bwlimit k", []string{"--bwlimit", "1.5k"}, false, 0, nil, 1536},
		{"bwlimit M", []string{"--bwlimit=2M"}, false, 0, nil, 2 << 20},
		{"bwlimit MiB", []string{"--bwlimit=1mib"}, false, 0, nil, 1 << 20},
		{"bwlimit MB", []string{"--bwlimit=1MB"}, false, 0, nil, 1000000},
		{"bwlimit G", []string{"--bwlimit=1g"}, false, 0, nil, 1 << 30},
		{"bwlimit bytes", []string{"--bwlimit=4096b"}, false, 0, nil, 4096},
		{"bwlimit comma", []string{"--bwlimit=0,5m"}, false, 0, nil, 512 << 10},
		{"bwlimit off", []string{"--bwlimit=0"}, false, 0, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseSync(append(tt.args, "src/", "dst"), strings.NewReader(""))
			if err != nil {
				t.Fatal(err)
			}
			s := o.sync
			if s.Compress != tt.compress || s.CompressLevel != tt.level || s.BWLimit != tt.bwlimit {
				t.Errorf("compress %v level %d bwlimit %d, want %v %d %d", s.Compress, s.CompressLevel, s.BWLimit, tt.compress, tt.level, tt.bwlimit)
			}
			if (s.SkipCompress == nil) != (tt.skip == nil) || !slices.Equal(s.SkipCompress, tt.skip) {
				t.Errorf("skip %q, want %q", s.SkipCompress, tt.skip)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	for _, bad := range []string{"", "k", "1x", "1kk", "1.2.3", "-1", "1e3", "0x10", "1ib", "NaN", "inf", "99999999999999g"} {
		if n, err := parseSize(bad, 1024); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", bad, n)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"100", "1.5k", "2M", "1mib", "1MB", "4096b", "0,5m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := parseSize(s, 1024); err == nil && n < 0 {
			t.Fatalf("parseSize(%q) = %d", s, n)
		}
		var list []string
		(&skipCompressFlag{list: &list}).Set(s)
		if len(list) > maxSkipSuffixes {
			t.Fatalf("%q expanded to %d suffixes", s, len(list))
		}
	})
}
