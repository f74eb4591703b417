// 07 job-queue in Go, unsafe: workers take numbered jobs through a shared index, which each
// reads and writes back plus one with no lock. Two workers that read the index before either
// writes it back take the same job: it runs twice.
//
// `go run -race .` reports the data race; `go run .` finds jobs that ran twice when the workers
// really run at the same moment. The fixed program hands the jobs out through a channel.
package main

import (
	"fmt"
	"sync"
)

const (
	workers = 4
	jobs    = 64
	rounds  = 100
)

type JobQueue struct {
	jobs int
	next int // the index of the next job to take
}

// Take returns the next job for the calling worker; false once every job is taken.
func (q *JobQueue) Take() (int, bool) { // C++: std::optional<int> TakeByIndex() {
	job := q.next      // C++: int job = next_.load();
	if job >= q.jobs { // C++: if (job >= jobs_) return std::nullopt;
		return 0, false
	}
	q.next = job + 1 // C++: next_.store(job + 1);
	return job, true // C++: return job;
}

// runRound has every worker take jobs until none is left, and counts the runs of each job.
func runRound() (ranTwice int) {
	q := &JobQueue{jobs: jobs}
	ran := make([][]int, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for job, ok := q.Take(); ok; job, ok = q.Take() {
				ran[w] = append(ran[w], job)
			}
		}(w)
	}
	wg.Wait()
	runs := make([]int, jobs)
	for _, mine := range ran {
		for _, job := range mine {
			runs[job]++
		}
	}
	for _, n := range runs {
		if n > 1 {
			ranTwice++
		}
	}
	return ranTwice
}

func main() {
	twice := 0
	for round := 0; round < rounds; round++ {
		twice += runRound()
	}
	fmt.Printf("%d rounds of %d jobs: %d jobs ran more than once\n", rounds, jobs, twice)
}
