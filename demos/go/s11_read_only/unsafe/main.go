// 11 read-only in Go, unsafe: the map is filled before any goroutine starts and then only
// read, but the readers also count every entry they look at, in one counter they all share. A
// "read" that writes: the counter is read and written back by every reader at once, and counts
// are lost.
//
// `go run -race .` reports the data race. The fixed program counts nothing.
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

// countingReadLoop ranges over the map, counts the entries whose value is not their key, and
// counts every lookup in the shared counter.
func countingReadLoop(m map[int]int, lookups *int) (wrong int) { // C++: void countingReadLoop(int thread) {
	for k, v := range m { // C++: countingReadLoop ... m_.Range([&](int k, int v) {
		if v != k {
			wrong++
		}
		*lookups++ // C++: lookups_.store(lookups_.load() + 1);
	}
	return wrong
}

func main() {
	m := map[int]int{}
	for i := 0; i < keys; i++ {
		m[i] = i // filled here, before any goroutine exists
	}
	lookups := 0
	wrong := make([]int, readers)
	var wg sync.WaitGroup
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			for pass := 0; pass < passes; pass++ {
				wrong[r] += countingReadLoop(m, &lookups)
			}
		}(r)
	}
	wg.Wait()
	fmt.Printf("%d readers, %d passes each: wrong entries %v, counted %d of %d lookups\n",
		readers, passes, wrong, lookups, readers*passes*keys)
}
