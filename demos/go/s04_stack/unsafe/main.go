// 04 stack in Go, unsafe: goroutines push their own entries onto one slice-backed stack, then
// pop as many, with no lock. Two pushes that read the same length fill the same slot (a lost
// push); two pops that read the same length return the same entry (a double pop).
//
// `go run -race .` reports the data race. The fixed program differs only in the mutex.
package main

import (
	"fmt"
	"sync"
)

const (
	goroutines = 4
	perRoutine = 100
)

// Stack is a stack of ints kept in a slice, with nothing to guard it.
type Stack struct { // C++: class Stack {
	entries []int
}

func (s *Stack) Push(entry int) { // C++: void Push(int entry) {
	s.entries = append(s.entries, entry) // C++: entries_[static_cast<std::size_t>(length)].store(entry);
}

// Pop returns the top entry, or 0 for an empty stack (as Go's stack of strings returns "").
func (s *Stack) Pop() int { // C++: int Pop() {
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
