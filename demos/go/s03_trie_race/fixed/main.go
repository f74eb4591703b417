// 03 trie-race in Go, fixed: goroutines insert words that all start with 'g' into one trie,
// and a mutex makes each whole Insert one critical section.
//
// `go run -race .` runs clean, and every key is found afterwards.
package main

import (
	"fmt"
	"sync"
)

var words = []string{"go", "git", "gopher", "gin", "gob", "gap", "golang", "gist"}

const rounds = 200

type node struct {
	children map[rune]*node
	end      bool
}

func newNode() *node {
	return &node{children: map[rune]*node{}}
}

type Trie struct { // C++: class Trie {
	mx   sync.Mutex // C++: Lock mx_{"mx"};
	root *node
}

func (t *Trie) Insert(key string) { // C++: void Insert(std::string_view key) {
	t.mx.Lock()                  // C++: std::lock_guard guard(mx_);
	defer t.mx.Unlock()          // C++: std::lock_guard guard(mx_);
	n := t.root                  // C++: Node* node = root_;
	for _, letter := range key { // C++: for (char letter : key) {
		next := n.children[letter] // C++: Node* next = node->child(letter).load();
		if next == nil {           // C++: if (next == nullptr) {
			next = newNode()          // C++: next = new_node();
			n.children[letter] = next // C++: node->child(letter).store(next);
		}
		n = next // C++: node = next;
	}
	n.end = true // C++: node->end.store(true);
}

func (t *Trie) Contains(key string) bool {
	t.mx.Lock()
	defer t.mx.Unlock()
	n := t.root
	for _, letter := range key {
		if n = n.children[letter]; n == nil {
			return false
		}
	}
	return n.end
}

func main() {
	lost := 0
	for round := 0; round < rounds; round++ {
		trie := &Trie{root: newNode()}
		var wg sync.WaitGroup
		for _, word := range words {
			wg.Add(1)
			go func(word string) {
				defer wg.Done()
				trie.Insert(word)
			}(word)
		}
		wg.Wait()
		for _, word := range words {
			if !trie.Contains(word) {
				lost++
			}
		}
	}
	fmt.Printf("%d rounds of %d inserts: %d keys lost\n", rounds, len(words), lost)
}
