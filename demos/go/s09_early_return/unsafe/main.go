// 09 early-return in Go, unsafe: Pop locks by hand and unlocks by hand at its end, but its
// early return for an empty stack skips the unlock. One goroutine pushes, another pops (more
// times than there are pushes, so some pops find the stack empty).
//
// `go run .` stops with "fatal error: all goroutines are asleep - deadlock!": after the first
// empty Pop the mutex stays locked, and the next Lock, the popper's own included, waits for
// ever. (Not under -race: its runtime keeps Go's deadlock check from firing, and the program
// just hangs; golang/go#20588.) The fixed program unlocks with defer.
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
func (s *Stack) Pop() int { // C++: int PopByHand() {
	s.mu.Lock()         // C++: mu_.lock();
	n := len(s.entries) // C++: int PopByHand() ... int n = len_.load();
	if n == 0 {         // C++: int PopByHand() ... if (n == 0) return kEmpty;
		return 0 // the way out that forgets to unlock
	}
	top := s.entries[n-1]       // C++: int PopByHand() ... int top = entries_[
	s.entries = s.entries[:n-1] // C++: int PopByHand() ... len_.store(n - 1);
	s.mu.Unlock()               // C++: mu_.unlock();
	return top                  // C++: int PopByHand() ... return top;
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
