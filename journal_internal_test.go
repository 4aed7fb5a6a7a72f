package wavemap

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// Tests of the journal's protocol that stop Gain at chosen steps, through
// the journalCrash hook, leaving the files as a kill at that moment would.
// journal_test.go kills real processes.

// crashFile creates a file of random bytes (NaN floats and extreme codes
// included) in dir and returns its path and a copy of its audio.
func crashFile(t *testing.T, dir string, format Format, frames int64, seed uint64) (string, []byte) {
	t.Helper()
	path := filepath.Join(dir, fmt.Sprintf("%s-%d.wav", format.Encoding, seed))
	f, err := Create(path, format, frames, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 5))
	d := f.Bytes()
	for i := range d {
		d[i] = byte(rng.Uint32())
	}
	orig := bytes.Clone(d)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, orig
}

// wantGain returns the audio and clipped count of an uninterrupted Gain
// without a journal on a copy of path.
func wantGain(t *testing.T, path string, factor float64) ([]byte, int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ref := filepath.Join(t.TempDir(), "ref.wav")
	if err := os.WriteFile(ref, b, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(ref, ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := Gain(context.Background(), f, factor, &PassOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Clone(f.Bytes()), n
}

// gainOnce opens path and runs a journaled Gain on it.
func gainOnce(path string, factor float64, opts PassOptions) (int64, error) {
	f, err := Open(path, ReadWrite, nil)
	if err != nil {
		return 0, err
	}
	opts.Journal = JournalPath(path)
	n, err := Gain(context.Background(), f, factor, &opts)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// audioOf returns the audio bytes of the file at path.
func audioOf(t *testing.T, path string) []byte {
	t.Helper()
	f, err := Open(path, ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return bytes.Clone(f.Bytes())
}

// crashOn makes the next Gain die at the n-th time (from 1) it reaches
// step in block k (k < 0: any block), and returns a function that says
// whether it did.
func crashOn(t *testing.T, step journalStep, k int64, n int) func() bool {
	var mu sync.Mutex
	seen, hit := 0, false
	journalCrash = func(s journalStep, b int64) bool {
		mu.Lock()
		defer mu.Unlock()
		if s != step || (k >= 0 && b != k) || hit {
			return false
		}
		seen++
		hit = seen == n
		return hit
	}
	t.Cleanup(func() { journalCrash = nil })
	return func() bool {
		mu.Lock()
		defer mu.Unlock()
		return hit
	}
}

// TestJournalCrashAtEveryStep interrupts a journaled Gain at each step of
// the protocol, in the first, a middle and the last block, and checks
// that the rerun gives the bytes and the clipped count of an
// uninterrupted Gain, and removes the journal.
func TestJournalCrashAtEveryStep(t *testing.T) {
	formats := []Format{
		{Encoding: EncodingInt16, Channels: 2, SampleRate: 8000},
		{Encoding: EncodingInt24, Channels: 1, SampleRate: 8000},
		{Encoding: EncodingUint8, Channels: 3, SampleRate: 8000},
		{Encoding: EncodingFloat32, Channels: 2, SampleRate: 8000},
		{Encoding: EncodingFloat64, Channels: 1, SampleRate: 8000},
		{Encoding: EncodingMuLaw, Channels: 1, SampleRate: 8000},
		{Encoding: EncodingInt32, Channels: 2, SampleRate: 8000, ValidBits: 20},
	}
	const frames, block = 20011, 3000 // 7 blocks of 1 to 24 chunks, the last one short
	steps := []journalStep{stepCreated, stepCopied, stepBusy, stepHalf, stepEdited, stepRecorded}
	for i, format := range formats {
		dir := t.TempDir()
		path, orig := crashFile(t, dir, format, frames, uint64(i))
		factor := []float64{0.5, 1.7, -0.71, 2}[i%4]
		want, wantClipped := wantGain(t, path, factor)
		for _, workers := range []int{1, 3} {
			for _, step := range steps {
				ks := []int64{0, 3, 6}
				if step == stepCreated {
					ks = []int64{-1}
				}
				for _, k := range ks {
					for _, nth := range []int{1, 2, 5} { // the chunk, for the steps of every chunk
						what := fmt.Sprintf("%s x%v workers %d: crash at step %d of block %d (%d)", format, factor, workers, step, k, nth)
						restore(t, path, orig)
						hit := crashOn(t, step, k, nth)
						opts := PassOptions{Workers: workers, BlockFrames: block}
						n, err := gainOnce(path, factor, opts)
						journalCrash = nil
						if hit() {
							if !errors.Is(err, errJournalCrash) {
								t.Fatalf("%s: Gain returned %v", what, err)
							}
							// The rerun asks for other blocks and workers: the
							// journal's wins.
							n, err = gainOnce(path, factor, PassOptions{Workers: 2, BlockFrames: 333})
						}
						if err != nil {
							t.Fatalf("%s: rerun: %v", what, err)
						}
						if got := audioOf(t, path); !bytes.Equal(got, want) || n != wantClipped {
							t.Fatalf("%s: rerun gives other samples (equal: %v) or %d clipped, want %d",
								what, bytes.Equal(got, want), n, wantClipped)
						}
						if _, err := os.Stat(JournalPath(path)); !errors.Is(err, os.ErrNotExist) {
							t.Fatalf("%s: journal left after the rerun: %v", what, err)
						}
						if _, err := os.Stat(JournalPath(path) + ".new"); !errors.Is(err, os.ErrNotExist) {
							t.Fatalf("%s: temporary journal left: %v", what, err)
						}
						if !hit() && nth > 1 || step == stepCreated {
							break
						}
					}
				}
			}
		}
	}
}

// restore puts the audio orig back into the file at path and removes any
// journal.
func restore(t *testing.T, path string, orig []byte) {
	t.Helper()
	os.Remove(JournalPath(path))
	f, err := Open(path, ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	copy(f.Bytes(), orig)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestJournalCrashChain interrupts a journaled Gain, then its rerun, then
// the rerun of that, at random steps (restoring a slot included), before
// letting it finish: the result is still that of one Gain.
func TestJournalCrashChain(t *testing.T) {
	format := Format{Encoding: EncodingInt16, Channels: 2, SampleRate: 8000}
	path, orig := crashFile(t, t.TempDir(), format, 20000, 7)
	want, wantClipped := wantGain(t, path, 3.5)
	rng := rand.New(rand.NewPCG(12, 12))
	steps := []journalStep{stepCopied, stepBusy, stepHalf, stepEdited, stepRecorded, stepRestored, stepComplete}
	crashes := 0
	for round := range 30 {
		restore(t, path, orig)
		finished := false
		for crash := range 1 + rng.IntN(4) {
			step := steps[rng.IntN(len(steps))]
			hit := crashOn(t, step, -1, 1+rng.IntN(5))
			n, err := gainOnce(path, 3.5, PassOptions{Workers: 1 + rng.IntN(3), BlockFrames: 1500, Sync: step == stepComplete})
			journalCrash = nil
			if hit() != errors.Is(err, errJournalCrash) || (!hit() && err != nil) {
				t.Fatalf("round %d, crash %d at step %d: crashed %v, Gain returned %v", round, crash, step, hit(), err)
			}
			if !hit() { // the step never came: the edit is finished
				if got := audioOf(t, path); !bytes.Equal(got, want) || n != wantClipped {
					t.Fatalf("round %d: an uncrashed run gives other samples or %d clipped (want %d)", round, n, wantClipped)
				}
				finished = true
				break
			}
			crashes++
		}
		if finished {
			continue
		}
		n, err := gainOnce(path, 3.5, PassOptions{})
		if err != nil {
			t.Fatalf("round %d: last rerun: %v", round, err)
		}
		if got := audioOf(t, path); !bytes.Equal(got, want) || n != wantClipped {
			t.Fatalf("round %d: the last rerun gives other samples or %d clipped (want %d)", round, n, wantClipped)
		}
	}
	if crashes < 30 {
		t.Errorf("only %d crashes", crashes)
	}
}

// TestJournalCancel cancels a journaled Gain at chosen points through its
// progress reports (the pass then stops between blocks) and finishes it.
func TestJournalCancel(t *testing.T) {
	format := Format{Encoding: EncodingFloat32, Channels: 2, SampleRate: 8000}
	path, orig := crashFile(t, t.TempDir(), format, 50000, 3)
	want, wantClipped := wantGain(t, path, 0.25)
	for _, stopAt := range []int64{1, 4096, 25000, 40000} {
		restore(t, path, orig)
		ctx, cancel := context.WithCancel(context.Background())
		f, err := Open(path, ReadWrite, nil)
		if err != nil {
			t.Fatal(err)
		}
		opts := &PassOptions{Workers: 2, BlockFrames: 4096, Journal: JournalPath(path), Progress: func(done, _ int64) {
			if done >= stopAt {
				cancel()
			}
		}}
		_, err = Gain(ctx, f, 0.25, opts)
		f.Close()
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("stop at %d: Gain returned %v", stopAt, err)
		}
		info, err := ReadJournal(JournalPath(path))
		if err != nil || info.Done == 0 || info.Done == info.Blocks || info.Factor != 0.25 {
			t.Fatalf("stop at %d: journal %+v, %v", stopAt, info, err)
		}
		n, err := gainOnce(path, 0.25, PassOptions{})
		if err != nil || n != wantClipped || !bytes.Equal(audioOf(t, path), want) {
			t.Fatalf("stop at %d: rerun: %d clipped (want %d), %v, samples equal: %v", stopAt, n, wantClipped, err,
				bytes.Equal(audioOf(t, path), want))
		}
	}
}

// TestJournalDamaged interrupts a Gain in the middle of a block, then
// damages its journal in many ways (flipped bytes, truncation, growth): a
// rerun must either refuse with ErrInterrupted and leave the audio exactly
// as the interruption left it, or give the result of one Gain.
func TestJournalDamaged(t *testing.T) {
	format := Format{Encoding: EncodingInt16, Channels: 1, SampleRate: 8000}
	dir := t.TempDir()
	path, orig := crashFile(t, dir, format, 9000, 11)
	want, _ := wantGain(t, path, 0.5)
	restore(t, path, orig)
	crashOn(t, stepHalf, 4, 1)
	if _, err := gainOnce(path, 0.5, PassOptions{Workers: 2, BlockFrames: 1000}); !errors.Is(err, errJournalCrash) {
		t.Fatal(err)
	}
	journalCrash = nil
	jpath := JournalPath(path)
	good, err := os.ReadFile(jpath)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	interrupted := sha256.Sum256(whole)
	// The bytes that mean something: the header, the complete marker, the
	// records, the slot headers and the saved bytes of the busy slot.
	jf, err := os.Open(jpath)
	if err != nil {
		t.Fatal(err)
	}
	j, err := loadJournal(jpath, jf)
	jf.Close()
	if err != nil {
		t.Fatal(err)
	}
	busy := slices.IndexFunc(j.slots, func(s slotInFlight) bool { return s.block == 4 })
	if busy < 0 {
		t.Fatalf("no slot holds block 4: %v", j.slots)
	}
	st := j.slots[busy]
	base := j.l.slots + int64(busy)*journalSlot
	b := st.chunk % 2
	meaning := [][2]int64{
		{0, int64(binary.Size(journalHeader{}))},
		{journalDoneAt, journalDoneAt + 8},
		{journalPage, journalPage + 8*j.h.Blocks},
		{base + slotCRC + 8*b, base + slotCRC + 8*b + 8},
		{base + slotRun + 8*b, base + slotRun + 8*b + 8},
		{base + slotBuf + b*journalPage, base + slotBuf + b*journalPage + 2000},
	}
	for s := range j.slots {
		o := j.l.slots + int64(s)*journalSlot + slotState
		meaning = append(meaning, [2]int64{o, o + 8})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	refused, harmless := 0, 0
	const tries = 400
	for try := range tries {
		bad := bytes.Clone(good)
		var what string
		mustRefuse := true
		switch r := rng.IntN(10); {
		case r == 0:
			n := rng.IntN(len(bad))
			bad, what = bad[:n], fmt.Sprintf("cut to %d bytes", n)
		case r == 1:
			bad, what = append(bad, make([]byte, 1+rng.IntN(5000))...), "grown"
		case r < 8:
			m := meaning[rng.IntN(len(meaning))]
			i := m[0] + rng.Int64N(m[1]-m[0])
			bad[i] ^= byte(1 + rng.IntN(255))
			what = fmt.Sprintf("byte %d flipped", i)
		default: // anywhere, padding included
			i := rng.IntN(len(bad))
			bad[i] ^= byte(1 + rng.IntN(255))
			what, mustRefuse = fmt.Sprintf("byte %d flipped", i), false
		}
		if err := os.WriteFile(path, whole, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(jpath, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := gainOnce(path, 0.5, PassOptions{})
		after, rerr := os.ReadFile(path)
		if rerr != nil {
			t.Fatal(rerr)
		}
		switch {
		case errors.Is(err, ErrInterrupted):
			refused++
			if sha256.Sum256(after) != interrupted {
				t.Fatalf("try %d (%s): refused (%v) but changed the file", try, what, err)
			}
		case err != nil:
			t.Fatalf("try %d (%s): %v, not ErrInterrupted", try, what, err)
		case mustRefuse:
			t.Fatalf("try %d (%s): accepted", try, what)
		default:
			harmless++
			f, oerr := Open(path, ReadOnly, nil)
			if oerr != nil {
				t.Fatal(oerr)
			}
			same := bytes.Equal(f.Bytes(), want)
			f.Close()
			if !same {
				t.Fatalf("try %d (%s): the rerun was accepted but made other samples than one Gain", try, what)
			}
		}
	}
	t.Logf("%d of %d damaged journals refused, %d accepted with the right result", refused, tries, harmless)
}

// rewriteHeader applies change to the header of the journal at path and
// writes it back with a valid checksum.
func rewriteHeader(t *testing.T, path string, change func(h *journalHeader)) {
	t.Helper()
	jf, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer jf.Close()
	j, err := loadJournal(path, jf)
	if err != nil {
		t.Fatal(err)
	}
	change(&j.h)
	if _, err := jf.WriteAt(j.h.encode(), 0); err != nil {
		t.Fatal(err)
	}
}

// TestJournalRestart: a journal written before the system restarted is
// not trusted (its progress may not have reached the disk), unless it
// was marked complete after the audio was flushed.
func TestJournalRestart(t *testing.T) {
	if bootID() == "" {
		t.Skip("no boot id on this system")
	}
	format := Format{Encoding: EncodingInt16, Channels: 1, SampleRate: 8000}
	path, orig := crashFile(t, t.TempDir(), format, 5000, 9)
	want, _ := wantGain(t, path, 0.5)
	otherBoot := func(h *journalHeader) { copy(h.BootID[:], "00000000-0000-0000-0000-000000000000") }

	crashOn(t, stepHalf, 2, 1)
	if _, err := gainOnce(path, 0.5, PassOptions{BlockFrames: 1000}); !errors.Is(err, errJournalCrash) {
		t.Fatal(err)
	}
	journalCrash = nil
	rewriteHeader(t, JournalPath(path), otherBoot)
	if info, err := ReadJournal(JournalPath(path)); err != nil || !info.Restarted || info.Complete {
		t.Fatalf("ReadJournal: %+v, %v", info, err)
	}
	before := audioOf(t, path)
	if _, err := gainOnce(path, 0.5, PassOptions{}); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("after a restart: %v, want ErrInterrupted", err)
	} else {
		t.Log(err)
	}
	if !bytes.Equal(audioOf(t, path), before) {
		t.Fatal("the refusal changed the audio")
	}

	// Complete and flushed before the restart: the rerun only removes the
	// journal.
	restore(t, path, orig)
	crashOn(t, stepComplete, -1, 1)
	if _, err := gainOnce(path, 0.5, PassOptions{BlockFrames: 1000, Sync: true}); !errors.Is(err, errJournalCrash) {
		t.Fatal(err)
	}
	journalCrash = nil
	rewriteHeader(t, JournalPath(path), otherBoot)
	if info, err := ReadJournal(JournalPath(path)); err != nil || info.Restarted || !info.Complete || info.Done != info.Blocks {
		t.Fatalf("ReadJournal: %+v, %v", info, err)
	}
	if _, err := gainOnce(path, 0.5, PassOptions{}); err != nil || !bytes.Equal(audioOf(t, path), want) {
		t.Fatalf("complete journal after a restart: %v", err)
	}
	if _, err := os.Stat(JournalPath(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("journal left: %v", err)
	}
}

// TestJournalFileChangedMidBlock: a block that was being edited when the
// edit stopped, and that something else changed since, is not
// "restored" over the change: the rerun refuses.
func TestJournalFileChangedMidBlock(t *testing.T) {
	format := Format{Encoding: EncodingInt24, Channels: 2, SampleRate: 8000}
	path, _ := crashFile(t, t.TempDir(), format, 5000, 10)
	crashOn(t, stepHalf, 3, 1)
	if _, err := gainOnce(path, 0.5, PassOptions{BlockFrames: 1000}); !errors.Is(err, errJournalCrash) {
		t.Fatal(err)
	}
	journalCrash = nil
	f, err := Open(path, ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Bytes()[3*1000*6+4000] ^= 0x55 // a byte of block 3, in its second half
	changed := bytes.Clone(f.Bytes())
	f.Close()
	if _, err := gainOnce(path, 0.5, PassOptions{}); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("rerun over a changed block: %v, want ErrInterrupted", err)
	} else {
		t.Log(err)
	}
	if !bytes.Equal(audioOf(t, path), changed) {
		t.Fatal("the refusal changed the audio")
	}
}
