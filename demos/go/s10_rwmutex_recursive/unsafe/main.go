// 10 rwmutex-recursive in Go, unsafe: Total holds the cache's read lock and adds the entries up
// through Get, which takes the read lock again. One goroutine totals, another sets entries.
// When the writer's Lock comes between the two RLocks, Go's RWMutex (which keeps new readers
// out while a writer waits) makes the second RLock wait for the writer, which waits for the
// first RLock to be released.
//
// `go run .` stops with "fatal error: all goroutines are asleep - deadlock!", usually within a
// few milliseconds. (Not under -race: its runtime keeps Go's deadlock check from firing, and
// the program just hangs; golang/go#20588.) The fixed program reads the entries under the one
// read lock it holds.
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
func (c *Cache) Total() int { // C++: int TotalAgain() {
	c.rw.RLock()                 // C++: int TotalAgain() ... std::shared_lock guard(rw_);
	defer c.rw.RUnlock()         // C++: int TotalAgain() ... std::shared_lock guard(rw_);
	sum := 0                     // C++: int TotalAgain() ... int sum = 0;
	for key := range c.entries { // C++: for (int key = 0; key < Size(); ++key) sum += Get(key);
		sum += c.Get(key) // C++: sum += Get(key);
	}
	return sum // C++: int TotalAgain() ... return sum;
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
