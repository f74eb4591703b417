// 10 rwmutex-recursive in Go, fixed: Total holds the cache's read lock and reads the entries
// under it, without calling Get, so it never asks for the read lock twice. One goroutine
// totals, another sets entries.
//
// `go run -race .` runs its second of totals and sets to the end.
package main

import (
	"fmt"
	"sync"
	"time"
)

const (
	entries = 4
	// Long enough for the scheduler to interleave the two goroutines many times, even on
	// one core (where they take turns only when one is preempted).
	runFor = time.Second
)

type Cache struct {
	rw      sync.RWMutex
	entries []int
}

func (c *Cache) Get(key int) int { // C++: int Get(int key) {
	c.rw.RLock()          // C++: int Get(int key) ... std::shared_lock guard(rw_);
	defer c.rw.RUnlock()  // C++: int Get(int key) ... std::shared_lock guard(rw_);
	return c.entries[key] // C++: return entries_[static_cast<std::size_t>(key)].load();
}

func (c *Cache) Set(key, value int) { // C++: void Set(int key, int value) {
	c.rw.Lock()            // C++: std::lock_guard guard(rw_);
	defer c.rw.Unlock()    // C++: std::lock_guard guard(rw_);
	c.entries[key] = value // C++: entries_[static_cast<std::size_t>(key)].store(value);
}

// Total adds the entries up.
func (c *Cache) Total() int { // C++: int TotalHeld() {
	c.rw.RLock()                 // C++: int TotalHeld() ... std::shared_lock guard(rw_);
	defer c.rw.RUnlock()         // C++: int TotalHeld() ... std::shared_lock guard(rw_);
	sum := 0                     // C++: int TotalHeld() ... int sum = 0;
	for key := range c.entries { // C++: int TotalHeld() ... for (int key = 0; key < Size(); ++key)
		sum += c.entries[key] // C++: sum += entries_[static_cast<std::size_t>(key)].load();
	}
	return sum // C++: int TotalHeld() ... return sum;
}

func main() {
	cache := &Cache{entries: make([]int, entries)}
	deadline := time.Now().Add(runFor)
	totals, sets := 0, 0
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for ; time.Now().Before(deadline); totals++ {
			cache.Total()
		}
	}()
	go func() {
		defer wg.Done()
		for ; time.Now().Before(deadline); sets++ {
			cache.Set(sets%entries, sets)
		}
	}()
	wg.Wait()
	fmt.Printf("%d totals and %d sets done\n", totals, sets)
}
