package cli

import (
	"context"
	"sync"
)

// forEachFile runs work on every name, up to jobs at a time, and hands
// each result to emit in the order of names, as soon as it and every
// earlier one are done: the output of 'wavemap stats -j 8 *.wav' is that
// of a loop, only sooner. At most 2*jobs results wait for emit, so memory
// stays bounded on a corpus of any size. work must be safe to run
// concurrently; emit is called from one goroutine at a time. A work
// error is passed to emit, which decides (the commands print it and go
// on); an error from emit, or the cancellation of ctx, stops the run:
// work not started is not started, and the error is returned once the
// running work has returned.
func forEachFile[T any](ctx context.Context, names []string, jobs int,
	work func(ctx context.Context, name string) (T, error),
	emit func(name string, v T, err error) error) error {
	if jobs < 1 {
		jobs = 1
	}
	if jobs > len(names) {
		jobs = len(names)
	}
	type result struct {
		v    T
		err  error
		done chan struct{}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]*result, len(names))
	for i := range results {
		results[i] = &result{done: make(chan struct{})}
	}
	// window limits how far the workers run ahead of emit.
	window := make(chan struct{}, 2*jobs)
	next := make(chan int)
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := results[i]
				r.v, r.err = work(ctx, names[i])
				close(r.done)
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range names {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var err error
	for i, r := range results {
		select {
		case <-r.done:
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err != nil {
			break
		}
		err = emit(names[i], r.v, r.err)
		results[i] = nil
		<-window
		if err != nil {
			break
		}
	}
	cancel()
	wg.Wait()
	return err
}
