// 11 read-only in Go, fixed: the map is filled before any goroutine starts, and then only read.
// No lock: reads do not disturb other reads, and starting a goroutine orders every write made
// before it ahead of everything the goroutine does.
//
// `go run -race .` runs clean: every reader sees every entry, whole.
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
func readLoop(m map[int]int) (wrong int) { // C++: void readLoop(int thread) {
	for k, v := range m { // C++: m_.Range([&](int k, int v) { reader.saw(k, v); });
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
	wrong := make([]int, readers)
	var wg sync.WaitGroup
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			for pass := 0; pass < passes; pass++ {
				wrong[r] += readLoop(m)
			}
		}(r)
	}
	wg.Wait()
	fmt.Printf("%d readers, %d passes each: wrong entries %v\n", readers, passes, wrong)
}
