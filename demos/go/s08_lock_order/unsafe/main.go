// 08 lock-order in Go, unsafe: two goroutines transfer money back and forth between accounts a
// and b, and Transfer locks the payer's account first. One holds a and waits for b while the
// other holds b and waits for a: neither goes on.
//
// `go run .` stops with "fatal error: all goroutines are asleep - deadlock!", usually within a
// few milliseconds. (Not under -race: its runtime keeps Go's deadlock check from firing, and
// the program just hangs; golang/go#20588.) The fixed program differs only in the order the
// two locks are taken.
package main

import (
	"fmt"
	"sync"
	"time"
)

const (
	openingBalance = 100
	amount         = 10
	// Long enough for the scheduler to interleave the two goroutines many times, even on
	// one core (where they take turns only when one is preempted).
	runFor = time.Second
)

type Account struct {
	id      int
	balance int
	mu      sync.Mutex
}

// lockOrder says which of the two accounts' locks a transfer takes first.
func lockOrder(from, to *Account) (first, second *Account) { // C++: struct PayerFirst {
	return from, to // C++: the payer's lock first, whoever the payer is
}

func Transfer(from, to *Account, amount int) { // C++: void Transfer(Account& from, Account& to, int amount) {
	first, second := lockOrder(from, to) // C++: auto [first, second] = LockOrder::order(from, to);
	first.mu.Lock()                      // C++: std::lock_guard lock_first(first->mu);
	defer first.mu.Unlock()              // C++: std::lock_guard lock_first(first->mu);
	second.mu.Lock()                     // C++: std::lock_guard lock_second(second->mu);
	defer second.mu.Unlock()             // C++: std::lock_guard lock_second(second->mu);
	from.balance -= amount               // C++: from.balance.store(from.balance.load() - amount);
	to.balance += amount                 // C++: to.balance.store(to.balance.load() + amount);
}

func main() {
	accounts := []*Account{{id: 0, balance: openingBalance}, {id: 1, balance: openingBalance}}
	transfers := make([]int, len(accounts))
	deadline := time.Now().Add(runFor)
	var wg sync.WaitGroup
	for g := range accounts {
		wg.Add(1)
		// Goroutine g pays account g into the next one: a into b, and b into a.
		go func(g int, from, to *Account) {
			defer wg.Done()
			for ; time.Now().Before(deadline); transfers[g]++ {
				Transfer(from, to, amount)
			}
		}(g, accounts[g], accounts[(g+1)%len(accounts)])
	}
	wg.Wait()
	total := 0
	for _, account := range accounts {
		total += account.balance
	}
	fmt.Printf("%v transfers: the accounts hold %d in all\n", transfers, total)
}
