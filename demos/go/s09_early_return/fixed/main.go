// 09 early-return in Go, fixed: Pop defers the unlock right after the lock, so every way out of
// it unlocks, the early return for an empty stack included. One goroutine pushes, another pops
// (more times than there are pushes, so some pops find the stack empty).
//
// `go run -race .` runs to the end.
package main

import (
	"fmt"
	"sync"
)

const pushes = 1000

type Stack struct {
	mu      sync.Mutex
	entries []int
}

func (s *Stack) Push(value int) { // C++: void Push(int value) {
	s.mu.Lock()                          // C++: void Push(int value) ... std::lock_guard guard(mu_);
	defer s.mu.Unlock()                  // C++: void Push(int value) ... std::lock_guard guard(mu_);
	s.entries = append(s.entries, value) // C++: entries_[static_cast<std::size_t>(n)].store(value);
}

// Pop returns the top entry, or 0 for an empty stack.
func (s *Stack) Pop() int { // C++: int PopGuarded() {
	s.mu.Lock()         // C++: int PopGuarded() ... std::lock_guard guard(mu_);
	defer s.mu.Unlock() // C++: int PopGuarded() ... std::lock_guard guard(mu_);
	n := len(s.entries) // C++: int PopGuarded() ... int n = len_.load();
	if n == 0 {         // C++: int PopGuarded() ... if (n == 0) return kEmpty;
		return 0 // the deferred Unlock runs here too
	}
	top := s.entries[n-1]       // C++: int PopGuarded() ... int top = entries_[
	s.entries = s.entries[:n-1] // C++: int PopGuarded() ... len_.store(n - 1);
	return top                  // C++: int PopGuarded() ... return top;
}

func main() {
	stack := &Stack{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 1; i <= pushes; i++ {
			stack.Push(i)
		}
	}()
	popped := 0
	go func() {
		defer wg.Done()
		// Two pops more than there are pushes: at least two of them find the stack empty.
		for i := 0; i < pushes+2; i++ {
			if stack.Pop() != 0 {
				popped++
			}
		}
	}()
	wg.Wait()
	fmt.Printf("%d pushes, %d popped, %d left on the stack\n", pushes, popped, len(stack.entries))
}
