// 05 rwmutex-cache in Go, fixed: goroutines each set their own key in one cache and read the
// next goroutine's key. Get shares a sync.RWMutex (RLock), Set takes it alone (Lock).
//
// `go run -race .` runs clean: a Get sees a key's whole value or nothing.
package main

import (
	"fmt"
	"strings"
	"sync"
)

var keys = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"}

const rounds = 200

// Cache maps names to values; many goroutines read it, a few write it.
type Cache struct { // C++: class Cache {
	mu   sync.RWMutex // C++: Lock mx_{"mx"};
	data map[string]string
}

func (c *Cache) Set(key, value string) { // C++: void Set(Key key, int value) {
	c.mu.Lock()         // C++: std::unique_lock guard(mx_);
	defer c.mu.Unlock() // C++: std::unique_lock guard(mx_);
	c.data[key] = value // C++: key_at(count).store(key);
}

// Get returns the key's value, or "" for a missing key (the zero value).
func (c *Cache) Get(key string) string { // C++: int Get(Key key) {
	c.mu.RLock()         // C++: std::shared_lock guard(mx_);
	defer c.mu.RUnlock() // C++: std::shared_lock guard(mx_);
	return c.data[key]   // C++: return value_at(slot).load();
}

func valueFor(key string) string {
	return strings.ToUpper(key)
}

func main() {
	wrong := 0
	for round := 0; round < rounds; round++ {
		cache := &Cache{data: map[string]string{}}
		seen := make([]string, len(keys))
		var wg sync.WaitGroup
		for g := range keys {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				cache.Set(keys[g], valueFor(keys[g]))
				seen[g] = cache.Get(keys[(g+1)%len(keys)])
			}(g)
		}
		wg.Wait()
		for g, key := range keys {
			other := keys[(g+1)%len(keys)]
			if cache.Get(key) != valueFor(key) || (seen[g] != "" && seen[g] != valueFor(other)) {
				wrong++
			}
		}
	}
	fmt.Printf("%d rounds: %d wrong values\n", rounds, wrong)
}
