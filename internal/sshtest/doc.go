// Package sshtest starts a real OpenSSH sshd for tests, listening on
// 127.0.0.1 only, with throw-away keys in the test's temporary directory.
//
//	srv := sshtest.Start(t)          // skips (fails under CI=true) without sshd
//	rsh := srv.RSH()                 // "ssh -F none -p PORT -i KEY -o ..." for ferry -e
//	cfg := srv.ConfigRSH()           // "ssh -F CONFIG" with srv.Alias as host
//	srv.Authorize(t, `command="..."`) // rewrite authorized_keys with options
//
// The server runs as the current user (root in the test containers, which
// is why PermitRootLogin is prohibit-password); it accepts only the
// generated user key and is stopped by t.Cleanup. Its log (sshd -e) is
// shown when the test fails.
package sshtest
