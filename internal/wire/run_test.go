package wire

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestRunTailOnlyWhenUsed checks that a Run without backup or basis
// directories encodes exactly as before the destination tail existed, so
// older peers keep accepting it, and that one with them is longer.
func TestRunTailOnlyWhenUsed(t *testing.T) {
	plain := &Run{Role: RoleReceiver, Paths: []string{"d"}, Flags: FlagRecursive, Seed: 7}
	var want []byte
	want = append(want, byte(RoleReceiver))
	want = appendStrings(want, plain.Paths)
	want = appendUvarint(want, plain.Flags)
	want = appendStrings(want, nil)
	want = appendString(want, "")
	want = appendUvarint(want, 7)
	want = append(want, 0, 0, 0, 0) // max_delete, min_size, max_size, modify_window: none
	if got := plain.AppendTo(nil); !bytes.Equal(got, want) {
		t.Fatalf("plain Run = %x, want %x", got, want)
	}
	link := *plain
	link.BasisKind, link.BasisDirs = BasisLink, []string{"../prev"}
	if got := link.AppendTo(nil); len(got) <= len(want) {
		t.Fatalf("Run with basis dirs has no tail: %x", got)
	}
}

func TestRunTailRejects(t *testing.T) {
	base := Run{Role: RoleReceiver, Paths: []string{"d"}}
	enc := func(m Run) []byte { return m.AppendTo(nil) }
	tooMany := base
	tooMany.BasisKind = BasisLink
	for range MaxBasisDirs + 1 {
		tooMany.BasisDirs = append(tooMany.BasisDirs, "x")
	}
	badKind := base
	badKind.BasisKind, badKind.BasisDirs = BasisLink, []string{"x"}
	badKindB := enc(badKind)
	badKindB[len(badKindB)-4] = 9 // the kind byte, before list count 1 and "x"
	kindless := base
	kindless.Flags = FlagBackup
	kindlessB := append(enc(kindless)[:len(enc(kindless))-1], 1, 1, 'x') // no kind, one dir
	noBackup := base
	noBackup.BasisKind, noBackup.BasisDirs = BasisCopy, []string{"x"}
	noBackup.Suffix = "~" // suffix without FlagBackup
	backupNoTail := base
	backupNoTail.Flags = FlagBackup
	short := enc(backupNoTail)[:len(enc(base))]
	emptyTemp := base
	emptyTemp.Flags = FlagTempDir // and TempDir ""
	tempNoFlag := base
	tempNoFlag.Flags = FlagBackup
	tempNoFlagB := append(enc(tempNoFlag), 2, '/', 't') // a temp_dir without its flag: trailing bytes
	badShard := base
	badShard.Flags, badShard.ShardK, badShard.ShardN = FlagShard, 4, 4
	zeroShards := base
	zeroShards.Flags = FlagShard
	tests := []struct {
		name    string
		payload []byte
		want    string
	}{
		{"shard not below shard_n", enc(badShard), "bad shard"},
		{"zero shards", enc(zeroShards), "bad shard"},
		{"too many basis dirs", enc(tooMany), "too many"},
		{"bad basis kind", badKindB, "bad basis kind"},
		{"dirs without a kind", kindlessB, "basis kind"},
		{"suffix without backup", enc(noBackup), "backup settings"},
		{"backup flag without the tail", short, ""},
		{"temp dir flag with an empty dir", enc(emptyTemp), "temp dir"},
		{"temp dir without its flag", tempNoFlagB, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(TypeRun, tc.payload)
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Decode = %v, want ErrMalformed with %q", err, tc.want)
			}
		})
	}
}
