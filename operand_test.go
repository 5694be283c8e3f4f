package ferry

import (
	"errors"
	"testing"
)

func TestParseOperand(t *testing.T) {
	tests := []struct {
		in   string
		want Operand
	}{
		{"src/", Operand{Kind: Local, Path: "src/"}},
		{"/abs/with:colon", Operand{Kind: Local, Path: "/abs/with:colon"}},
		{"./x:y", Operand{Kind: Local, Path: "./x:y"}},
		{"dir/x:y", Operand{Kind: Local, Path: "dir/x:y"}},
		{"host:path/a", Operand{Kind: Shell, Host: "host", Path: "path/a"}},
		{"host:", Operand{Kind: Shell, Host: "host"}},
		{"me@host:/abs", Operand{Kind: Shell, User: "me", Host: "host", Path: "/abs"}},
		{"[::1]:p", Operand{Kind: Shell, Host: "::1", Path: "p"}},
		{"me@[fe80::1]:p", Operand{Kind: Shell, User: "me", Host: "fe80::1", Path: "p"}},
		{"ssh://me@host:2222/dir/", Operand{Kind: Shell, User: "me", Host: "host", Port: 2222, Path: "dir/"}},
		{"host::mod/sub/dir/", Operand{Kind: Daemon, Host: "host", Port: 8873, Module: "mod", Path: "sub/dir/"}},
		{"host::mod", Operand{Kind: Daemon, Host: "host", Port: 8873, Module: "mod"}},
		{"u@host::", Operand{Kind: Daemon, User: "u", Host: "host", Port: 8873}},
		{"ferry://h:8730/mod/p", Operand{Kind: Daemon, Host: "h", Port: 8730, PortSet: true, Module: "mod", Path: "p"}},
		{"ferry://[::1]/mod", Operand{Kind: Daemon, Host: "::1", Port: 8873, Module: "mod"}},
		{"ferrys://me@h/mod/", Operand{Kind: Daemon, User: "me", Host: "h", Port: 8874, TLS: true, Module: "mod"}},
		{"me@[fe80::1]::mod/p", Operand{Kind: Daemon, User: "me", Host: "fe80::1", Port: 8873, Module: "mod", Path: "p"}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseOperand(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("ParseOperand(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseOperandErrors(t *testing.T) {
	for _, in := range []string{"", "ssh://", "ferry://h:99999/m"} {
		t.Run(in, func(t *testing.T) {
			if _, err := ParseOperand(in); !errors.Is(err, ErrBadOperand) {
				t.Fatalf("ParseOperand(%q) = %v, want ErrBadOperand", in, err)
			}
		})
	}
}
