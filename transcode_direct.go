package wavemap

import (
	"context"
	"sync"
	"sync/atomic"
)

// directWriters is the number of direct writes TranscodeTo keeps in
// flight. One stream of 4 MiB O_DIRECT writes left the virtual disk of
// the benchmark machine at 1.8 GB/s, four at once at 2.6 GB/s
// (BENCHMARKS.md, section 8). Tests change it.
var directWriters = 4

// transcodeDirect is transcodeTo's direct path (see directio.go): the
// workers convert one block at a time into a free buffer, each block is
// sealed in order (its first page completed with the end of the one
// before), and directWriters goroutines write the sealed blocks' pages
// at once, each at its own offset. The first block is written before any
// other, so that a file system that refuses direct writes is found out
// with nothing else in flight; everything then goes through the Writer
// in order, as on the pair path without overlap.
//
// When ctx is done no further block is handed out; the blocks handed out
// are written, so the file holds a prefix of the frames. After a write
// error the file may hold later blocks but not that one: the Writer
// then has the error, and its output is to be removed.
func transcodeDirect[S Sample](p *passRun, w *Writer, d *directOut, m Frames[S], src *File, conv func([]byte, []S) (int, error)) (int64, error) {
	ch := m.Channels
	frames := m.Len()
	block := max(1, transcodeStreamBlock/ch) // frames per buffer
	fsz := w.Format().FrameSize()
	progress := p.opts.Progress
	writers := max(1, directWriters)

	type sealed struct {
		buf    []byte
		pages  []byte
		at     int64
		frames int
	}
	free := make(chan []byte, writers+1)
	for range writers + 1 {
		free <- directBuffer(min(block, frames) * fsz)
	}
	var (
		full     = make(chan sealed, writers)
		wg       sync.WaitGroup
		failed   atomic.Bool
		errMu    sync.Mutex
		writeErr error
		done     int64 // frames written, under errMu
	)
	wrote := func(n int) {
		errMu.Lock()
		done += int64(n)
		if progress != nil && writeErr == nil {
			progress(done, int64(frames))
		}
		errMu.Unlock()
	}
	// The writers wait for sealed blocks; after a refused first write
	// (d.off) none comes, and they end when full is closed.
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range full {
				if !failed.Load() {
					if err := d.writePages(s.pages, s.at); err != nil {
						errMu.Lock()
						if writeErr == nil {
							writeErr = err
						}
						errMu.Unlock()
						failed.Store(true)
					} else {
						wrote(s.frames)
					}
				}
				free <- s.buf
			}
		}()
	}

	adv := newPassAdvisor(src, m, block)
	defer adv.finish()
	var (
		clipped int64
		err     error
	)
	pos0 := d.pos
	for start := 0; start < frames && !failed.Load(); start += block {
		if err = p.stopped(int64(start), int64(frames)); err != nil {
			break
		}
		adv.start(int64(start / block))
		n := min(block, frames-start)
		lead := int((pos0 + int64(start)*int64(fsz)) % directPage)
		raw := <-free
		var c int64
		c, err = convertBlock(p.opts.Workers, m.Slice(start, start+n), raw[lead:lead+n*fsz], fsz, conv)
		clipped += c
		if err != nil {
			free <- raw
			break
		}
		adv.done(int64(start / block))
		if start == 0 || d.off {
			// The first block alone, and after a refusal every block,
			// written here, in order.
			if start == 0 {
				err = d.first(raw, lead, n*fsz)
			} else {
				_, err = w.Write(raw[lead : lead+n*fsz])
			}
			free <- raw
			if err != nil {
				break
			}
			wrote(n)
			continue
		}
		pages, at, serr := d.seal(raw, lead, n*fsz)
		if serr != nil {
			err = serr
			free <- raw
			break
		}
		full <- sealed{buf: raw, pages: pages, at: at, frames: n}
	}
	close(full)
	wg.Wait()
	if err == nil {
		err = writeErr
	}
	if writeErr != nil && w.err == nil {
		w.err = writeErr
	}
	if ferr := d.finish(); err == nil {
		err = ferr
	}
	return clipped, err
}

// convertBlock converts the frames of b into out (fsz bytes a frame) on
// the given number of workers and returns the clipped samples.
func convertBlock[S Sample](workers int, b Frames[S], out []byte, fsz int, conv func([]byte, []S) (int, error)) (int64, error) {
	n := b.Len()
	sub := &passRun{ctx: context.Background(), opts: PassOptions{Workers: workers, BlockFrames: max(1, (n+workers-1)/workers)}}
	var clipped atomic.Int64
	err := parallelBlocks(sub, b, func(i int, part Frames[S]) error {
		c, err := conv(out[i*fsz:i*fsz+part.Len()*fsz], part.Data)
		if c != 0 {
			clipped.Add(int64(c))
		}
		return err
	})
	return clipped.Load(), err
}
