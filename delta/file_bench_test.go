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

// BenchmarkSignFile times signing a real file with ferry's parameters, as
// a receiver signs its basis: Sign reading it in order, and SignAt with
// every worker reading its own chunks. FERRY_BENCH_BASIS names the file
// (skipped unless set); its pages should be in the cache.
func BenchmarkSignFile(b *testing.B) {
	name := os.Getenv("FERRY_BENCH_BASIS")
	if name == "" {
		b.Skip("set FERRY_BENCH_BASIS to a file")
	}
	f, err := os.Open(name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}
	p := FerryParams(st.Size(), 1)
	b.Run("Sign", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			if _, err := Sign(io.NewSectionReader(f, 0, st.Size()), p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SignAt", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			if _, err := SignAt(f, st.Size(), p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
