package ferry

// This file pins the chosen dependencies (see ../shared DESIGN.md) while the
// packages that use them are being written. Remove an import once a real
// package imports it.
import (
	_ "github.com/BurntSushi/toml"
	_ "github.com/klauspost/compress/zstd"
	_ "github.com/spf13/pflag"
	_ "github.com/zeebo/blake3"
	_ "github.com/zeebo/xxh3"
	_ "golang.org/x/crypto/blake2b"
	_ "golang.org/x/sync/errgroup"
	_ "golang.org/x/sys/unix"
	_ "golang.org/x/term"
)
