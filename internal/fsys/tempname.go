package fsys

import (
	"math/rand/v2"
	"strings"
)

// Temp names have the form ".<base>.<8 random chars>.ferry-tmp", in the
// directory of the file they will replace. Long bases are truncated so the
// temp name stays within NAME_MAX (255 bytes).
const (
	tempSuffix  = ".ferry-tmp"
	tempRandLen = 8
	nameMax     = 255
	maxTempBase = nameMax - 2 - tempRandLen - len(tempSuffix)
)

const tempAlphabet = "abcdefghijklmnopqrstuvwxyz234567"

// tempName returns a fresh temp name for the final component base. The
// random part comes from math/rand/v2's per-thread generator, so temp names
// cost no system call and rarely collide (40 random bits).
func tempName(base string) string {
	if len(base) > maxTempBase {
		base = base[:maxTempBase]
	}
	var b strings.Builder
	b.Grow(len(base) + 2 + tempRandLen + len(tempSuffix))
	b.WriteByte('.')
	b.WriteString(base)
	b.WriteByte('.')
	x := rand.Uint64()
	for range tempRandLen {
		b.WriteByte(tempAlphabet[x&31])
		x >>= 5
	}
	b.WriteString(tempSuffix)
	return b.String()
}

// IsTempName reports whether the final path component base looks like a
// temp name made by fsys, such as a crash may leave behind. The receiver may
// skip or delete such names.
func IsTempName(base string) bool {
	if len(base) < 2+tempRandLen+len(tempSuffix) || base[0] != '.' || !strings.HasSuffix(base, tempSuffix) {
		return false
	}
	r := base[len(base)-len(tempSuffix)-tempRandLen-1 : len(base)-len(tempSuffix)]
	if r[0] != '.' {
		return false
	}
	for i := 1; i < len(r); i++ {
		if strings.IndexByte(tempAlphabet, r[i]) < 0 {
			return false
		}
	}
	return true
}
