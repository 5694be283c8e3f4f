package delta

import "testing"

func TestFerryParamsStrongLen(t *testing.T) {
	cases := []struct {
		name             string
		size             int64
		blockLen, strong int
	}{
		{"empty", 0, 512, 8},
		{"1 MiB", 1 << 20, 1024, 8},
		{"1 GiB", 1 << 30, 32768, 8},
		{"64 GiB", 64 << 30, 262144, 9},
		{"1 TiB", 1 << 40, 262144, 10},
		{"huge", 1 << 60, 262144, 15},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := FerryParams(c.size, 1)
			if p.BlockLen != c.blockLen || p.StrongLen != c.strong {
				t.Errorf("FerryParams(%d) = block %d strong %d, want %d and %d", c.size, p.BlockLen, p.StrongLen, c.blockLen, c.strong)
			}
			if err := p.Check(); err != nil {
				t.Error(err)
			}
		})
	}
}
