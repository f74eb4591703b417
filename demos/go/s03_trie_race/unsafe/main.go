// 03 trie-race in Go, unsafe: goroutines insert words that all start with 'g' into one trie,
// with no lock. Two inserts can both find no child for 'g', both link their own node, and the
// branch linked first is lost.
//
// `go run -race .` reports the data race; `go run .` may lose keys or stop with "fatal error:
// concurrent map writes". The fixed program differs only in the mutex.
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
	root *node
}

func (t *Trie) Insert(key string) { // C++: void Insert(std::string_view key) {
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
