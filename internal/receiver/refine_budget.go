package receiver

import (
	"fmt"

	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/wire"
)

// RefineWorkPerByte bounds the work a RefineSig may ask of a receiver
// (docs/PROTOCOL.md, "Limits"): per region, the hint bytes it scans plus
// the bytes it may hash to refute weak-sum hits, (64 + 2 x count) x
// block_len, at most this many times the region's signature bytes,
// count x (4 + strong_len). ferry's sender stays below a quarter of it;
// a RefineSig past it is a protocol error, found before anything is
// scanned.
const RefineWorkPerByte = 4096

// checkRefineWork checks every region of m against RefineWorkPerByte.
func checkRefineWork(m *wire.RefineSig) error {
	for k, rg := range m.Regions {
		n := uint64(len(rg.Weak))
		if n == 0 {
			continue // nothing to find: nothing is scanned
		}
		// The decoder bounds hints by 2^62 each, block_len by 64 KiB
		// and count by the payload: no overflow.
		work := (64 + 2*n) * rg.BlockLen
		for _, h := range rg.Hints {
			work += uint64(h.Len)
		}
		if sig := n * (4 + m.StrongLen); work > RefineWorkPerByte*sig {
			return fmt.Errorf("%w: refinement for id %d: region %d asks %d bytes of work for %d signature bytes",
				role.ErrProtocol, m.ID, k, work, sig)
		}
	}
	return nil
}
