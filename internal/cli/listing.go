package cli

import (
	"fmt"
	"io"
	"io/fs"

	"github.com/ferrysync/ferry"
)

// writeListed prints one entry of --list-only as rsync does: mode, size,
// modification time (local) and name, with " -> TARGET" for a symlink.
// Directories show size 0: the entry stream carries sizes of regular
// files only (rsync shows the directory's st_size).
func writeListed(w io.Writer, ev ferry.Event) {
	name := displayName(ev)
	if ev.Mode&fs.ModeSymlink != 0 && ev.LinkTarget != "" {
		name += " -> " + escapeName(ev.LinkTarget)
	}
	size := ev.Size
	if ev.Mode&fs.ModeSymlink != 0 {
		size = int64(len(ev.LinkTarget)) // a symlink's size is its target's length
	}
	fmt.Fprintf(w, "%s %14s %s %s\n", modeString(ev.Mode), commas(size), ev.ModTime.Local().Format("2006/01/02 15:04:05"), name)
}

// modeString is ls's ten-character mode: the type, then rwx for the
// owner, group and others, with s/S and t/T for setuid, setgid and
// sticky.
func modeString(m fs.FileMode) string {
	b := []byte("----------")
	switch {
	case m.IsDir():
		b[0] = 'd'
	case m&fs.ModeSymlink != 0:
		b[0] = 'l'
	case m&fs.ModeCharDevice != 0:
		b[0] = 'c'
	case m&fs.ModeDevice != 0:
		b[0] = 'b'
	case m&fs.ModeNamedPipe != 0:
		b[0] = 'p'
	case m&fs.ModeSocket != 0:
		b[0] = 's'
	}
	const rwx = "rwxrwxrwx"
	for i := range 9 {
		if m&(1<<(8-i)) != 0 {
			b[i+1] = rwx[i]
		}
	}
	special := func(i int, on bool, c byte) {
		if !on {
			return
		}
		if b[i] == 'x' {
			b[i] = c
		} else {
			b[i] = c - 'a' + 'A'
		}
	}
	special(3, m&fs.ModeSetuid != 0, 's')
	special(6, m&fs.ModeSetgid != 0, 's')
	special(9, m&fs.ModeSticky != 0, 't')
	return string(b)
}
