package cli

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

func TestForEachFileOrderAndBound(t *testing.T) {
	names := make([]string, 200)
	for i := range names {
		names[i] = fmt.Sprint(i)
	}
	var running, maxRunning, started atomic.Int64
	var emitted int
	err := forEachFile(context.Background(), names, 4, func(_ context.Context, name string) (string, error) {
		n := running.Add(1)
		for {
			m := maxRunning.Load()
			if n <= m || maxRunning.CompareAndSwap(m, n) {
				break
			}
		}
		started.Add(1)
		time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
		running.Add(-1)
		if name == "7" {
			return "", errors.New("bad file")
		}
		return "r" + name, nil
	}, func(name string, v string, err error) error {
		if name != names[emitted] {
			t.Fatalf("emitted %s at %d", name, emitted)
		}
		if name == "7" != (err != nil) || (err == nil && v != "r"+name) {
			t.Errorf("%s: %q %v", name, v, err)
		}
		// Workers may not run more than 2*jobs ahead of emit.
		if s := started.Load(); s > int64(emitted)+8+1 {
			t.Errorf("started %d with %d emitted", s, emitted)
		}
		emitted++
		return nil
	})
	if err != nil || emitted != len(names) {
		t.Fatalf("err %v, emitted %d", err, emitted)
	}
	if m := maxRunning.Load(); m > 4 || m < 2 {
		t.Errorf("max running %d, want 2..4", m)
	}
}

func TestForEachFileStops(t *testing.T) {
	names := make([]string, 100)
	for i := range names {
		names[i] = fmt.Sprint(i)
	}
	var calls atomic.Int64
	stop := errors.New("stop")
	err := forEachFile(context.Background(), names, 3, func(context.Context, string) (int, error) {
		calls.Add(1)
		return 0, nil
	}, func(name string, _ int, _ error) error {
		if name == "10" {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("err %v", err)
	}
	if c := calls.Load(); c > 10+1+6 {
		t.Errorf("%d calls after an emit error at 10", c)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = forEachFile(ctx, names, 3, func(context.Context, string) (int, error) { return 0, nil },
		func(string, int, error) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: err %v", err)
	}
}
