package transport

import "strings"

// ShellQuote returns word as one word of a POSIX shell command line: words
// made only of characters no shell treats specially are returned as they
// are, anything else is put in single quotes (a quote inside becomes
// quote, backslash, quote, quote). A remote shell
// (ssh, rsh) joins the words after the host name and hands them to the
// remote user's shell, so every path sent that way must be quoted.
func ShellQuote(word string) string {
	if word != "" && strings.Trim(word, safeShellChars) == "" {
		return word
	}
	return "'" + strings.ReplaceAll(word, "'", `'\''`) + "'"
}

const safeShellChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-"
