// 11 read-only in Go, unsafe: the map is filled before any goroutine starts and then only
// read, but the readers also keep statistics: every lookup counts a hit for its key in one
// map they all share. A "read" that writes: the hits map is written by every reader at once.
//
// `go run -race .` reports the data race; `go run .` may stop with "fatal error: concurrent map
// writes". The fixed program counts no hits.
package main

import (
	"fmt"
	"sync"
)

const (
	keys    = 100
	readers = 4
	passes  = 20
)

// readLoop ranges over the map and counts the entries whose value is not their key.
func readLoop(m map[int]int, hits map[int]int) (wrong int) { // C++: void readLoop(int thread) {
	for k, v := range m { // C++: m_.Range([&](int k, int v) { reader.saw(k, v); });
		hits[k]++ // a write, in a loop that looks like it only reads
		if v != k {
			wrong++
		}
	}
	return wrong
}

func main() {
	m := map[int]int{}
	for i := 0; i < keys; i++ {
		m[i] = i // filled here, before any goroutine exists
	}
	hits := map[int]int{}
	wrong := make([]int, readers)
	var wg sync.WaitGroup
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			for pass := 0; pass < passes; pass++ {
				wrong[r] += readLoop(m, hits)
			}
		}(r)
	}
	wg.Wait()
	fmt.Printf("%d readers, %d passes each: wrong entries %v, %d hits on key 0\n", readers, passes,
		wrong, hits[0])
}
