package delta

import (
	"bytes"
	"io"
	"testing"
)

const benchSize = 64 << 20

func benchData(b *testing.B) (old, new []byte) {
	b.Helper()
	old = randBytes(11, benchSize)
	edited := bytes.Clone(old)
	for i := range 200 {
		off := i*(benchSize/200) + i*7919%4096*61
		copy(edited[off:], randBytes(uint64(off), 4096))
	}
	ins, del := benchSize*3/10, benchSize*7/10
	new = cat(edited[:ins], randBytes(13, 1<<20), edited[ins:del], edited[del+1<<20:])
	return old, new
}

func BenchmarkRolling(b *testing.B) {
	data := randBytes(12, 1<<20)
	f := NewFilter(1) // nearly empty: measures the roll, not the lookups
	for _, h := range []RollingHash{Rollsum(), RabinKarp()} {
		b.Run(h.Name()+"/scan", func(b *testing.B) {
			r := h.NewRoller()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				r.Reset(data[:2048])
				for k, d := 0, data; len(d) > 2048; {
					k, _ = r.Scan(d, f)
					d = d[k:]
				}
			}
		})
		b.Run(h.Name()+"/sum", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				h.Sum(data)
			}
		})
	}
}

func benchParams(b *testing.B, name string) Params {
	b.Helper()
	switch name {
	case "rdiff":
		p, err := RdiffParams(benchSize, 0, 0, 0)
		if err != nil {
			b.Fatal(err)
		}
		return p
	case "rdiff-workers1":
		p, err := RdiffParams(benchSize, 0, 0, 0)
		if err != nil {
			b.Fatal(err)
		}
		p.Workers = 1
		return p
	}
	return FerryParams(benchSize, 42)
}

var benchVariants = []string{"rdiff", "rdiff-workers1", "ferry"}

func BenchmarkSignature(b *testing.B) {
	old, _ := benchData(b)
	for _, v := range benchVariants {
		b.Run(v, func(b *testing.B) {
			p := benchParams(b, v)
			b.SetBytes(int64(len(old)))
			for b.Loop() {
				if _, err := Sign(bytes.NewReader(old), p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDelta(b *testing.B) {
	old, new := benchData(b)
	for _, v := range benchVariants {
		b.Run(v, func(b *testing.B) {
			sig, err := Sign(bytes.NewReader(old), benchParams(b, v))
			if err != nil {
				b.Fatal(err)
			}
			m := NewMatcher(sig)
			b.SetBytes(int64(len(new)))
			for b.Loop() {
				if err := m.Delta(bytes.NewReader(new), NewRdiffDeltaWriter(io.Discard)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPatch(b *testing.B) {
	old, new := benchData(b)
	p, _ := RdiffParams(benchSize, 0, 0, 0)
	sig, err := Sign(bytes.NewReader(old), p)
	if err != nil {
		b.Fatal(err)
	}
	var d bytes.Buffer
	if err := RdiffDelta(sig, bytes.NewReader(new), &d); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(new)))
	for b.Loop() {
		if err := Patch(bytes.NewReader(old), bytes.NewReader(d.Bytes()), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStrong(b *testing.B) {
	data := randBytes(14, 32<<10)
	for _, h := range []StrongHash{MD4(), BLAKE2(), XXH3(1)} {
		b.Run(h.Name(), func(b *testing.B) {
			var dst [64]byte
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				h.Sum(dst[:0], data)
			}
		})
	}
}
