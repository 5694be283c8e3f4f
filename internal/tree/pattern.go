package tree

// compiledRule is a Rule with its pattern analysed for matching.
type compiledRule struct {
	rule Rule
}

func compileRule(r Rule) (compiledRule, error) {
	return compiledRule{rule: r}, nil
}

func (c *compiledRule) matches(path string, isDir bool) bool {
	return false
}
