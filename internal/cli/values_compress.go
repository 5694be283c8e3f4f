package cli

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// Values of the compression and pacing options: --compress-level,
// --skip-compress and --bwlimit.

// minBWLimit is the smallest non-zero --bwlimit, in bytes per second (as
// rsync's).
const minBWLimit = 512

// bwlimitFlag is --bwlimit=RATE: bytes per second with rsync's size
// syntax. A bare number is KiB; suffixes b (bytes), k, m, g, t (1024-based,
// also written kib, mib...) or kb, mb, gb, tb (1000-based), in any case;
// the number may have a fraction ("1.5m"). 0 means no limit.
type bwlimitFlag struct{ n *int64 }

func (v *bwlimitFlag) String() string { return strconv.FormatInt(*v.n, 10) }
func (v *bwlimitFlag) Type() string   { return "rate" }

func (v *bwlimitFlag) Set(s string) error {
	n, err := parseSize(s, 1024)
	if err != nil {
		return err
	}
	if n != 0 && n < minBWLimit {
		return errors.New("ferry: --bwlimit below 512 bytes per second")
	}
	*v.n = n
	return nil
}

// parseSize parses rsync's size syntax; unit multiplies a bare number.
func parseSize(s string, unit int64) (int64, error) {
	num := strings.TrimRight(s, "bBiIkKmMgGtT")
	suffix := strings.ToLower(s[len(num):])
	var mult float64
	switch suffix {
	case "":
		mult = float64(unit)
	case "b":
		mult = 1
	default:
		exp := strings.IndexByte("kmgt", suffix[0]) + 1
		if exp == 0 {
			return 0, strconv.ErrSyntax
		}
		switch suffix[1:] {
		case "", "ib":
			mult = math.Pow(1024, float64(exp))
		case "b":
			mult = math.Pow(1000, float64(exp))
		default:
			return 0, strconv.ErrSyntax
		}
	}
	f, err := strconv.ParseFloat(strings.Replace(num, ",", ".", 1), 64)
	if err != nil || num == "" || strings.ContainsAny(num, "eEnNxXpP+-") {
		return 0, strconv.ErrSyntax
	}
	if f < 0 || f*mult >= math.MaxInt64/2 {
		return 0, strconv.ErrRange
	}
	return int64(f * mult), nil
}

// compressLevelFlag is --compress-level=NUM, a zstd level 1-22 (0: the
// default, 3). Like rsync's, it implies --compress.
type compressLevelFlag struct {
	level    *int
	compress *bool
}

func (v *compressLevelFlag) String() string { return strconv.Itoa(*v.level) }
func (v *compressLevelFlag) Type() string   { return "int" }

func (v *compressLevelFlag) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return strconv.ErrSyntax
	}
	if n < 0 || n > 22 {
		return errors.New("ferry: --compress-level must be 0-22 (zstd)")
	}
	*v.level, *v.compress = n, true
	return nil
}

// maxSkipSuffixes bounds the suffixes a --skip-compress list expands to.
const maxSkipSuffixes = 1024

// skipCompressFlag is --skip-compress=LIST: file-name suffixes separated
// by "/", whose files are sent uncompressed. A suffix may hold character
// classes, "mp[34]" standing for mp3 and mp4. An empty LIST compresses
// every file.
type skipCompressFlag struct{ list *[]string }

func (v *skipCompressFlag) String() string { return strings.Join(*v.list, "/") }
func (v *skipCompressFlag) Type() string   { return "list" }

func (v *skipCompressFlag) Set(s string) error {
	out := []string{}
	for _, suf := range strings.Split(s, "/") {
		if suf == "" {
			continue
		}
		exp, err := expandClasses(strings.ToLower(strings.TrimPrefix(suf, ".")))
		if err != nil {
			return err
		}
		out = append(out, exp...)
		if len(out) > maxSkipSuffixes {
			return errors.New("ferry: --skip-compress list too long")
		}
	}
	*v.list = out
	return nil
}

// expandClasses expands the "[abc]" character classes of a suffix.
func expandClasses(s string) ([]string, error) {
	i := strings.IndexByte(s, '[')
	if i < 0 {
		i = len(s)
	}
	if strings.ContainsAny(s[:i], "]*?") || len(s) > 64 {
		return nil, errors.New("ferry: bad --skip-compress suffix " + strconv.Quote(s))
	}
	if i == len(s) {
		return []string{s}, nil
	}
	j := strings.IndexByte(s[i:], ']')
	if j < 2 {
		return nil, errors.New("ferry: bad character class in --skip-compress suffix " + strconv.Quote(s))
	}
	rest, err := expandClasses(s[i+j+1:])
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range s[i+1 : i+j] {
		for _, r := range rest {
			out = append(out, s[:i]+string(c)+r)
			if len(out) > maxSkipSuffixes {
				return nil, errors.New("ferry: --skip-compress list too long")
			}
		}
	}
	return out, nil
}
