// 06 counter in Go, unsafe: goroutines add one to a shared counter, a thousand times each, with
// no lock. Two goroutines that read the same count both write count + 1: a hit is lost.
//
// `go run -race .` reports the data race; `go run .` counts too few when the goroutines really
// run at the same moment (on an idle machine with several cores). The fixed program differs
// only in the mutex.
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
	hits int // C++: racedemo::Shared<int> hits_{"hits", 0};
}

// Hit adds one: read the count, add one, write it back (three steps, however it looks).
func (c *Counter) Hit() { // C++: void Hit() {
	c.hits++ // C++: hits_.store(seen + 1);
}

func (c *Counter) Hits() int { // C++: int Hits() {
	return c.hits // C++: return hits_.load();
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
