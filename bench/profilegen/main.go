// Command profilegen writes a large allocation profile for the decode-and-join benchmark
// (bench/profileJoin.ts): every path through a binary tree of calls allocates, so each of the 2^depth paths
// is its own stack, as in a big service's /debug/pprof/allocs.
//
//	go run . -depth 18 -out /tmp/large.pb.gz
//	go run . -depth 19 -stacks 350000 -out /tmp/large.pb.gz   # the first 350,000 paths only
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

var sink []byte

//go:noinline
func walk(depth int, path uint32) {
	if depth == 0 {
		sink = make([]byte, 16+int(path%64))
		return
	}
	if path&1 == 0 {
		left(depth-1, path>>1)
	} else {
		right(depth-1, path>>1)
	}
}

//go:noinline
func left(depth int, path uint32) { walk(depth, path) }

//go:noinline
func right(depth int, path uint32) { walk(depth, path) }

func main() {
	depth := flag.Int("depth", 18, "stack depth: 2^depth distinct stacks")
	stacks := flag.Int("stacks", 0, "how many of the paths to take (0: all 2^depth), to size the profile between powers of two")
	out := flag.String("out", "large.pb.gz", "where to write the profile")
	flag.Parse()
	paths := uint32(1) << *depth
	if *stacks > 0 && uint32(*stacks) < paths {
		paths = uint32(*stacks)
	}
	runtime.MemProfileRate = 1
	for path := uint32(0); path < paths; path++ {
		walk(*depth, path)
	}
	runtime.GC()
	runtime.GC()
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
