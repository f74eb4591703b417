// The Go side of bench/channel_vs_go.py: one process that hands out JOBS jobs through an
// unbuffered channel to WORKERS goroutines, fed by the main goroutine, and exits; the whole
// process is timed, as racedemo_jobqueue's is. Exits 1 if the jobs run do not add up.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: jobqueue WORKERS JOBS")
		os.Exit(2)
	}
	workers, errWorkers := strconv.Atoi(os.Args[1])
	jobs, errJobs := strconv.Atoi(os.Args[2])
	if errWorkers != nil || errJobs != nil || workers < 1 || jobs < 1 {
		fmt.Fprintln(os.Stderr, "jobqueue: WORKERS and JOBS must be whole numbers, at least 1")
		os.Exit(2)
	}
	queue := make(chan int) // unbuffered
	var sum int64
	var done sync.WaitGroup
	for worker := 0; worker < workers; worker++ {
		done.Add(1)
		go func() {
			defer done.Done()
			var mine int64
			for job := range queue {
				mine += int64(job)
			}
			atomic.AddInt64(&sum, mine)
		}()
	}
	for job := 0; job < jobs; job++ {
		queue <- job
	}
	close(queue)
	done.Wait()
	if expected := int64(jobs) * int64(jobs-1) / 2; sum != expected {
		fmt.Fprintf(os.Stderr, "jobqueue: jobs add up to %d, not %d\n", sum, expected)
		os.Exit(1)
	}
}
