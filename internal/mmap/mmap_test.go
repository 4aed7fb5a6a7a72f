package mmap

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

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

func TestMapOffsets(t *testing.T) {
	f, want := tempFile(t, 300000)
	for _, off := range []int64{0, 1, 44, 4095, 4096, 4097, 65535, 65536, 65537, 299999} {
		for _, prot := range []Prot{ReadOnly, ReadWrite, Copy} {
			n := int64(len(want)) - off
			m, err := Map(f, off, n, prot)
			if err != nil {
				t.Fatalf("Map(%d, %d, %d): %v", off, n, prot, err)
			}
			b := m.Bytes()
			if int64(len(b)) != n || int64(cap(b)) != n || !bytes.Equal(b, want[off:]) {
				t.Fatalf("Map(%d): wrong bytes (len %d cap %d)", off, len(b), cap(b))
			}
			if m.Prot() != prot {
				t.Error("Prot")
			}
			if err := m.Unmap(); err != nil {
				t.Fatal(err)
			}
			if err := m.Unmap(); err != nil || m.Bytes() != nil {
				t.Fatal("second Unmap")
			}
		}
	}
}

func TestWriteModes(t *testing.T) {
	f, want := tempFile(t, 10000)
	// Copy: private changes, file untouched, DontNeed keeps them.
	c, err := Map(f, 100, 9000, Copy)
	if err != nil {
		t.Fatal(err)
	}
	c.Bytes()[0], c.Bytes()[8999] = 0xAA, 0xBB
	if err := c.Advise(DontNeed, 0, 9000); err != nil {
		t.Fatal(err)
	}
	if c.Bytes()[0] != 0xAA || c.Bytes()[8999] != 0xBB {
		t.Error("DontNeed on a Copy mapping lost private changes")
	}
	if err := c.Sync(); err != nil {
		t.Fatal(err)
	}
	c.Unmap()
	if got, _ := os.ReadFile(f.Name()); !bytes.Equal(got, want) {
		t.Fatal("a Copy mapping changed the file")
	}
	// ReadWrite: changes reach the file.
	w, err := Map(f, 4097, 10, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	copy(w.Bytes(), "0123456789")
	if err := w.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := w.SyncRange(3, 2); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(f.Name())
	if string(got[4097:4107]) != "0123456789" || !bytes.Equal(got[:4097], want[:4097]) || !bytes.Equal(got[4107:], want[4107:]) {
		t.Error("ReadWrite mapping did not write exactly its range")
	}
	w.Unmap()
}

func TestAdvise(t *testing.T) {
	f, want := tempFile(t, 1<<20)
	m, err := Map(f, 12345, 1<<19, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Unmap()
	for _, a := range []Advice{Normal, Sequential, Random, WillNeed, DontNeed, PopulateRead} {
		for _, r := range [][2]int64{{0, 1 << 19}, {5, 10}, {-100, 1 << 30}, {1 << 20, 5}, {4000, 0}} {
			if err := m.Advise(a, r[0], r[1]); err != nil {
				t.Errorf("Advise(%d, %d, %d): %v", a, r[0], r[1], err)
			}
		}
	}
	if !bytes.Equal(m.Bytes(), want[12345:12345+1<<19]) {
		t.Error("advice changed the contents")
	}
}

func TestEmptyAndErrors(t *testing.T) {
	f, _ := tempFile(t, 100)
	m, err := Map(f, 50, 0, ReadOnly)
	if err != nil || m.Bytes() == nil || len(m.Bytes()) != 0 {
		t.Fatalf("empty mapping: %v", err)
	}
	if m.Sync() != nil || m.Advise(WillNeed, 0, 10) != nil || m.Unmap() != nil {
		t.Error("operations on an empty mapping failed")
	}
	if _, err := Map(f, -1, 10, ReadOnly); err == nil {
		t.Error("negative offset accepted")
	}
	if _, err := Map(f, 0, 10, Prot(9)); err == nil {
		t.Error("bad protection accepted")
	}
	if _, err := Map(f, 0, 1<<62, ReadOnly); err == nil {
		t.Error("a 4 EiB mapping succeeded")
	}
	if err := checkSpan(1<<31, 1<<31-1); !errors.Is(err, ErrTooLarge) {
		t.Errorf("32-bit limit: %v", err)
	}
	if err := checkSpan(1<<31-1, 1<<31-1); err != nil {
		t.Errorf("2 GiB - 1 on 32-bit: %v", err)
	}
}
