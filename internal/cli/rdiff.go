package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ferrysync/ferry/delta"
)

// rdiffOptions are the options of "ferry rdiff", spelled as rdiff spells them.
type rdiffOptions struct {
	blockLen  int    // -b: 0 for rdiff's rule
	strongLen int    // -S: 0 for the whole digest, -1 for the minimum
	hash      string // -H: blake2 or md4
	rollsum   string // -R: rabinkarp or rollsum
	force     bool   // -f: overwrite existing output files
}

func (o *rdiffOptions) addFlags(fs *pflag.FlagSet) {
	fs.IntVarP(&o.blockLen, "block-size", "b", 0, "signature block size, 0 for the recommended one")
	fs.IntVarP(&o.strongLen, "sum-size", "S", 0, "signature strength, 0 for max, -1 for min")
	fs.StringVarP(&o.hash, "hash", "H", "blake2", "hash algorithm: blake2, md4")
	fs.StringVarP(&o.rollsum, "rollsum", "R", "rabinkarp", "rollsum algorithm: rabinkarp, rollsum")
	fs.BoolVarP(&o.force, "force", "f", false, "force overwriting existing files")
	_ = fs.SetAnnotation("hash", valuesAnnotation, []string{"blake2", "md4"})
	_ = fs.SetAnnotation("rollsum", valuesAnnotation, []string{"rabinkarp", "rollsum"})
}

const rdiffUsage = `Usage: ferry rdiff [OPTIONS] signature [BASIS [SIGNATURE]]
                  [OPTIONS] delta SIGNATURE [NEWFILE [DELTA]]
                  [OPTIONS] patch BASIS [DELTA [NEWFILE]]
A missing file or "-" means stdin or stdout. Files use librsync's formats.
`

// runRdiff implements "ferry rdiff signature|delta|patch".
func runRdiff(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o rdiffOptions
	fs := pflag.NewFlagSet("ferry rdiff", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, rdiffUsage)
		fs.PrintDefaults()
	}
	o.addFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return ExitOK
		}
		return rdiffUsageError(stderr, err.Error())
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return rdiffUsageError(stderr, "you must specify an action: signature, delta or patch")
	}
	action, files := rest[0], rest[1:]
	var run func(context.Context, *rdiffOptions, []string, *rdiffIO) error
	var maxFiles int
	switch {
	case isPrefix(action, "signature"):
		run, maxFiles = rdiffSignature, 2
	case isPrefix(action, "delta"):
		run, maxFiles = rdiffDelta, 3
	case isPrefix(action, "patch"):
		run, maxFiles = rdiffPatch, 3
	default:
		return rdiffUsageError(stderr, fmt.Sprintf("unknown action %q", action))
	}
	if len(files) > maxFiles {
		return rdiffUsageError(stderr, "too many arguments")
	}
	for len(files) < maxFiles {
		files = append(files, "-")
	}
	rio := &rdiffIO{stdin: stdin, stdout: stdout, force: o.force}
	err := run(ctx, &o, files, rio)
	if cerr := rio.close(err != nil); err == nil {
		err = cerr
	}
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(stderr, "ferry rdiff: %v\n", err)
	var ue *usageError
	var fe *delta.FormatError
	switch {
	case errors.As(err, &ue), errors.Is(err, delta.ErrParams):
		return ExitUsage
	case errors.As(err, &fe):
		return ExitProtocol
	case errors.Is(err, context.Canceled):
		return ExitSignal
	}
	return ExitIO
}

func rdiffUsageError(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "ferry rdiff: %s\n\n%s", msg, rdiffUsage)
	return ExitUsage
}

// isPrefix reports whether s is a non-empty prefix of word, as rdiff
// accepts abbreviated actions.
func isPrefix(s, word string) bool { return s != "" && strings.HasPrefix(word, s) }

func rdiffSignature(ctx context.Context, o *rdiffOptions, files []string, rio *rdiffIO) error {
	var magic delta.Magic
	switch o.hash {
	case "blake2":
		magic = delta.MagicRollsumBLAKE2
	case "md4":
		magic = delta.MagicRollsumMD4
	default:
		return usagef("unknown hash algorithm %q", o.hash)
	}
	switch o.rollsum {
	case "rabinkarp":
		magic += delta.MagicRabinKarpMD4 - delta.MagicRollsumMD4
	case "rollsum":
	default:
		return usagef("unknown rollsum algorithm %q", o.rollsum)
	}
	in, size, err := rio.open(files[0])
	if err != nil {
		return err
	}
	p, err := delta.RdiffParams(size, magic, o.blockLen, o.strongLen)
	if err != nil {
		return err
	}
	sig, err := delta.Sign(ctxReader(ctx, in), p)
	if err != nil {
		return err
	}
	out, err := rio.create(files[1])
	if err != nil {
		return err
	}
	return delta.WriteRdiffSignature(out, sig)
}

func rdiffDelta(ctx context.Context, _ *rdiffOptions, files []string, rio *rdiffIO) error {
	if files[0] == "-" && files[1] == "-" {
		return usagef("the signature and the new file cannot both be stdin")
	}
	sigIn, _, err := rio.open(files[0])
	if err != nil {
		return err
	}
	sig, err := delta.ReadRdiffSignature(sigIn)
	if err != nil {
		return nameFormatError(files[0], "signature", err)
	}
	newIn, _, err := rio.open(files[1])
	if err != nil {
		return err
	}
	out, err := rio.create(files[2])
	if err != nil {
		return err
	}
	return delta.RdiffDelta(sig, ctxReader(ctx, newIn), out)
}

func rdiffPatch(ctx context.Context, _ *rdiffOptions, files []string, rio *rdiffIO) error {
	if files[0] == "-" {
		return usagef("the basis must be a file, not stdin")
	}
	basis, err := rio.openAt(files[0])
	if err != nil {
		return err
	}
	deltaIn, _, err := rio.open(files[1])
	if err != nil {
		return err
	}
	out, err := rio.create(files[2])
	if err != nil {
		return err
	}
	err = delta.Patch(basis, ctxReader(ctx, deltaIn), out)
	return nameFormatError(files[1], "delta", err)
}

// nameFormatError adds the file name to a decoder's error.
func nameFormatError(name, kind string, err error) error {
	var fe *delta.FormatError
	if errors.As(err, &fe) {
		return fmt.Errorf("%s file %s: %w", kind, stdName(name), err)
	}
	return err
}

func stdName(name string) string {
	if name == "-" {
		return "<stdin>"
	}
	return name
}

// ctxReader stops reading once ctx is done.
func ctxReader(ctx context.Context, r io.Reader) io.Reader { return &ctxRead{ctx: ctx, r: r} }

type ctxRead struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxRead) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
