// 04 stack in Go, fixed: goroutines push their own entries onto one slice-backed stack, then
// pop as many. The mutex lives in the struct beside the slice it guards, and Pop unlocks with
// defer, so its early return for an empty stack unlocks too.
//
// `go run -race .` runs clean: every entry comes out exactly once.
package main

import (
	"fmt"
	"sync"
)

const (
	goroutines = 4
	perRoutine = 100
)

// Stack is a stack of ints kept in a slice; its fields are unexported, so no caller can reach
// the slice except through Push and Pop.
type Stack struct { // C++: class Stack {
	entries []int
	mx      sync.Mutex // C++: Lock mx_{"mx"};
}

func (s *Stack) Push(entry int) { // C++: void Push(int entry) {
	s.mx.Lock()                          // C++: void Push(int entry) ... std::lock_guard guard(mx_);
	s.entries = append(s.entries, entry) // C++: entries_[static_cast<std::size_t>(length)].store(entry);
	s.mx.Unlock()                        // C++: void Push(int entry) ... std::lock_guard guard(mx_);
}

// Pop returns the top entry, or 0 for an empty stack (as Go's stack of strings returns "").
func (s *Stack) Pop() int { // C++: int Pop() {
	s.mx.Lock()              // C++: int Pop() ... std::lock_guard guard(mx_);
	defer s.mx.Unlock()      // C++: int Pop() ... std::lock_guard guard(mx_);
	length := len(s.entries) // C++: int Pop() ... int length = len_.load();
	if length == 0 {         // C++: if (length == 0) return kEmpty;
		return 0
	}
	entry := s.entries[length-1]     // C++: int entry = entries_[
	s.entries = s.entries[:length-1] // C++: len_.store(length - 1);
	return entry                     // C++: return entry;
}

func main() {
	stack := &Stack{}
	popped := make([][]int, goroutines)
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 1; i <= perRoutine; i++ {
				stack.Push((g+1)*1000 + i)
			}
			for i := 0; i < perRoutine; i++ {
				popped[g] = append(popped[g], stack.Pop())
			}
		}(g)
	}
	wg.Wait()
	// Every pushed entry must come out exactly once: popped, or still on the stack.
	times := map[int]int{}
	for _, mine := range popped {
		for _, entry := range mine {
			times[entry]++
		}
	}
	for _, entry := range stack.entries {
		times[entry]++
	}
	wrong := 0
	for g := 0; g < goroutines; g++ {
		for i := 1; i <= perRoutine; i++ {
			if times[(g+1)*1000+i] != 1 {
				wrong++
			}
		}
	}
	fmt.Printf("%d pushes: %d did not come out exactly once\n", goroutines*perRoutine, wrong)
}
