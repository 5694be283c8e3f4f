package refine

import (
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"testing"
)

var updateVectors = flag.Bool("update", false, "rewrite docs/vectors/refine.json from the code")

const refineVectorsFile = "../../docs/vectors/refine.json"

// refineVectors are the refinement block lengths of docs/PROTOCOL.md
// section 12.5.
type refineVectors struct {
	Comment        string `json:"comment"`
	RefineBlockLen []struct {
		RegionLen int64 `json:"region_len"`
		BlockLen  int   `json:"block_len"`
	} `json:"refine_block_len"`
}

func generateRefineVectors() refineVectors {
	v := refineVectors{Comment: "Refinement block lengths of docs/PROTOCOL.md section 12.5, for ferry's RefineParams (seed 0); checked by internal/refine/vectors_test.go (go test ./internal/refine -run RefineVectors -update rewrites them)."}
	rp := FerryRefineParams(0)
	for _, n := range []int64{4096, 10_000, 100_000, 1 << 20, 64 << 20} {
		v.RefineBlockLen = append(v.RefineBlockLen, struct {
			RegionLen int64 `json:"region_len"`
			BlockLen  int   `json:"block_len"`
		}{n, rp.BlockLen(n)})
	}
	return v
}

// TestRefineVectors checks the refinement block lengths against
// docs/vectors/refine.json.
func TestRefineVectors(t *testing.T) {
	gen := generateRefineVectors()
	if *updateVectors {
		b, err := json.MarshalIndent(gen, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(refineVectorsFile, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(refineVectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	var v refineVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.RefineBlockLen) == 0 {
		t.Fatal("no vectors")
	}
	rp := FerryRefineParams(0)
	for _, c := range v.RefineBlockLen {
		if got := rp.BlockLen(c.RegionLen); got != c.BlockLen {
			t.Errorf("refine region of %d bytes: block %d, vectors say %d", c.RegionLen, got, c.BlockLen)
		}
	}
	if !reflect.DeepEqual(v, gen) {
		t.Errorf("%s differs from what the code generates; run go test ./internal/refine -run RefineVectors -update and review the diff", refineVectorsFile)
	}
}
