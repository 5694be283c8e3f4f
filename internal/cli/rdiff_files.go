package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
)

// rdiffIO opens the files of one rdiff command and closes them at the end;
// "-" means stdin or stdout. Read and write errors name the file.
type rdiffIO struct {
	stdin   io.Reader
	stdout  io.Writer
	force   bool
	closers []io.Closer
	created []string // output files to remove on failure
	outs    []*bufio.Writer
}

func (r *rdiffIO) open(name string) (io.Reader, int64, error) {
	if name == "-" {
		return &namedReader{r: r.stdin, name: "<stdin>"}, -1, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	r.closers = append(r.closers, f)
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return &namedReader{r: f, name: name}, size, nil
}

// openAt opens a basis file for random access; its size bounds copies.
func (r *rdiffIO) openAt(name string) (io.ReaderAt, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	r.closers = append(r.closers, f)
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat %s: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("basis %s is not a regular file", name)
	}
	return io.NewSectionReader(&namedReaderAt{r: f, name: name}, 0, fi.Size()), nil
}

func (r *rdiffIO) create(name string) (io.Writer, error) {
	var w io.Writer
	if name == "-" {
		w = &namedWriter{w: r.stdout, name: "<stdout>"}
	} else {
		flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if !r.force {
			flag |= os.O_EXCL
		}
		f, err := os.OpenFile(name, flag, 0o666)
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("%w (use -f to overwrite)", err)
		}
		if err != nil {
			return nil, err
		}
		r.closers = append(r.closers, f)
		r.created = append(r.created, name)
		w = &namedWriter{w: f, name: name}
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	r.outs = append(r.outs, bw)
	return bw, nil
}

// close flushes outputs and closes files; when failed, it removes the
// outputs it created.
func (r *rdiffIO) close(failed bool) error {
	var first error
	if !failed {
		for _, bw := range r.outs {
			if err := bw.Flush(); err != nil && first == nil {
				first = err
			}
		}
	}
	for _, c := range r.closers {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	if failed || first != nil {
		for _, name := range r.created {
			os.Remove(name)
		}
	}
	return first
}

type namedReader struct {
	r    io.Reader
	name string
}

func (n *namedReader) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("read %s: %w", n.name, err)
	}
	return k, err
}

type namedReaderAt struct {
	r    io.ReaderAt
	name string
}

func (n *namedReaderAt) ReadAt(p []byte, off int64) (int, error) {
	k, err := n.r.ReadAt(p, off)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("read %s: %w", n.name, err)
	}
	return k, err
}

type namedWriter struct {
	w    io.Writer
	name string
}

func (n *namedWriter) Write(p []byte) (int, error) {
	k, err := n.w.Write(p)
	if err != nil {
		err = fmt.Errorf("write %s: %w", n.name, err)
	}
	return k, err
}
