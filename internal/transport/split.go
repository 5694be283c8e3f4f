package transport

import (
	"errors"
	"fmt"
)

// ErrUnterminatedQuote reports a remote-shell command with an open quote.
var ErrUnterminatedQuote = errors.New("ferry: unterminated quote in remote shell command")

// SplitCommand splits a -e/--rsh command line into arguments the way rsync
// does, without a shell: words are separated by spaces and tabs; single
// quotes keep everything literally; double quotes keep everything but a
// backslash, which escapes the next character (as it does outside quotes).
func SplitCommand(s string) ([]string, error) {
	var (
		args   []string
		cur    []byte
		inWord bool
		quote  byte
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				cur = append(cur, c)
			}
		case c == '\\' && i+1 < len(s):
			i++
			cur = append(cur, s[i])
			inWord = true
		case quote == '"':
			if c == '"' {
				quote = 0
			} else {
				cur = append(cur, c)
			}
		case c == '\'' || c == '"':
			quote = c
			inWord = true
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				args = append(args, string(cur))
				cur, inWord = cur[:0], false
			}
		default:
			cur = append(cur, c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("%w: %q", ErrUnterminatedQuote, s)
	}
	if inWord {
		args = append(args, string(cur))
	}
	if len(args) == 0 {
		return nil, ErrEmptyCommand
	}
	return args, nil
}
