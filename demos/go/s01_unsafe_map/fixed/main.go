// 01 unsafe-map in Go, fixed (the program of 02 mutex-map): the same two goroutines, and one
// mutex locked around every store and around the whole iteration.
//
// `go run -race .` runs clean: the reader only ever sees the map between two stores.
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

func writeLoop(m map[int]int, mu *sync.Mutex) { // C++: void writeLoop() {
	for pass := 0; pass < passes; pass++ { // C++: for (int pass = 0; pass < passes_; ++pass) {
		for i := 0; i < keys; i++ { // C++: for (int i = 0; i < keys_; ++i) {
			mu.Lock()   // C++: void writeLoop() ... std::lock_guard guard(mu_);
			m[i] = i    // C++: m_.Set(i, i);
			mu.Unlock() // C++: void writeLoop() ... std::lock_guard guard(mu_);
		}
	}
}

// readLoop ranges over the map, and returns how many entries it saw.
func readLoop(m map[int]int, mu *sync.Mutex) int { // C++: void readLoop(int thread) {
	seen := 0
	for pass := 0; pass < passes; pass++ { // C++: for (int pass = 0; reading(pass); ++pass) {
		mu.Lock()     // C++: void readLoop(int thread) ... std::lock_guard guard(mu_);
		for range m { // C++: m_.Range(
			seen++
		}
		mu.Unlock() // C++: void readLoop(int thread) ... std::lock_guard guard(mu_);
	}
	return seen
}

func main() {
	m := map[int]int{}
	var mu sync.Mutex // C++: Lock mu_{"mu"};
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		writeLoop(m, &mu)
	}()
	seen := 0
	go func() {
		defer wg.Done()
		seen = readLoop(m, &mu)
	}()
	wg.Wait()
	fmt.Printf("the reader saw %d entries; the map holds %d keys\n", seen, len(m))
}
