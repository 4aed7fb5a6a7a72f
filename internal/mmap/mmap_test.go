package mmap

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// tempFile makes a file of n known bytes, open for reading and writing.
func tempFile(t *testing.T, n int) (*os.File, []byte) {
	t.Helper()
	want := make([]byte, n)
	for i := range want {
		want[i] = byte(i*7 + i>>8)
	}
	p := filepath.Join(t.TempDir(), "m")
	if err := os.WriteFile(p, want, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, want
}

func mustMap(t *testing.T, f *os.File, off, length int64, prot Prot) *Mapping {
	t.Helper()
	m, err := Map(f, off, length, prot)
	if err != nil {
		t.Fatalf("Map(%d, %d, %d): %v", off, length, prot, err)
	}
	t.Cleanup(func() { m.Unmap() })
	return m
}

func readFile(t *testing.T, f *os.File) []byte {
	t.Helper()
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMapOffsets(t *testing.T) {
	f, want := tempFile(t, 300000)
	for _, off := range []int64{0, 1, 44, 4095, 4096, 4097, 65535, 65536, 65537, 299999} {
		for _, prot := range []Prot{ReadOnly, ReadWrite, Copy} {
			for _, n := range []int64{1, int64(len(want)) - off} {
				m := mustMap(t, f, off, n, prot)
				b := m.Bytes()
				if int64(len(b)) != n || int64(cap(b)) != n || !bytes.Equal(b, want[off:off+n]) {
					t.Fatalf("Map(%d, %d, %d): wrong bytes (len %d cap %d)", off, n, prot, len(b), cap(b))
				}
				if m.Prot() != prot {
					t.Errorf("Prot() = %d, want %d", m.Prot(), prot)
				}
				if err := m.Unmap(); err != nil {
					t.Fatal(err)
				}
				if err := m.Unmap(); err != nil || m.Bytes() != nil {
					t.Fatalf("second Unmap: %v, Bytes %v", err, m.Bytes() != nil)
				}
			}
		}
	}
}

func TestReadWrite(t *testing.T) {
	f, want := tempFile(t, 10000)
	m := mustMap(t, f, 4097, 10, ReadWrite)
	copy(m.Bytes(), "0123456789")
	if err := m.Sync(); err != nil {
		t.Fatal(err)
	}
	copy(want[4097:], "0123456789")
	if !bytes.Equal(readFile(t, f), want) {
		t.Fatal("after Sync the file does not hold exactly the written range")
	}
	m.Bytes()[3] = 'x'
	if err := m.SyncRange(3, 1); err != nil {
		t.Fatal(err)
	}
	for _, r := range [][2]int64{{-5, 100}, {10, 5}, {20, -1}} {
		if err := m.SyncRange(r[0], r[1]); err != nil {
			t.Errorf("SyncRange(%d, %d): %v", r[0], r[1], err)
		}
	}
	m.Bytes()[9] = 'y'
	if err := m.Unmap(); err != nil {
		t.Fatal(err)
	}
	want[4100], want[4106] = 'x', 'y'
	if !bytes.Equal(readFile(t, f), want) {
		t.Fatal("after Unmap the file does not hold exactly the written range")
	}
	if err := m.Sync(); err != nil {
		t.Errorf("Sync after Unmap: %v", err)
	}
}

func TestCopy(t *testing.T) {
	f, want := tempFile(t, 10000)
	c := mustMap(t, f, 100, 9000, Copy)
	r := mustMap(t, f, 100, 9000, ReadOnly)
	c.Bytes()[0], c.Bytes()[8999] = 0xAA, 0xBB
	if err := c.Advise(DontNeed, 0, 9000); err != nil {
		t.Fatal(err)
	}
	if c.Bytes()[0] != 0xAA || c.Bytes()[8999] != 0xBB {
		t.Fatal("DontNeed on a Copy mapping lost private changes")
	}
	if !bytes.Equal(r.Bytes(), want[100:9100]) {
		t.Error("a Copy mapping's changes are visible through another mapping")
	}
	if err := c.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := c.Unmap(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, f), want) {
		t.Fatal("a Copy mapping changed the file")
	}
}

func TestAdvise(t *testing.T) {
	f, want := tempFile(t, 1<<20)
	const off, n = 12345, 1 << 19
	ranges := [][2]int64{{0, n}, {5, 10}, {-100, 1 << 30}, {1 << 20, 5}, {4000, 0}, {n - 1, 1}, {100, -7}, {0, math.MaxInt64}}
	for _, prot := range []Prot{ReadOnly, ReadWrite, Copy} {
		m := mustMap(t, f, off, n, prot)
		if prot != ReadOnly {
			m.Bytes()[0], m.Bytes()[n-1] = 1, 2
		}
		for a := Normal; a <= PopulateWrite; a++ {
			for _, r := range ranges {
				if err := m.Advise(a, r[0], r[1]); err != nil {
					t.Errorf("prot %d: Advise(%d, %d, %d): %v", prot, a, r[0], r[1], err)
				}
			}
		}
		got := append([]byte(nil), m.Bytes()...)
		if prot != ReadOnly {
			if got[0] != 1 || got[n-1] != 2 {
				t.Errorf("prot %d: advice lost changes", prot)
			}
			got[0], got[n-1] = want[off], want[off+n-1]
		}
		if !bytes.Equal(got, want[off:off+n]) {
			t.Errorf("prot %d: advice changed the contents", prot)
		}
		if prot == ReadWrite {
			if err := m.Sync(); err != nil {
				t.Fatal(err)
			}
			if b := readFile(t, f); b[off] != 1 || b[off+n-1] != 2 {
				t.Error("changes kept through DontNeed did not reach the file")
			}
			m.Bytes()[0], m.Bytes()[n-1] = want[off], want[off+n-1]
		}
		if err := m.Unmap(); err != nil {
			t.Fatal(err)
		}
		if err := m.Advise(WillNeed, 0, n); err != nil {
			t.Errorf("Advise after Unmap: %v", err)
		}
	}
}

func TestPages(t *testing.T) {
	p := pageSize()
	whole := make([]byte, 3*p+100)
	m := &Mapping{whole: whole, skip: 44, data: whole[44:]}
	n := int64(len(m.data))
	for _, c := range []struct {
		off, length int64
		inward      bool
		lo, hi      int
	}{
		{0, 10, false, 0, p},
		{0, 10, true, 0, 0},
		{0, n, false, 0, len(whole)},
		{0, n, true, p, len(whole)}, // the mapping's end counts as aligned
		{int64(p), int64(p), true, 0, 0},
		{int64(p - 44), int64(2 * p), true, p, 3 * p},
		{int64(p - 44), int64(2 * p), false, p, 3 * p},
		{int64(p - 43), int64(2*p) - 2, false, p, 3 * p},
		{int64(p - 43), int64(2*p) - 2, true, 2 * p, 2 * p},
		{-5, 1 << 40, false, 0, len(whole)},
		{n, 5, false, 0, 0},
		{n + 5, 5, true, 0, 0},
		{10, -1, false, 0, 0},
	} {
		lo, hi, ok := m.pages(c.off, c.length, c.inward)
		if want := c.lo < c.hi; ok != want || ok && (lo != c.lo || hi != c.hi) {
			t.Errorf("pages(%d, %d, %v) = %d, %d, %v; want %d, %d, %v", c.off, c.length, c.inward, lo, hi, ok, c.lo, c.hi, want)
		}
	}
}

func TestEmpty(t *testing.T) {
	f, _ := tempFile(t, 100)
	m, err := Map(f, 50, 0, ReadWrite)
	if err != nil || m.Bytes() == nil || len(m.Bytes()) != 0 || cap(m.Bytes()) != 0 {
		t.Fatalf("empty mapping: %v", err)
	}
	if m.Sync() != nil || m.SyncRange(0, 10) != nil || m.Advise(WillNeed, 0, 10) != nil || m.Unmap() != nil || m.Unmap() != nil {
		t.Error("an operation on an empty mapping failed")
	}
	if m.Bytes() != nil {
		t.Error("Bytes not nil after Unmap")
	}
}

func TestErrors(t *testing.T) {
	f, _ := tempFile(t, 100)
	check := func(err error, what string) {
		t.Helper()
		var pe *fs.PathError
		if !errors.As(err, &pe) || pe.Op != "mmap" || pe.Path != f.Name() {
			t.Errorf("%s: got %#v, want an *fs.PathError for mmap of %s", what, err, f.Name())
		}
	}
	_, err := Map(f, -1, 10, ReadOnly)
	check(err, "negative offset")
	_, err = Map(f, 0, -1, ReadOnly)
	check(err, "negative length")
	_, err = Map(f, 0, 10, Prot(9))
	check(err, "bad protection")
	_, err = Map(f, 0, 10, 0)
	check(err, "zero protection")

	ro, err := os.Open(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	_, err = Map(ro, 0, 10, ReadWrite)
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("shared writable mapping of a read-only file: %v", err)
	}
	m, err := Map(ro, 0, 10, Copy) // private: allowed on a read-only file
	if err != nil {
		t.Fatal(err)
	}
	m.Bytes()[0] = 1
	m.Unmap()
}

func TestTooLarge(t *testing.T) {
	if spanLimit(32) != 1<<31-1 || spanLimit(64) != math.MaxInt64 {
		t.Fatalf("spanLimit: %d, %d", spanLimit(32), spanLimit(64))
	}
	lim := spanLimit(32)
	if err := checkSpan(0, lim, lim); err != nil {
		t.Errorf("2 GiB - 1 on 32-bit: %v", err)
	}
	if err := checkSpan(4095, lim-4095, lim); err != nil {
		t.Errorf("2 GiB - 1 with slack on 32-bit: %v", err)
	}
	err := checkSpan(1, lim, lim)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "2147483647") {
		t.Errorf("2 GiB on 32-bit: %v", err)
	}
	if err := checkSpan(65535, math.MaxInt64, math.MaxInt64); !errors.Is(err, ErrTooLarge) {
		t.Errorf("overflowing span: %v", err)
	}

	f, _ := tempFile(t, 100)
	var pe *fs.PathError
	_, err = Map(f, 1, math.MaxInt64, ReadOnly)
	if !errors.Is(err, ErrTooLarge) || !errors.As(err, &pe) || pe.Op != "mmap" {
		t.Errorf("Map of MaxInt64 bytes at 1: %v", err)
	}
	// 4 EiB: the 32-bit check refuses it; on 64-bit, mmap does (ENOMEM).
	_, err = Map(f, 0, 1<<62, ReadOnly)
	if err == nil || !errors.As(err, &pe) || pe.Op != "mmap" || strconv.IntSize == 32 && !errors.Is(err, ErrTooLarge) {
		t.Errorf("Map of 4 EiB: %v", err)
	}
	if strconv.IntSize == 32 {
		if _, err := Map(f, 1, 1<<31-1, ReadOnly); !errors.Is(err, ErrTooLarge) {
			t.Errorf("Map of 2 GiB - 1 at offset 1 on 32-bit: %v", err)
		}
	}
}
