package wavemap

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"
	"unsafe"
)

// Channel operations. Split, Merge and Remix make new files whose
// channels are copied (Split, Merge) or mixed (Remix) from the channels of
// mapped files, in one parallel pass straight over the mappings: no
// decode step for copies, which move each sample's bytes, and float64
// sums for mixes. Channels are numbered from 0 here, as everywhere in
// the package (the command line's numbers, like sox's, start at 1).
//
// The outputs are made by Create: each is written under a temporary name
// beside its target and takes its name only once the whole pass has
// succeeded. An error or a cancelled context removes every output, and
// whatever was at their names stays as it was.

// SplitOptions tune Split. A nil *SplitOptions means the defaults, and
// every field's zero value is its default.
type SplitOptions struct {
	// PassOptions set the workers, the block size and the Progress
	// function of the pass, which counts the source's frames. DryRun is
	// refused with ErrArgument (Split makes files); Scaling, Journal and
	// Sync do not apply.
	PassOptions
	// Channels are the source's channels to write, numbered from 0, one
	// output each, in the order of the names given to Split; nil means
	// every channel, in order. A channel may be listed once only.
	Channels []int
	// Output holds the options every output is created with (Container,
	// Perm, NoClobber, Sparse; see Create). With Output.Metadata nil,
	// each output gets the source's metadata chunks adjusted to the
	// channel it holds (see Split); a non-nil Output.Metadata is written
	// as it is into every output.
	Output *Options
}

// MergeOptions tune Merge. A nil *MergeOptions means the defaults, and
// every field's zero value is its default.
type MergeOptions struct {
	// PassOptions set the workers, the block size and the Progress
	// function of the pass, which counts the output's frames. DryRun is
	// refused with ErrArgument; Scaling, Journal and Sync do not apply.
	PassOptions
	// ChannelMask, when not 0, is the output's channel mask. 0 lets
	// Merge derive it (see Merge).
	ChannelMask uint32
	// NoMask makes the output carry no channel mask at all (0), whatever
	// the inputs say.
	NoMask bool
	// Pad lets inputs of different lengths be merged: the output is as
	// long as the longest input, and the shorter ones are padded at
	// their end with silence. Without it, inputs of different lengths
	// are refused with ErrArgument.
	Pad bool
	// Output holds the options the output is created with, as in
	// SplitOptions. With Output.Metadata nil, the output gets the first
	// input's metadata chunks, adjusted (see Merge).
	Output *Options
}

// RemixOptions tune Remix. A nil *RemixOptions means the defaults, and
// every field's zero value is its default.
type RemixOptions struct {
	// PassOptions set the workers, the block size and the Progress
	// function of the pass, which counts the source's frames. DryRun is
	// refused with ErrArgument; Journal and Sync do not apply, and
	// neither does Scaling: mixes are computed in the PowerOfTwo scale,
	// where full scale is the same for every encoding.
	PassOptions
	// Encoding is the output's encoding; 0 keeps the source's.
	Encoding Encoding
	// ChannelMask, when not 0, is the output's channel mask. 0 lets
	// Remix derive it (see Remix).
	ChannelMask uint32
	// NoMask makes the output carry no channel mask at all (0).
	NoMask bool
	// Output holds the options the output is created with, as in
	// SplitOptions. With Output.Metadata nil, the output gets the
	// source's metadata chunks, adjusted (see Remix).
	Output *Options
}

// ChannelReport says what Split, Merge or Remix wrote.
type ChannelReport struct {
	// Outputs describes each file written, in order.
	Outputs []ChannelOutput
	// Clipped is the number of samples Remix had to clip to the range
	// of an integer output encoding (float outputs keep values past full
	// scale, as Convert does). Split and Merge copy samples: 0.
	Clipped int64
}

// ChannelOutput describes one file that Split, Merge or Remix wrote.
type ChannelOutput struct {
	Name      string
	Format    Format
	Container Container // as written: RIFF, RF64 (past 4 GiB), RIFX ...
	Frames    int64
	// Notes says, in plain words, what was changed in the metadata chunks
	// the output got from its input(s): chunks removed or adjusted
	// because the channels changed. Empty when nothing needed it.
	Notes []string
}

// Speaker positions of the WAVE_FORMAT_EXTENSIBLE channel mask, bit 0
// first, by their usual abbreviations; split outputs are named with them.
var speakerLabels = [...]string{
	"FL", "FR", "FC", "LFE", "BL", "BR", "FLC", "FRC", "BC", "SL", "SR",
	"TC", "TFL", "TFC", "TFR", "TBL", "TBC", "TBR",
}

const (
	maskMono   = 0x4 // SPEAKER_FRONT_CENTER: what a mono file without a mask means
	maskStereo = 0x3 // SPEAKER_FRONT_LEFT | SPEAKER_FRONT_RIGHT
)

// DefaultChannelMask returns the channel mask Merge and Remix give an
// output of n channels when they cannot derive one from the inputs: the
// mask sox writes for that count (quad, 0x33, for 4 channels; 5.1,
// 0x3F, for 6; 7.1 with side surrounds, 0x63F, for 8; ffmpeg agrees on 6
// and 8), and 0 for every other count. For 1 and 2 channels 0 is what
// sox and ffmpeg write into a 16-bit file's plain header, and readers
// take it as front centre and front left and right.
func DefaultChannelMask(n int) uint32 {
	switch n {
	case 4:
		return 0x33
	case 6:
		return 0x3F
	case 8:
		return 0x63F
	}
	return 0
}

// positions returns the speaker bit of each channel of fm, 0 for a
// channel its mask does not name. A mono or stereo format without a mask
// has the positions the WAVE format gives it (FC; FL and FR).
func positions(fm Format) []uint32 {
	mask := fm.ChannelMask
	if mask == 0 {
		switch fm.Channels {
		case 1:
			mask = maskMono
		case 2:
			mask = maskStereo
		}
	}
	pos := make([]uint32, max(fm.Channels, 0))
	for c := range pos {
		if mask == 0 {
			break
		}
		pos[c] = mask & -mask // the lowest bit left
		mask &^= pos[c]
	}
	return pos
}

// maskOf returns the channel mask of a file whose channels have the
// speaker bits pos, and whether the bits make one: all known, distinct and
// in ascending order, as WAVE_FORMAT_EXTENSIBLE wants. A mono file at
// front centre and a stereo file at front left and right get 0, which
// outputMask is the channel mask of an output of channels channels made
// by op: none with noMask, else mask when given (it may not name more
// positions than there are channels), else the positions pos of the
// channels it is made of when they form a mask, else the default layout
// for the count.
func outputMask(op string, noMask bool, mask uint32, pos []uint32, channels int) (uint32, error) {
	switch {
	case noMask:
		return 0, nil
	case mask != 0:
		if n := bits.OnesCount32(mask); n > channels {
			return 0, fmt.Errorf("%w: %s: channel mask %#x names %d positions for %d channels", ErrArgument, op, mask, n, channels)
		}
		return mask, nil
	}
	if m, ok := maskOf(pos); ok {
		return m, nil
	}
	return DefaultChannelMask(channels), nil
}

// says that without the extensible header.
func maskOf(pos []uint32) (uint32, bool) {
	var mask, last uint32
	for _, b := range pos {
		if b == 0 || b <= last {
			return 0, false
		}
		mask |= b
		last = b
	}
	if (len(pos) == 1 && mask == maskMono) || (len(pos) == 2 && mask == maskStereo) {
		return 0, true
	}
	return mask, true
}

// speakerLabel names one speaker bit: FL, LFE ..., or bitN past the
// defined positions.
func speakerLabel(bit uint32) string {
	n := bits.TrailingZeros32(bit)
	if n < len(speakerLabels) {
		return speakerLabels[n]
	}
	return "bit" + strconv.Itoa(n)
}

// SplitNames returns the names that Split's outputs conventionally take
// for the given channels of src (numbered from 0; nil means all): name
// with ".LABEL" inserted before its extension (".wav" when it has none),
// such as take.FL.wav for name take.wav. The label of a channel is, in
// this order of preference:
//
//   - the NAME of its track in the iXML TRACK_LIST of src (the track whose
//     INTERLEAVE_INDEX is the channel's number from 1), as field
//     recorders name their tracks ("Boom", "Lav_Anna": every character
//     but letters, digits, '-' and '+' becomes '_');
//   - its speaker position in src's channel mask: FL, FR, FC, LFE, BL,
//     BR, FLC, FRC, BC, SL, SR, TC, TFL, TFC, TFR, TBL, TBC, TBR (a mono
//     file without a mask is FC, a stereo one FL and FR);
//   - its number from 1, zero-padded to the width of src's channel count
//     (take.01.wav ... take.12.wav), as sox's manual numbers the files of
//     its split script.
//
// If two of the channels asked for would get the same label (ignoring
// case, as Windows and macOS file systems do), every channel is labelled
// by its number instead, so that the names are distinct and stable.
func SplitNames(name string, src *File, channels []int) ([]string, error) {
	if src == nil {
		return nil, fmt.Errorf("%w: SplitNames: nil File", ErrArgument)
	}
	fm := src.Format()
	chans, err := channelList(channels, fm.Channels)
	if err != nil {
		return nil, err
	}
	m, err := src.Metadata()
	if err != nil {
		return nil, err
	}
	tracks := map[int]string{}
	if x, ok, err := m.IXML(); ok && err == nil {
		for _, t := range x.Tracks {
			if l := fileLabel(t.Name); l != "" && t.InterleaveIndex > 0 {
				if _, dup := tracks[t.InterleaveIndex-1]; !dup {
					tracks[t.InterleaveIndex-1] = l
				}
			}
		}
	}
	pos := positions(fm)
	width := len(strconv.Itoa(fm.Channels))
	number := func(c int) string { return fmt.Sprintf("%0*d", width, c+1) }
	labels := make([]string, len(chans))
	seen := map[string]bool{}
	unique := true
	for i, c := range chans {
		l, ok := tracks[c]
		switch {
		case ok:
		case pos[c] != 0:
			l = speakerLabel(pos[c])
		default:
			l = number(c)
		}
		labels[i] = l
		k := strings.ToLower(l)
		unique = unique && !seen[k]
		seen[k] = true
	}
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	if ext == "" {
		ext = ".wav"
	}
	names := make([]string, len(chans))
	for i, c := range chans {
		l := labels[i]
		if !unique {
			l = number(c)
		}
		names[i] = base + "." + l + ext
	}
	return names, nil
}

// fileLabel makes s safe as a part of a file name: letters, digits, '-'
// and '+' are kept, runs of anything else become one '_', none at
// either end, and the result is cut at 64 bytes.
func fileLabel(s string) string {
	var b strings.Builder
	under := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '+' {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			if b.Len()+len(string(r)) > 64 {
				break
			}
			b.WriteRune(r)
			continue
		}
		under = true
	}
	return b.String()
}

// channelList returns chans checked against a file of n channels, or all
// n channels in order when chans is nil.
func channelList(chans []int, n int) ([]int, error) {
	if chans == nil {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		return all, nil
	}
	if len(chans) == 0 {
		return nil, fmt.Errorf("%w: no channel asked for", ErrArgument)
	}
	seen := map[int]bool{}
	for _, c := range chans {
		if c < 0 || c >= n {
			return nil, fmt.Errorf("%w: channel %d of a file of %d channels (channels are numbered from 0)", ErrArgument, c, n)
		}
		if seen[c] {
			return nil, fmt.Errorf("%w: channel %d asked for twice", ErrArgument, c)
		}
		seen[c] = true
	}
	return chans, nil
}

// chanTerm is one input channel's part in an output channel: channel ch
// of input in, times w.
type chanTerm struct {
	in, ch int
	w      float64
}

// copyOf returns the input channel that terms copies unchanged, if it
// is one (a single term of weight 1).
func copyOf(terms []chanTerm) (chanTerm, bool) {
	if len(terms) == 1 && terms[0].w == 1 {
		return terms[0], true
	}
	return chanTerm{}, false
}

// chanOutput is one file a channel pass makes: its name and format, and
// for each of its channels the terms it sums (none: silence).
type chanOutput struct {
	name   string
	format Format
	mix    [][]chanTerm
	f      *File
	// bytes: every channel is a copy of an input channel in the same
	// encoding, or silence, so the pass moves samples' bytes.
	bytes bool
	meta  *Metadata
	notes []string
}

// chanJob is one call of Split, Merge or Remix: the inputs, the outputs
// and their common length.
type chanJob struct {
	op     string // "Split", "Merge" or "Remix", for errors
	ins    []*File
	outs   []*chanOutput
	frames int64
}

// checkInputs refuses an empty list of inputs, a nil File and a closed
// one.
func checkInputs(op string, ins []*File) error {
	if len(ins) == 0 {
		return fmt.Errorf("%w: %s: no input", ErrArgument, op)
	}
	for _, f := range ins {
		if f == nil {
			return fmt.Errorf("%w: %s: nil File", ErrArgument, op)
		}
		if f.closed {
			return ErrClosed
		}
	}
	return nil
}

// passFor returns the run of a channel pass for po, refusing a dry run.
func passFor(ctx context.Context, op string, po PassOptions) (*passRun, error) {
	if po.DryRun {
		return nil, fmt.Errorf("%w: %s makes files: PassOptions.DryRun is not supported", ErrArgument, op)
	}
	return newPassRun(ctx, &po), nil
}

// Split writes each of the given channels of src into a mono file of its
// own, in one parallel pass over src's mapping: names[i] gets channel
// opts.Channels[i] (every channel in order when opts.Channels is nil;
// SplitNames gives the conventional names). Each output has src's
// encoding, sample rate and valid bits and the container opts.Output
// chooses (the default: RIFF, RF64 past 4 GiB, RIFX for big-endian
// samples); its samples are src's, byte for byte.
//
// An output's channel mask is the speaker position of its channel in
// src's mask (FL is 0x1, LFE 0x8 ...), as ffmpeg's channelsplit filter
// writes it, or 0 for a channel at front centre (which is what a mono
// file without a mask means) or one the mask does not name. sox's "remix
// N" writes the mono default instead, and the position is lost; kept, it
// lets Merge put the channels back together with src's mask.
//
// Each output gets src's metadata chunks (see File.Metadata) with what
// the change of channels makes wrong adjusted, and says so in its Notes:
// bext, LIST/INFO, cue points, smpl, iXML and unknown chunks are kept
// (positions stay right: the frames do not move); the iXML TRACK_LIST
// keeps the track of the output's channel only, renumbered
// (INTERLEAVE_INDEX 1, TRACK_COUNT 1); a PEAK chunk keeps that channel's
// peak; the MD5 and levl chunks, computed from the whole audio, are
// removed, the bext loudness values cleared, and a chna chunk (BW64's
// track allocation) removed. Text edits that cannot be made (an iXML
// document in UTF-16, say) leave the chunk as it was, and a note says
// what is now wrong in it.
//
// The outputs are created as Create does, and committed (synced and
// renamed into place) one after the other once the pass has finished.
// An error before that, or a cancelled ctx (the error then wraps
// ctx.Err()), removes every output: nothing changes at their names. If a
// commit itself fails (a disk error while syncing), the outputs committed
// before it stay, the rest are removed, and the error names the output.
func Split(ctx context.Context, src *File, names []string, opts *SplitOptions) (*ChannelReport, error) {
	if opts == nil {
		opts = &SplitOptions{}
	}
	if err := checkInputs("Split", []*File{src}); err != nil {
		return nil, err
	}
	p, err := passFor(ctx, "Split", opts.PassOptions)
	if err != nil {
		return nil, err
	}
	sf := src.Format()
	chans, err := channelList(opts.Channels, sf.Channels)
	if err != nil {
		return nil, err
	}
	if len(names) != len(chans) {
		return nil, fmt.Errorf("%w: Split: %d names for %d channels", ErrArgument, len(names), len(chans))
	}
	if err := distinctNames(names); err != nil {
		return nil, err
	}
	pos := positions(sf)
	job := &chanJob{op: "Split", ins: []*File{src}, frames: src.Frames()}
	for i, c := range chans {
		fm := sf
		fm.Channels = 1
		fm.ChannelMask, _ = maskOf(pos[c : c+1])
		job.outs = append(job.outs, &chanOutput{name: names[i], format: fm, mix: [][]chanTerm{{{in: 0, ch: c, w: 1}}}})
	}
	return job.run(p, opts.Output)
}

// distinctNames refuses two outputs of the same name: the second would
// replace the first.
func distinctNames(names []string) error {
	seen := map[string]bool{}
	for _, n := range names {
		if n == "" {
			return fmt.Errorf("%w: an empty output name", ErrArgument)
		}
		k := filepath.Clean(n)
		if seen[k] {
			return fmt.Errorf("%w: output %s named twice", ErrArgument, n)
		}
		seen[k] = true
	}
	return nil
}

// Merge writes the channels of srcs, in order, into one file called
// name, in one parallel pass over the mappings: mono inputs give one
// channel each, and the channels of an input with several follow each
// other. The inputs must have the same encoding and sample rate
// (ErrArgument otherwise), and the same number of frames unless opts.Pad
// asks for the shorter ones to be padded at their end with silence to
// the longest. The output has that encoding and rate, the largest valid
// bits of the inputs, and the container opts.Output chooses; its samples
// are the inputs', byte for byte.
//
// Its channel mask is opts.ChannelMask when given (none with
// opts.NoMask); otherwise the inputs' speaker positions when every one
// of its channels has one (from its input's mask; a mono input without a
// mask is front centre, a stereo one front left and right) and they are
// distinct and in ascending order, as WAVE requires, so that Merge of
// Split's outputs gives back the original mask; otherwise
// DefaultChannelMask of the channel count. A given mask must name no
// more positions than the output has channels.
//
// The output gets the metadata chunks of the first input, adjusted as
// in Split: its iXML TRACK_LIST lists the track of every output channel
// whose input names one (taken from that input's iXML, renumbered to its
// place), its PEAK chunk the peaks of every input when each has one, and
// MD5, levl, chna and bext loudness go; the other inputs' chunks are
// left out. The outputs are made and committed as in Split.
func Merge(ctx context.Context, name string, srcs []*File, opts *MergeOptions) (*ChannelReport, error) {
	if opts == nil {
		opts = &MergeOptions{}
	}
	if err := checkInputs("Merge", srcs); err != nil {
		return nil, err
	}
	p, err := passFor(ctx, "Merge", opts.PassOptions)
	if err != nil {
		return nil, err
	}
	if err := distinctNames([]string{name}); err != nil {
		return nil, err
	}
	first := srcs[0].Format()
	fm := Format{Encoding: first.Encoding, SampleRate: first.SampleRate}
	var frames int64
	var pos []uint32
	var mix [][]chanTerm
	for k, f := range srcs {
		sf := f.Format()
		switch {
		case sf.Encoding != first.Encoding:
			return nil, fmt.Errorf("%w: Merge: %s holds %s samples, %s %s: convert one first",
				ErrArgument, f.Name(), sf.Encoding, srcs[0].Name(), first.Encoding)
		case sf.SampleRate != first.SampleRate:
			return nil, fmt.Errorf("%w: Merge: %s runs at %d Hz, %s at %d Hz", ErrArgument, f.Name(), sf.SampleRate, srcs[0].Name(), first.SampleRate)
		case f.Frames() != srcs[0].Frames() && !opts.Pad:
			return nil, fmt.Errorf("%w: Merge: %s holds %d frames, %s %d (MergeOptions.Pad pads the shorter with silence)",
				ErrArgument, f.Name(), f.Frames(), srcs[0].Name(), srcs[0].Frames())
		}
		if fm.Channels > maxChannels-sf.Channels {
			return nil, fmt.Errorf("%w: Merge: more than %d channels", ErrArgument, maxChannels)
		}
		fm.Channels += sf.Channels
		if sf.ValidBits != 0 && sf.ValidBits != sf.Encoding.Bits() {
			if fm.ValidBits != -1 {
				fm.ValidBits = max(fm.ValidBits, sf.ValidBits)
			}
		} else {
			fm.ValidBits = -1 // an input uses the whole container
		}
		frames = max(frames, f.Frames())
		pos = append(pos, positions(sf)...)
		for c := range sf.Channels {
			mix = append(mix, []chanTerm{{in: k, ch: c, w: 1}})
		}
	}
	fm.ValidBits = max(fm.ValidBits, 0)
	mask, err := outputMask("Merge", opts.NoMask, opts.ChannelMask, pos, fm.Channels)
	if err != nil {
		return nil, err
	}
	fm.ChannelMask = mask
	job := &chanJob{op: "Merge", ins: srcs, frames: frames,
		outs: []*chanOutput{{name: name, format: fm, mix: mix}}}
	return job.run(p, opts.Output)
}

// Remix writes a file called name whose channel j is the weighted sum of
// the channels of src that mix[j] gives: mix[j][c] is the weight of
// src's channel c (numbered from 0) in output channel j, so that a row
// may pick one channel (a 1 among 0s), drop or reorder channels (rows
// that pick), mix several ({0.5, 0.5}), invert one (-1) or be silent
// (all 0). Each row holds a finite weight for every channel of src (a
// shorter row is padded with 0s; a longer one is refused).
//
// The sums are computed in float64 in the PowerOfTwo scale (x / 2^(bits-1)
// for integers, as sox and Convert scale them) and written in
// opts.Encoding (src's by default) with Convert's rounding (to nearest,
// ties to even) and clipping; the report counts the clipped samples. A
// row that copies one channel at weight 1 into the same encoding gives
// its samples byte for byte.
//
// The channel mask is opts.ChannelMask when given (none with
// opts.NoMask); otherwise, when every row takes one channel of src (at
// any weight) and the channels' speaker positions are distinct and
// ascending, those positions; otherwise DefaultChannelMask of the
// channel count. The valid bits are src's when every channel is a copy
// in src's encoding, else the whole container.
//
// The output gets src's metadata chunks adjusted as in Split: the iXML
// TRACK_LIST keeps the tracks of the channels taken from one channel of
// src, in their new places, and lists none for mixed or silent ones; a
// PEAK chunk is kept only when every channel is a copy (its peaks would
// be wrong otherwise); MD5, levl, chna and bext loudness go. A
// big-endian (RIFX) source's chunks are left out of a little-endian
// output: their fields would be read wrong there. The output is made and
// committed as in Split.
func Remix(ctx context.Context, name string, src *File, mix [][]float64, opts *RemixOptions) (*ChannelReport, error) {
	if opts == nil {
		opts = &RemixOptions{}
	}
	if err := checkInputs("Remix", []*File{src}); err != nil {
		return nil, err
	}
	p, err := passFor(ctx, "Remix", opts.PassOptions)
	if err != nil {
		return nil, err
	}
	if err := distinctNames([]string{name}); err != nil {
		return nil, err
	}
	sf := src.Format()
	enc := opts.Encoding
	if enc == 0 {
		enc = sf.Encoding
	}
	if !enc.Valid() {
		return nil, fmt.Errorf("%w: Remix: encoding %v", ErrArgument, enc)
	}
	if len(mix) == 0 || len(mix) > maxChannels {
		return nil, fmt.Errorf("%w: Remix: %d output channels (want 1 to %d)", ErrArgument, len(mix), maxChannels)
	}
	pos := positions(sf)
	outPos := make([]uint32, len(mix))
	terms := make([][]chanTerm, len(mix))
	copies := enc == sf.Encoding
	for j, row := range mix {
		if len(row) > sf.Channels {
			return nil, fmt.Errorf("%w: Remix: output channel %d has %d weights for %d input channels", ErrArgument, j, len(row), sf.Channels)
		}
		for c, w := range row {
			if math.IsNaN(w) || math.IsInf(w, 0) {
				return nil, fmt.Errorf("%w: Remix: weight %v of input channel %d in output channel %d", ErrArgument, w, c, j)
			}
			if w != 0 {
				terms[j] = append(terms[j], chanTerm{in: 0, ch: c, w: w})
			}
		}
		if len(terms[j]) == 1 {
			outPos[j] = pos[terms[j][0].ch]
		}
		if _, ok := copyOf(terms[j]); !ok && len(terms[j]) > 0 {
			copies = false
		}
	}
	fm := Format{Encoding: enc, Channels: len(mix), SampleRate: sf.SampleRate}
	if copies {
		fm.ValidBits = sf.ValidBits
	}
	mask, err := outputMask("Remix", opts.NoMask, opts.ChannelMask, outPos, fm.Channels)
	if err != nil {
		return nil, err
	}
	fm.ChannelMask = mask
	job := &chanJob{op: "Remix", ins: []*File{src}, frames: src.Frames(),
		outs: []*chanOutput{{name: name, format: fm, mix: terms}}}
	return job.run(p, opts.Output)
}

// run makes the job's outputs with the options o (nil: defaults), runs
// the pass, and commits them; on failure nothing is left at their names.
func (j *chanJob) run(p *passRun, o *Options) (*ChannelReport, error) {
	var base Options
	if o != nil {
		base = *o
	}
	var metas []*Metadata
	if base.Metadata == nil {
		for _, f := range j.ins {
			m, err := f.Metadata()
			if err != nil {
				return nil, err
			}
			metas = append(metas, m)
		}
	}
	for _, out := range j.outs {
		out.bytes = true
		full := true // every sample of the output is written by the pass
		for _, t := range out.mix {
			c, ok := copyOf(t)
			switch {
			case len(t) == 0:
				full = false // silence: left as Create made it
			case !ok || j.ins[c.in].Format().Encoding != out.format.Encoding:
				out.bytes = false
			case j.ins[c.in].Frames() < j.frames:
				full = false // padded with Create's silence
			}
		}
		if !out.bytes {
			full = true // the mix writes every sample, silence included
		}
		if err := out.format.Validate(); err != nil {
			return nil, fmt.Errorf("wavemap: %s %s: %w", j.op, out.name, err)
		}
		opts := base
		opts.noSilence = full
		if metas != nil {
			rifx := out.format.Encoding.BigEndian() || opts.Container == RIFX
			out.meta, out.notes = channelMetadata(j.ins, metas, out.mix, out.bytes, rifx)
			if j.op == "Merge" {
				out.notes = append(out.notes, mergeNote(j.ins, metas)...)
			}
			opts.Metadata = out.meta
		}
		f, err := Create(out.name, out.format, j.frames, &opts)
		if err != nil {
			j.discard()
			return nil, err
		}
		out.f = f
	}
	clipped, err := j.pass(p)
	if err != nil {
		j.discard()
		return nil, err
	}
	r := &ChannelReport{Clipped: clipped}
	for i, out := range j.outs {
		made := out.f.Header().Container
		if err := out.f.Close(); err != nil {
			for _, rest := range j.outs[i+1:] {
				rest.f.Discard()
			}
			return nil, fmt.Errorf("%w (the %d output(s) before it were written)", err, i)
		}
		notes := out.notes
		if notes == nil {
			notes = []string{}
		}
		r.Outputs = append(r.Outputs, ChannelOutput{Name: out.name, Format: out.format, Container: made, Frames: j.frames, Notes: notes})
	}
	return r, nil
}

// mergeNote says that the chunks of Merge's inputs after the first are
// left out, when they have any.
func mergeNote(ins []*File, metas []*Metadata) []string {
	n := 0
	for _, m := range metas[1:] {
		n += len(m.Chunks)
	}
	if n == 0 {
		return nil
	}
	return []string{fmt.Sprintf("kept the metadata chunks of the first input, %s; the %d chunk(s) of the other inputs are left out, but for their iXML tracks and PEAK values",
		ins[0].Name(), n)}
}

// discard removes every output made so far.
func (j *chanJob) discard() {
	for _, out := range j.outs {
		if out.f != nil {
			out.f.Discard()
		}
	}
}

// chanTile is the number of frames a channel pass moves at a time inside
// a block: the tile of every input stays in the CPU cache while each
// output channel takes its samples from it.
const chanTile = 2048

// byteView is the whole mapping of f as frames of bytes, for advice.
func byteView(f *File) Frames[uint8] {
	return Frames[uint8]{Data: f.data, Channels: f.hdr.Format.FrameSize()}
}

// pass runs the job over its frames in parallel blocks (driven by the
// first output, whose frames are the job's), giving every mapping the
// advice filePass gives one, and returns the clipped samples.
func (j *chanJob) pass(p *passRun) (int64, error) {
	type advised struct {
		a      *passAdvisor
		frames int64
	}
	n := p.opts.BlockFrames
	var advs []advised
	for _, f := range j.ins {
		advs = append(advs, advised{newPassAdvisor(f, byteView(f), n), f.Frames()})
	}
	for _, out := range j.outs {
		a := newPassAdvisor(out.f, byteView(out.f), n)
		if a != nil {
			a.populate = true // every page of it is written
		}
		advs = append(advs, advised{a, out.f.Frames()})
	}
	defer func() {
		for _, a := range advs {
			a.a.finish()
		}
	}()
	blocks := make([]frameBlock, len(j.ins))
	convs := make([]func([]byte, []float64) (int, error), len(j.outs))
	for i, out := range j.outs {
		if out.bytes {
			continue
		}
		conv, err := converterTo[float64](out.format.Encoding, PowerOfTwo)
		if err != nil {
			return 0, fmt.Errorf("wavemap: %s into %s: %w", j.op, out.name, err)
		}
		convs[i] = conv
		for _, t := range out.mix {
			for _, term := range t {
				if blocks[term.in] != nil {
					continue
				}
				k, err := kindFor(j.ins[term.in].Format().Encoding)
				if err == nil {
					blocks[term.in], err = k.block(j.ins[term.in])
				}
				if err != nil {
					return 0, fmt.Errorf("wavemap: %s from %s: %w", j.op, j.ins[term.in].Name(), err)
				}
			}
		}
	}
	var clipped atomic.Int64
	driver := byteView(j.outs[0].f)
	err := filePassMode(p, nil, driver, false, func(start int, b Frames[uint8]) error {
		k := int64(start / n)
		for _, a := range advs {
			if int64(start) < a.frames {
				a.a.start(k)
			}
		}
		end := start + b.Len()
		for i, out := range j.outs {
			if out.bytes {
				j.copyFrames(out, start, end)
				continue
			}
			c, err := j.mixFrames(out, blocks, convs[i], start, end)
			if err != nil {
				return err
			}
			if c != 0 {
				clipped.Add(int64(c))
			}
		}
		for _, a := range advs {
			if int64(start) < a.frames {
				a.a.done(k)
			}
		}
		return nil
	})
	return clipped.Load(), err
}

// copyFrames moves the samples of the frames [start, end) of every
// copied channel of out, a tile at a time; frames past the end of a
// shorter input are left silent.
func (j *chanJob) copyFrames(out *chanOutput, start, end int) {
	of := out.f.Format()
	size := of.Encoding.Size()
	for t0 := start; t0 < end; t0 += chanTile {
		t1 := min(t0+chanTile, end)
		for c, terms := range out.mix {
			if len(terms) == 0 {
				continue
			}
			t := terms[0]
			in := j.ins[t.in]
			n := min(t1, int(in.Frames())) - t0
			if n <= 0 {
				continue
			}
			moveChannel(size, out.f.data, of.Channels, c, in.data, in.Format().Channels, t.ch, t0, n)
		}
	}
}

// moveChannel copies n samples of size bytes from channel sc of the
// interleaved frames src (of sch channels) into channel dc of dst (of dch
// channels), from frame from on.
func moveChannel(size int, dst []byte, dch, dc int, src []byte, sch, sc, from, n int) {
	switch size {
	case 1:
		moveWords[[1]byte](dst, dch, dc, src, sch, sc, from, n)
	case 2:
		moveWords[[2]byte](dst, dch, dc, src, sch, sc, from, n)
	case 3:
		moveWords[[3]byte](dst, dch, dc, src, sch, sc, from, n)
	case 4:
		moveWords[[4]byte](dst, dch, dc, src, sch, sc, from, n)
	case 8:
		moveWords[[8]byte](dst, dch, dc, src, sch, sc, from, n)
	}
}

// moveWords is moveChannel for samples of W's size. The byte arrays have
// an alignment of 1, so any mapping can be viewed as them.
func moveWords[W [1]byte | [2]byte | [3]byte | [4]byte | [8]byte](dst []byte, dch, dc int, src []byte, sch, sc, from, n int) {
	d := wordsOf[W](dst)[from*dch+dc : (from+n-1)*dch+dc+1]
	s := wordsOf[W](src)[from*sch+sc : (from+n-1)*sch+sc+1]
	switch {
	case dch == 1 && sch == 1:
		copy(d, s)
	case dch == 1:
		for i := range d {
			d[i] = s[i*sch]
		}
	default:
		for i := range n {
			d[i*dch] = s[i*sch]
		}
	}
}

// wordsOf views b as a slice of W, without copying.
func wordsOf[W [1]byte | [2]byte | [3]byte | [4]byte | [8]byte](b []byte) []W {
	var z W
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*W)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/len(z))
}

// mixFrames computes the frames [start, end) of out, a tile at a time:
// the inputs' samples decoded to float64, summed with the weights,
// converted into the output. It returns the samples clipped.
func (j *chanJob) mixFrames(out *chanOutput, blocks []frameBlock, conv func([]byte, []float64) (int, error), start, end int) (int, error) {
	of := out.f.Format()
	och, size := of.Channels, of.Encoding.Size()
	dec := make([][]float64, len(j.ins))
	avail := make([]int, len(j.ins))
	ich := make([]int, len(j.ins))
	for k, f := range j.ins {
		ich[k] = f.Format().Channels
		if blocks[k] != nil {
			dec[k] = make([]float64, chanTile*ich[k])
		}
	}
	buf := make([]float64, chanTile*och)
	used := make([][]float64, len(j.ins))
	clipped := 0
	for t0 := start; t0 < end; t0 += chanTile {
		t1 := min(t0+chanTile, end)
		nf := t1 - t0
		for k := range j.ins {
			avail[k], used[k] = 0, nil
			if blocks[k] == nil {
				continue
			}
			if a := min(t1, int(j.ins[k].Frames())) - t0; a > 0 {
				avail[k], used[k] = a, blocks[k].float64s(dec[k], t0, t0+a)
			}
		}
		o := buf[:nf*och]
		for i := range nf {
			row := o[i*och : (i+1)*och]
			for c, terms := range out.mix {
				v := 0.0
				for _, t := range terms {
					if i < avail[t.in] {
						v += t.w * used[t.in][i*ich[t.in]+t.ch]
					}
				}
				row[c] = v
			}
		}
		n, err := conv(out.f.data[t0*och*size:t1*och*size], o)
		if err != nil {
			return clipped, err
		}
		clipped += n
	}
	return clipped, nil
}
