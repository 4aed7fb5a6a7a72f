// Package atomicfile is the one way wavemap makes a file: it writes a
// temporary file beside the target and renames it over the target once
// the content is complete and on disk, so that whatever was at the
// target's name stays there, whole, until the new file replaces it in a
// single step.
//
// The temporary file is hidden and named after its target, with a marker
// no other program uses: for "take.wav", ".take.wav.wavemap-1f2e3d4c.partial"
// in the same directory. A process killed while writing leaves that file
// behind (and the target as it was); Partials and PartialsIn find such
// leftovers, and RemovePartial deletes one. While a File is being written
// it holds an advisory lock (flock, on Unix), so a listing can tell a
// leftover from the output of a run still going.
//
// What happens at the target:
//
//   - It must be a regular file, after following symlinks, or not exist.
//     A FIFO, device, socket or directory is refused (*NotRegularError)
//     before anything is created, so nothing ever opens, truncates or
//     replaces them. A target whose permission bits let no one write it,
//     or (on Unix) that this user could not open for writing, is refused
//     too (*ReadOnlyError): a read-only file is kept (cp and the shell's >
//     fail on one for users other than root; it is kept for root too).
//   - A symlink at the target's name is itself replaced by the new file:
//     the file it points to is never written through, nor changed. (Its
//     permission bits, read through the link, are the ones the new file
//     gets.) A dangling symlink counts as a file that does not exist,
//     except for Options.NoClobber, which sees it as an existing name.
//   - The new file gets the permission bits (0777 only: no setuid, setgid
//     or sticky bit) of the file it replaces; when there is none, those of
//     Options.Perm; when that is zero, 0666 minus the process's umask. The
//     temporary file never has wider permissions than the final file.
//     Owner and group are not carried over: the new file belongs to the
//     process that made it, as with any new file.
//
// Commit syncs the file to disk, renames it over the target and syncs the
// directory; any failure before the rename removes the temporary file and
// leaves the target untouched. Abort removes the temporary file. The
// space of the old file is only freed at the rename, so a replacement
// needs room for both files at once.
//
// On Windows a file cannot be renamed while it is open, so Commit closes
// the temporary file first (its callers must have unmapped it), and a
// target that another program (or another mapping in this one) holds
// open cannot be replaced: Commit fails and the target stays as it was.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// Marker is the part of a partial file's name that says wavemap made it:
// the name is "." + target's base name + Marker + 8 hex digits + Suffix.
const (
	Marker = ".wavemap-"
	Suffix = ".partial"
)

// maxBase is the longest target base name a partial name carries whole:
// with the dot, the marker, 8 hex digits and the suffix it makes 255
// bytes, the usual NAME_MAX. Longer names are cut at a UTF-8 boundary.
const maxBase = 255 - 1 - len(Marker) - 8 - len(Suffix)

// Options adjust Create. A nil *Options means the defaults.
type Options struct {
	// Perm is the permission bits of the new file when it replaces none
	// (only the 0777 bits are used); zero means 0666 minus the umask. The
	// bits of a file being replaced always win.
	Perm fs.FileMode
	// NoClobber makes Create fail with an error wrapping fs.ErrExist when
	// something exists at the target's name, and Commit fail the same way
	// (leaving it alone) if something appeared there meanwhile. On Linux
	// Commit uses renameat2(RENAME_NOREPLACE), elsewhere a hard link and
	// an unlink, both atomic; on file systems that support neither (and
	// on systems other than Unix and Windows) Commit checks and then
	// renames, and a file created in between is replaced.
	NoClobber bool
}

// File is a temporary file that becomes its target at Commit.
type File struct {
	f         *os.File
	target    string
	tmp       string
	noClobber bool
	done      bool
}

// ErrDone is returned by Commit and Abort on a File already committed or
// aborted.
var ErrDone = errors.New("atomicfile: file already committed or aborted")

// NotRegularError reports a target that exists and is not a regular file
// after following symlinks.
type NotRegularError struct {
	Path string
	Mode fs.FileMode // the type bits of what is there
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, Kind(e.Mode))
}

// Kind names the type of file mode m: "a FIFO", "a device", "a
// directory", "a socket", "a regular file" or "a special file".
func Kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symlink"
	}
	return "a special file"
}

// ReadOnlyError reports a target that exists and may not be written: its
// permission bits allow no one to write it, or this user cannot. It
// wraps fs.ErrPermission.
type ReadOnlyError struct {
	Path string
	Perm fs.FileMode
}

func (e *ReadOnlyError) Error() string {
	return fmt.Sprintf("%s is read-only (%v): not replaced", e.Path, e.Perm)
}

func (e *ReadOnlyError) Unwrap() error { return fs.ErrPermission }

// target describes what is at a target's name now.
type target struct {
	exists bool        // a regular file (through symlinks) is there
	perm   fs.FileMode // its permission bits
}

// inspect checks what is at name: nothing (or a dangling symlink), or a
// writable regular file, whose permissions it returns. Anything else is
// an error naming name.
func inspect(name string, noClobber bool) (target, error) {
	st, err := os.Stat(name)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		if _, lerr := os.Lstat(name); lerr == nil && noClobber {
			return target{}, &fs.PathError{Op: "create", Path: name, Err: fs.ErrExist} // a dangling symlink
		}
		return target{}, nil
	default:
		return target{}, err
	}
	if !st.Mode().IsRegular() {
		return target{}, &NotRegularError{Path: name, Mode: st.Mode().Type()}
	}
	if noClobber {
		return target{}, &fs.PathError{Op: "create", Path: name, Err: fs.ErrExist}
	}
	perm := st.Mode().Perm()
	if perm&0o222 == 0 || !canWrite(name) {
		return target{}, &ReadOnlyError{Path: name, Perm: perm}
	}
	return target{exists: true, perm: perm}, nil
}

// Check returns the error Create would return because of what is at
// name (a special file, a read-only file, an existing file under
// NoClobber), without creating anything.
func Check(name string, opts *Options) error {
	if opts == nil {
		opts = &Options{}
	}
	_, err := inspect(name, opts.NoClobber)
	return err
}

// Create makes the temporary file for name, opened for reading and
// writing, after checking what is at name (see the package doc). Nothing
// is created when it fails.
func Create(name string, opts *Options) (*File, error) {
	if opts == nil {
		opts = &Options{}
	}
	t, err := inspect(name, opts.NoClobber)
	if err != nil {
		return nil, err
	}
	mode, exact := fs.FileMode(0o666), false
	switch {
	case t.exists:
		mode, exact = t.perm, true
	case opts.Perm.Perm() != 0:
		mode, exact = opts.Perm.Perm(), true
	}
	for range 100 {
		tmp := tempName(name)
		// The umask narrows mode at creation, so the file is never more
		// open than it will be; Chmod then sets exactly the bits asked.
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) {
			continue // a name already taken: draw another
		}
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) { // name the target: the temporary name means nothing yet
				err = &fs.PathError{Op: "create", Path: name, Err: pe.Err}
			}
			return nil, err
		}
		if exact {
			if err := f.Chmod(mode); err != nil {
				f.Close()
				os.Remove(tmp)
				return nil, err
			}
		}
		lock(f)
		return &File{f: f, target: name, tmp: tmp, noClobber: opts.NoClobber}, nil
	}
	return nil, &fs.PathError{Op: "create", Path: name, Err: errors.New("no free temporary name after 100 tries")}
}

// tempName returns a fresh partial file name for target.
func tempName(target string) string {
	dir, base := filepath.Split(target)
	return filepath.Join(dir, fmt.Sprintf(".%s%s%08x%s", cutBase(base), Marker, rand.Uint32(), Suffix))
}

// cutBase shortens base to at most maxBase bytes, at a UTF-8 boundary.
func cutBase(base string) string {
	if len(base) <= maxBase {
		return base
	}
	n := maxBase
	for n > 0 && !utf8.RuneStart(base[n]) {
		n--
	}
	return base[:n]
}

// File returns the open temporary file, to be written. It must not be
// closed by the caller: Commit and Abort do that.
func (f *File) File() *os.File { return f.f }

// Name returns the target's name.
func (f *File) Name() string { return f.target }

// TempName returns the temporary file's name.
func (f *File) TempName() string { return f.tmp }

// Commit makes the temporary file the target: it syncs the file to
// stable storage, closes it, renames it over the target (or, under
// NoClobber, to the target's name only if nothing is there) and syncs
// the directory. If anything fails before the rename, the temporary file
// is removed and the target is untouched. An error from the final
// directory sync means the new file is in place but its name may not
// survive a crash.
func (f *File) Commit() error {
	if f.done {
		return ErrDone
	}
	f.done = true
	err := f.f.Sync()
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// What is at the name may have changed since Create: never turn
		// a FIFO or device that appeared meanwhile into a regular file.
		if st, serr := os.Stat(f.target); serr == nil && !st.Mode().IsRegular() {
			err = &NotRegularError{Path: f.target, Mode: st.Mode().Type()}
		}
	}
	if err == nil {
		if f.noClobber {
			err = renameNoReplace(f.tmp, f.target)
		} else {
			err = os.Rename(f.tmp, f.target)
		}
	}
	if err != nil {
		os.Remove(f.tmp)
		return err
	}
	if err := syncDir(filepath.Dir(f.target)); err != nil {
		return fmt.Errorf("%s is in place, but syncing its directory failed: %w", f.target, err)
	}
	return nil
}

// Abort closes and removes the temporary file; the target is untouched.
func (f *File) Abort() error {
	if f.done {
		return ErrDone
	}
	f.done = true
	f.f.Close()
	if err := os.Remove(f.tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Partial is a partial file found beside its target.
type Partial struct {
	Path string // the partial file
	// Target is the file it was to become, as its name records it (a base
	// name over 229 bytes is recorded cut short).
	Target  string
	Size    int64
	ModTime time.Time
	// InUse: a running process holds it open and is still writing it (Unix
	// only; elsewhere always false). Such a file is not a leftover.
	InUse bool
}

// NamePattern returns what matches the path of every partial file of
// target (as its name is written in messages: target's directory,
// joined). It works on bytes, not a regular expression, so any file name
// will do, valid UTF-8 or not.
func NamePattern(target string) Names {
	dir, base := filepath.Split(target)
	return Names{prefix: filepath.Join(dir, "."+cutBase(base)) + Marker}
}

// Names matches the paths of one target's partial files.
type Names struct{ prefix string }

// at returns the length of the partial file's path at the start of s,
// or 0 when none starts there.
func (n Names) at(s string) int {
	if !strings.HasPrefix(s, n.prefix) {
		return 0
	}
	rest := s[len(n.prefix):]
	if len(rest) < 8+len(Suffix) || strings.Trim(rest[:8], "0123456789abcdef") != "" || !strings.HasPrefix(rest[8:], Suffix) {
		return 0
	}
	return len(n.prefix) + 8 + len(Suffix)
}

// MatchString reports whether s holds the path of one of the target's
// partial files.
func (n Names) MatchString(s string) bool {
	for i := range len(s) {
		if n.at(s[i:]) > 0 {
			return true
		}
	}
	return false
}

// ReplaceAllLiteralString returns s with every path of one of the
// target's partial files replaced by repl.
func (n Names) ReplaceAllLiteralString(s, repl string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if k := n.at(s[i:]); k > 0 {
			b.WriteString(repl)
			i += k
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// ParseName reports whether path's base name is a partial file's name,
// and returns the target it records (in path's directory). It looks at
// the name only.
func ParseName(path string) (target string, ok bool) {
	dir, base := filepath.Split(path)
	rest, ok := strings.CutSuffix(base, Suffix)
	if !ok || !strings.HasPrefix(rest, ".") {
		return "", false
	}
	i := strings.LastIndex(rest, Marker)
	if i < 2 { // "." and at least one byte of the target's name
		return "", false
	}
	hex := rest[i+len(Marker):]
	if len(hex) != 8 || strings.Trim(hex, "0123456789abcdef") != "" {
		return "", false
	}
	return filepath.Join(dir, rest[1:i]), true
}

// Lookup reports whether path is a partial file: a regular file (not a
// symlink) with a partial file's name.
func Lookup(path string) (Partial, bool) {
	t, ok := ParseName(path)
	if !ok {
		return Partial{}, false
	}
	st, err := os.Lstat(path)
	if err != nil || !st.Mode().IsRegular() {
		return Partial{}, false
	}
	return Partial{Path: path, Target: t, Size: st.Size(), ModTime: st.ModTime(), InUse: inUse(path)}, true
}

// PartialsIn lists the partial files in dir, in name order.
func PartialsIn(dir string) ([]Partial, error) {
	es, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var ps []Partial
	for _, e := range es {
		if p, ok := Lookup(filepath.Join(dir, e.Name())); ok {
			ps = append(ps, p)
		}
	}
	return ps, nil
}

// Partials lists the partial files left for target in its directory, in
// name order. A directory that cannot be read gives an error; a missing
// one, no partial files.
func Partials(target string) ([]Partial, error) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	all, err := PartialsIn(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	want := cutBase(base)
	var ps []Partial
	for _, p := range all {
		if filepath.Base(p.Target) == want {
			ps = append(ps, p)
		}
	}
	return ps, nil
}

// RemovePartial removes the leftover partial file at path, after checking
// again that it is one and that no running process is writing it.
func RemovePartial(path string) error {
	p, ok := Lookup(path)
	switch {
	case !ok:
		return &fs.PathError{Op: "remove", Path: path, Err: errors.New("not a partial file")}
	case p.InUse:
		return &fs.PathError{Op: "remove", Path: path, Err: errors.New("still being written by a running process")}
	}
	return os.Remove(path)
}
