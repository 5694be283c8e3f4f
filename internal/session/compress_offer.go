package session

import (
	"slices"

	"github.com/ferrysync/ferry/internal/link"
)

// clientCompression returns what a client offers in its Hello: the
// capability when cfg asks for compression.
func clientCompression(cfg Config) *link.CompressOffer {
	if !cfg.Compress {
		return nil
	}
	skip := cfg.SkipCompress
	if skip == nil {
		skip = link.DefaultSkipCompress
	}
	return &link.CompressOffer{Level: cfg.CompressLevel, Skip: slices.Clone(skip), Client: true}
}

// serverCompression returns what a server offers: the capability unless
// cfg refuses it, with its defaults until the client's CompressOptions
// arrive.
func serverCompression(cfg Config) *link.CompressOffer {
	if cfg.RefuseCompress {
		return nil
	}
	return &link.CompressOffer{Skip: link.DefaultSkipCompress}
}
