package cli

import (
	"fmt"
	"strconv"
	"strings"
)

// Levels of --human-readable, as in rsync: each -h raises the level by
// one from the default, --no-human-readable (--no-h) sets it to 0.
const (
	humanDigits = 0 // plain digits: 1234567
	humanCommas = 1 // the default: thousands separators, 1,234,567
	human1000   = 2 // -h: units of 1000, 1.23M
	human1024   = 3 // -hh: units of 1024, 1.18M
)

// humanFlag is -h/--human-readable (inc: one level up) or
// --no-human-readable/--no-h (level 0); the order on the command line
// matters, as in rsync.
type humanFlag struct {
	level *int
	inc   bool
}

func (v *humanFlag) String() string { return "false" }
func (v *humanFlag) Type() string   { return "bool" }

func (v *humanFlag) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil || !b {
		return err
	}
	if v.inc {
		*v.level = min(*v.level+1, human1024)
	} else {
		*v.level = humanDigits
	}
	return nil
}

// numbers formats the figures of --stats, the -v summary and --progress
// at one --human-readable level.
type numbers int

// size formats a byte count: with a unit letter (K, M, G, T, P, E) at
// levels 2 and 3 once it reaches 1000 (1024), "%.2f" as rsync prints it:
// 14,007,471 is "14.01M" at level 2 and "13.36M" at level 3.
func (h numbers) size(n int64) string {
	if s, ok := h.units(float64(n)); ok {
		return s
	}
	return h.count(n)
}

// rate formats bytes per second like size, with two decimals below the
// first unit ("2,352.00" at level 1).
func (h numbers) rate(f float64) string {
	if s, ok := h.units(f); ok {
		return s
	}
	return h.decimal(f)
}

// count formats a number of things (files): thousands separators from
// level 1, never units.
func (h numbers) count(n int64) string {
	if h < humanCommas {
		return strconv.FormatInt(n, 10)
	}
	return commas(n)
}

// decimal formats f with two decimals, and thousands separators from
// level 1 (the speedup).
func (h numbers) decimal(f float64) string {
	if h < humanCommas {
		return strconv.FormatFloat(f, 'f', 2, 64)
	}
	return commasFloat(f)
}

// units formats f with a unit letter, when the level asks for units and f
// is at least one unit.
func (h numbers) units(f float64) (string, bool) {
	mult := 1000.0
	switch h {
	case human1000:
	case human1024:
		mult = 1024
	default:
		return "", false
	}
	if f < mult && f > -mult {
		return "", false
	}
	const letters = "KMGTPE"
	i := 0
	f /= mult
	for (f >= mult || f <= -mult) && i < len(letters)-1 {
		f /= mult
		i++
	}
	return fmt.Sprintf("%.2f%c", f, letters[i]), true
}

// commas formats n with thousands separators: 1234567 -> "1,234,567".
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// commasFloat formats f with two decimals and thousands separators.
func commasFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return s
	}
	return commas(n) + "." + frac
}
