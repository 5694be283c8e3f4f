package tree

import "github.com/ferrysync/ferry/internal/testfs"

// writeTree is testfs.WriteTree.
var writeTree = testfs.WriteTree
