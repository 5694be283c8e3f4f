package session

import (
	"slices"
)

// clientCompression returns what a client offers in its Hello: the
// capability when cfg asks for compression.
func clientCompression(cfg Config) *compressOffer {
	if !cfg.Compress {
		return nil
	}
	skip := cfg.SkipCompress
	if skip == nil {
		skip = DefaultSkipCompress
	}
	return &compressOffer{level: cfg.CompressLevel, skip: slices.Clone(skip), client: true}
}

// serverCompression returns what a server offers: the capability unless
// cfg refuses it, with its defaults until the client's CompressOptions
// arrive.
func serverCompression(cfg Config) *compressOffer {
	if cfg.RefuseCompress {
		return nil
	}
	return &compressOffer{skip: DefaultSkipCompress}
}
