package delta

import (
	"io"
	"os"
	"testing"
)

// BenchmarkDeltaFile times RdiffDelta on real files, such as the 1 GiB pair
// of bench/rdiff.sh: FERRY_BENCH_SIG names an rdiff signature and
// FERRY_BENCH_NEW the new file. It is skipped unless both are set.
func BenchmarkDeltaFile(b *testing.B) {
	sigName, newName := os.Getenv("FERRY_BENCH_SIG"), os.Getenv("FERRY_BENCH_NEW")
	if sigName == "" || newName == "" {
		b.Skip("set FERRY_BENCH_SIG and FERRY_BENCH_NEW to an rdiff signature and a new file")
	}
	sf, err := os.Open(sigName)
	if err != nil {
		b.Fatal(err)
	}
	defer sf.Close()
	sig, err := ReadRdiffSignature(sf)
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(newName)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	for b.Loop() {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			b.Fatal(err)
		}
		if err := RdiffDelta(sig, f, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
