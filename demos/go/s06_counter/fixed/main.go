// 06 counter in Go, fixed: goroutines add one to a shared counter, a thousand times each, with
// a mutex around the increment.
//
// `go run -race .` runs clean, and every hit is counted.
package main

import (
	"fmt"
	"sync"
)

const (
	goroutines = 4
	hitsEach   = 1000
)

type Counter struct { // C++: class Counter {
	mu   sync.Mutex // C++: Lock mu_{"mu"};
	hits int        // C++: racedemo::Shared<int> hits_{"hits", 0};
}

// Hit adds one: read the count, add one, write it back (three steps, however it looks).
func (c *Counter) Hit() { // C++: void Hit() {
	c.mu.Lock()   // C++: void Hit() ... std::lock_guard guard(mu_);
	c.hits++      // C++: hits_.store(seen + 1);
	c.mu.Unlock() // C++: void Hit() ... std::lock_guard guard(mu_);
}

func (c *Counter) Hits() int { // C++: int Hits() {
	c.mu.Lock()         // C++: int Hits() ... std::lock_guard guard(mu_);
	defer c.mu.Unlock() // C++: int Hits() ... std::lock_guard guard(mu_);
	return c.hits       // C++: return hits_.load();
}

func main() {
	counter := &Counter{}
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < hitsEach; i++ {
				counter.Hit()
			}
		}()
	}
	wg.Wait()
	fmt.Printf("counted %d of %d hits\n", counter.Hits(), goroutines*hitsEach)
}
