// 01 unsafe-map in Go, unsafe: one goroutine stores m[i] = i while another ranges over the map.
//
// `go run -race .` reports the data race. Go's own check, "fatal error: concurrent map
// iteration and map write", needs the two to meet at the very moment: with passes this few a
// plain `go run .` seldom trips it (loop for ever, and it does within moments). The fixed
// program differs only in the mutex.
package main

import (
	"fmt"
	"sync"
)

const (
	keys = 100
	// Each goroutine's passes over the map. Enough for the two to meet on two cores; few
	// enough that the race detector still holds the history it needs for its report when
	// one core runs them one after the other.
	passes = 20
)

func writeLoop(m map[int]int) { // C++: void writeLoop() {
	for pass := 0; pass < passes; pass++ { // C++: for (int pass = 0; pass < passes_; ++pass) {
		for i := 0; i < keys; i++ { // C++: for (int i = 0; i < keys_; ++i) {
			m[i] = i // C++: m_.Set(i, i);
		}
	}
}

// readLoop ranges over the map, and returns how many entries it saw.
func readLoop(m map[int]int) int { // C++: void readLoop(int thread) {
	seen := 0
	for pass := 0; pass < passes; pass++ { // C++: for (int pass = 0; reading(pass); ++pass) {
		for range m { // C++: m_.Range(
			seen++
		}
	}
	return seen
}

func main() {
	m := map[int]int{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		writeLoop(m)
	}()
	seen := 0
	go func() {
		defer wg.Done()
		seen = readLoop(m)
	}()
	wg.Wait()
	fmt.Printf("the reader saw %d entries; the map holds %d keys\n", seen, len(m))
}
