package sshtest

import (
	"bufio"
	"os/exec"
	"slices"
	"testing"
	"time"
)

func TestZZDebug(t *testing.T) {
	s := Start(t)
	st := time.Now()
	cmd := exec.Command("ssh", slices.Concat(split(t, s.RSH()), []string{"-vvv", s.Host, "true"})[1:]...)
	e, _ := cmd.StderrPipe()
	cmd.Start()
	sc := bufio.NewScanner(e)
	for sc.Scan() {
		t.Logf("%6dms %s", time.Since(st).Milliseconds(), sc.Text())
	}
	cmd.Wait()
	t.Logf("%s", s.Log())
}
