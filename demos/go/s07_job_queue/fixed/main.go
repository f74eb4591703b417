// 07 job-queue in Go, fixed: the same workers, but the jobs come out of a channel. Before the
// workers start, every job goes into a channel with room for all of them, and the channel is
// closed; a receive hands each job to exactly one worker. No lock in the workers' code: the
// channel locks inside.
//
// `go run -race .` runs clean, and every job runs once.
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
	jobs  int
	queue chan int // buffered, with room for every job: no send waits
}

// Fill puts every job into the channel and closes it, before the workers start.
func (q *JobQueue) Fill() { // C++: void Fill() {
	for job := 0; job < q.jobs; job++ { // C++: for (int job = 0; job < jobs_; ++job)
		q.queue <- job // C++: queue_.send(job)
	}
	close(q.queue) // C++: queue_.close();
}

// Take returns the next job for the calling worker; false once every job is taken.
func (q *JobQueue) Take() (int, bool) { // C++: std::optional<int> TakeFromChannel()
	job, ok := <-q.queue // C++: return queue_.recv();
	return job, ok
}

// runRound has every worker take jobs until none is left, and counts the runs of each job.
func runRound() (ranTwice int) {
	q := &JobQueue{jobs: jobs, queue: make(chan int, jobs)}
	q.Fill()
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
