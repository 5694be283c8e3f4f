package delta_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/ferrysync/ferry/delta"
)

// Example signs a basis, computes an rdiff delta of a new version and
// patches the basis with it.
func Example() {
	basis := strings.Repeat("The quick brown fox jumps over the lazy dog. ", 40)
	newer := strings.Replace(basis, "lazy dog. The", "sleepy cat. The", 1)

	params, err := delta.RdiffParams(int64(len(basis)), 0, 0, 0)
	if err != nil {
		panic(err)
	}
	sig, err := delta.Sign(strings.NewReader(basis), params)
	if err != nil {
		panic(err)
	}
	var d bytes.Buffer
	if err := delta.RdiffDelta(sig, strings.NewReader(newer), &d); err != nil {
		panic(err)
	}
	var out bytes.Buffer
	if err := delta.Patch(strings.NewReader(basis), &d, &out); err != nil {
		panic(err)
	}
	fmt.Println("block length:", params.BlockLen, "strong length:", params.StrongLen)
	fmt.Println("rebuilt:", out.String() == newer)
	// Output:
	// block length: 256 strong length: 32
	// rebuilt: true
}

// ExampleOpList shows the operations a delta is made of.
func ExampleOpList() {
	basis := bytes.Repeat([]byte("0123456789abcdef"), 64) // 1 KiB
	newer := append([]byte("NEW:"), basis...)
	p := delta.FerryParams(int64(len(basis)), 1)
	p.BlockLen = 256
	sig, _ := delta.Sign(bytes.NewReader(basis), p)
	var ops delta.OpList
	if err := delta.Delta(sig, bytes.NewReader(newer), &ops); err != nil {
		panic(err)
	}
	for _, op := range ops.Ops {
		if op.Data != nil {
			fmt.Printf("LITERAL %q\n", op.Data)
		} else {
			fmt.Printf("COPY %d+%d\n", op.Off, op.N)
		}
	}
	// Output:
	// LITERAL "NEW:"
	// COPY 0+1024
}
