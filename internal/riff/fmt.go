package riff

import "fmt"

// fmtReadMax is how much of a fmt chunk is read: WAVE_FORMAT_EXTENSIBLE
// needs 40 bytes; codec-specific extra bytes beyond that are never used.
const fmtReadMax = 64

// ksSuffix is bytes 2 to 15 of the KSDATAFORMAT_SUBTYPE GUIDs that carry a
// plain format tag in their first two bytes:
// xxxx0000-0000-0010-8000-00AA00389B71.
var ksSuffix = [14]byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// subtypeGUID returns the KSDATAFORMAT_SUBTYPE GUID of a format tag, as
// stored in a file.
func subtypeGUID(tag uint16) [16]byte {
	var g [16]byte
	g[0], g[1] = byte(tag), byte(tag>>8)
	copy(g[2:], ksSuffix[:])
	return g
}

// guidString formats a GUID as stored in a file (the first three groups
// little-endian) in the usual registry form.
func guidString(g [16]byte) string {
	return fmt.Sprintf("%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		le32(g[0:]), le16(g[4:]), le16(g[6:]), g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15])
}

// ambisonicSuffix is bytes 2 to 15 of the Ambisonic B-format sub-format
// GUIDs, xxxx0001-0721-11D3-8644-C8C1CA000000 with 1 (PCM) or 3 (float).
var ambisonicSuffix = [14]byte{0x00, 0x00, 0x21, 0x07, 0xD3, 0x11, 0x86, 0x44, 0xC8, 0xC1, 0xCA, 0x00, 0x00, 0x00}

// codecNames names the format tags of common WAVE codecs, for error
// messages. Tags from the Microsoft registry (mmreg.h).
var codecNames = map[uint16]string{
	0x0000: "WAVE_FORMAT_UNKNOWN",
	0x0001: "PCM",
	0x0002: "Microsoft ADPCM",
	0x0003: "IEEE float",
	0x0004: "Compaq VSELP",
	0x0005: "IBM CVSD",
	0x0006: "A-law",
	0x0007: "mu-law",
	0x0008: "DTS",
	0x000A: "Windows Media Audio Voice 9",
	0x0010: "OKI ADPCM",
	0x0011: "IMA ADPCM",
	0x0012: "MediaSpace ADPCM",
	0x0013: "Sierra ADPCM",
	0x0014: "G.723 ADPCM",
	0x0015: "DigiSTD",
	0x0016: "DigiFIX",
	0x0017: "Dialogic OKI ADPCM",
	0x0020: "Yamaha ADPCM",
	0x0021: "SONARC",
	0x0022: "DSP Group TrueSpeech",
	0x0023: "Echo Speech EchoSC1",
	0x0024: "Audiofile AF36",
	0x0025: "APTX",
	0x0026: "Audiofile AF10",
	0x0030: "Dolby AC-2",
	0x0031: "GSM 6.10",
	0x0032: "MSN Audio",
	0x0033: "Antex ADPCME",
	0x0034: "Control Resources VQLPC",
	0x0035: "DigiREAL",
	0x0036: "DigiADPCM",
	0x0037: "Control Resources CR10",
	0x0040: "G.721 ADPCM",
	0x0041: "G.728 CELP",
	0x0042: "MSG723 (G.723.1)",
	0x0045: "G.726 ADPCM",
	0x0050: "MPEG audio",
	0x0055: "MPEG Layer 3 (MP3)",
	0x0061: "Lernout & Hauspie CELP",
	0x0062: "Voxware",
	0x0064: "G.726 ADPCM (APICOM)",
	0x0065: "G.722 ADPCM (APICOM)",
	0x0069: "Voxware Byte Aligned",
	0x0070: "Voxware AC8",
	0x0071: "Voxware AC10",
	0x0072: "Voxware AC16",
	0x0073: "Voxware AC20",
	0x0074: "Voxware MetaVoice (RT24)",
	0x0075: "Voxware MetaSound (RT29)",
	0x0076: "Voxware RT29HW",
	0x0077: "Voxware VR12",
	0x0078: "Voxware VR18",
	0x0079: "Voxware TQ40",
	0x007A: "Voxware SC3",
	0x007B: "Voxware SC3",
	0x0081: "Voxware TQ60",
	0x0092: "Dolby AC-3 SPDIF",
	0x00FF: "AAC",
	0x0160: "Windows Media Audio 1",
	0x0161: "Windows Media Audio 2",
	0x0162: "Windows Media Audio Professional",
	0x0163: "Windows Media Audio Lossless",
	0x0200: "Creative ADPCM",
	0x1600: "MPEG-2/4 AAC (ADTS)",
	0x1610: "MPEG-4 HE-AAC",
	0x181C: "Voxware RT24 Speech",
	0x2000: "Dolby AC-3",
	0x2001: "DTS",
	0xF1AC: "FLAC",
	0xFFFE: "WAVE_FORMAT_EXTENSIBLE",
	0xFFFF: "experimental",
}

// CodecName returns a human name for a WAVE format tag, such as
// "GSM 6.10" for 0x0031, or "unknown codec" for a tag not in its table.
func CodecName(tag uint16) string {
	if s, ok := codecNames[tag]; ok {
		return s
	}
	return "unknown codec"
}

// parseFmt reads and checks the fmt chunk c. It fails with ErrNoFormat
// when the chunk is too short to describe anything, ErrUnsupported for
// codecs whose samples cannot be mapped, and ErrInvalid for fields that
// contradict each other. Every error points at the payload of the chunk.
func (p *parser) parseFmt(c Chunk) error {
	off := c.DataOffset
	b, err := p.read(off, int(min(c.Size, fmtReadMax)))
	if err != nil {
		return err
	}
	if len(b) < 14 {
		return errorf(ErrNoFormat, off, IDFmt, "fmt chunk holds %d bytes; at least 14 are needed", len(b))
	}
	f := Fmt{
		Tag:        p.u16(b),
		Channels:   int(p.u16(b[2:])),
		SampleRate: int64(p.u32(b[4:])),
		ByteRate:   int64(p.u32(b[8:])),
		BlockAlign: int(p.u16(b[12:])),
		Size:       c.Size,
	}
	if len(b) >= 16 {
		f.BitsPerSample = int(p.u16(b[14:]))
	} else if f.Channels > 0 {
		// WAVEFORMAT (14 bytes) has no bits field: the container is all.
		f.BitsPerSample = 8 * f.BlockAlign / f.Channels
	}
	f.SubFormat = f.Tag
	if f.Tag == TagExtensible {
		if len(b) < 18 {
			return errorf(ErrInvalid, off, IDFmt, "WAVE_FORMAT_EXTENSIBLE fmt chunk of %d bytes has no cbSize field; it needs 40 bytes", len(b))
		}
		cb := int(p.u16(b[16:]))
		if cb < 22 || len(b) < 40 {
			return errorf(ErrInvalid, off, IDFmt, "WAVE_FORMAT_EXTENSIBLE fmt chunk of %d bytes with cbSize %d; it needs cbSize 22 and 40 bytes", len(b), cb)
		}
		f.Extensible = true
		f.ValidBits = int(p.u16(b[18:]))
		f.ChannelMask = p.u32(b[20:])
		copy(f.GUID[:], b[24:40])
		tag, rifxKS := rifxSubFormat(f.GUID)
		switch {
		case p.be && rifxKS:
			f.SubFormat = tag
		case p.be:
			return &Error{Kind: ErrUnsupported, Offset: off, Chunk: IDFmt, Tag: TagExtensible,
				Msg: fmt.Sprintf("non-standard RIFX WAVE_FORMAT_EXTENSIBLE sub-format %x cannot be mapped", f.GUID)}
		case [14]byte(f.GUID[2:]) == ksSuffix:
			f.SubFormat = le16(f.GUID[:])
		case [14]byte(f.GUID[2:]) == ambisonicSuffix:
			return &Error{Kind: ErrUnsupported, Offset: off, Chunk: IDFmt, Tag: TagExtensible,
				Msg: fmt.Sprintf("Ambisonic B-format sub-format %s cannot be mapped", guidString(f.GUID))}
		default:
			return &Error{Kind: ErrUnsupported, Offset: off, Chunk: IDFmt, Tag: TagExtensible,
				Msg: fmt.Sprintf("non-standard WAVE_FORMAT_EXTENSIBLE sub-format %s cannot be mapped", guidString(f.GUID))}
		}
	}
	switch f.SubFormat {
	case TagPCM, TagFloat, TagALaw, TagMuLaw:
	default:
		msg := fmt.Sprintf("compressed format %s (0x%04X) cannot be mapped", CodecName(f.SubFormat), f.SubFormat)
		if _, known := codecNames[f.SubFormat]; !known {
			msg = fmt.Sprintf("unknown format tag 0x%04X cannot be mapped", f.SubFormat)
		}
		return &Error{Kind: ErrUnsupported, Offset: off, Chunk: IDFmt, Tag: f.SubFormat, Msg: msg}
	}
	p.settleBlockAlign(&f, off)
	if err := checkFmt(&f, off); err != nil {
		return err
	}
	if want := f.SampleRate * int64(f.BlockAlign); f.ByteRate != want {
		p.warn(WarnBadField, off+8, IDFmt, "byte rate %d is not sample rate %d × block align %d = %d: ignored",
			f.ByteRate, f.SampleRate, f.BlockAlign, want)
	}
	p.h.Fmt = f
	p.h.FmtOffset = off
	return nil
}

// checkFmt checks the fields of a PCM, float, A-law or mu-law fmt chunk
// against each other.
func checkFmt(f *Fmt, off int64) error {
	bad := func(format string, args ...any) error {
		return errorf(ErrInvalid, off, IDFmt, format, args...)
	}
	switch {
	case f.Channels == 0:
		return bad("fmt chunk declares 0 channels")
	case f.SampleRate == 0:
		return bad("fmt chunk declares a sample rate of 0")
	case f.BlockAlign == 0:
		return bad("block align 0 cannot hold %d channels of %d bits", f.Channels, f.BitsPerSample)
	case f.BlockAlign%f.Channels != 0:
		return bad("block align %d does not match %d channels of %d bits", f.BlockAlign, f.Channels, f.BitsPerSample)
	case f.BitsPerSample == 0:
		return bad("fmt chunk declares 0 bits per sample")
	}
	width := f.BlockAlign / f.Channels
	if width*8 < f.BitsPerSample {
		return bad("%d bits per sample do not fit the %d-byte containers of block align %d for %d channels",
			f.BitsPerSample, width, f.BlockAlign, f.Channels)
	}
	if f.ValidBits > f.BitsPerSample {
		return bad("%d valid bits exceed the %d bits per sample", f.ValidBits, f.BitsPerSample)
	}
	unsupported := func(format string, args ...any) error {
		return &Error{Kind: ErrUnsupported, Offset: off, Chunk: IDFmt, Tag: f.SubFormat, Msg: fmt.Sprintf(format, args...)}
	}
	switch f.SubFormat {
	case TagFloat:
		if width != 4 && width != 8 {
			return unsupported("IEEE float samples in %d-byte containers cannot be mapped (4 or 8 needed)", width)
		}
		if f.BitsPerSample != 8*width {
			return unsupported("%d-bit IEEE float samples in %d-byte containers cannot be mapped", f.BitsPerSample, width)
		}
	case TagALaw, TagMuLaw:
		if width != 1 || f.BitsPerSample != 8 {
			return unsupported("%s samples of %d bits in %d-byte containers cannot be mapped (8 bits in 1 byte needed)",
				CodecName(f.SubFormat), f.BitsPerSample, width)
		}
	}
	return nil
}

// standardWidth returns the container bytes that bits per sample name for
// a format tag, when they name one wavemap maps (8, 16, 24 or 32-bit
// integers, 32 or 64-bit floats, 8-bit G.711); 0 otherwise (12 or 20
// bits, say, whose container only the block align tells).
func standardWidth(tag uint16, bits int) int {
	switch {
	case tag == TagPCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32),
		tag == TagFloat && (bits == 32 || bits == 64),
		(tag == TagALaw || tag == TagMuLaw) && bits == 8:
		return bits / 8
	}
	return 0
}

// settleBlockAlign checks the block align of f (its payload at off)
// against its channels and bits per sample. When the bits name a
// standard container and the block align disagrees with channels x its
// bytes, the bits and channels are trusted, with a warning: sox, ffmpeg
// and libsndfile all read such a file so, whatever its block align says
// (even 0).
//
// The exception is 24 bits in 4-byte slots (block align 4 x channels),
// what arecord writes for ALSA's S24_LE and what some writers mean by
// 24 valid bits in 32-bit containers: there the block align and the byte
// rate can both be right, and the readers disagree (sox and libsndfile
// take packed 3-byte samples, ffmpeg 24-bit floats). The block align is
// kept when the byte rate agrees with it, with the slots read as 24 valid
// bits left-justified (the WAVE_FORMAT_EXTENSIBLE rule) and a warning
// saying so; finish then looks at the first samples, and refuses a file
// whose samples are right-justified (see checkSlots24). A byte rate of 3
// bytes a sample makes the block align the odd one out, and the general
// rule applies.
func (p *parser) settleBlockAlign(f *Fmt, off int64) {
	width := standardWidth(f.SubFormat, f.BitsPerSample)
	if width == 0 || f.Channels == 0 || f.BlockAlign == f.Channels*width || f.Channels*width > 0xFFFF {
		return
	}
	if f.SubFormat == TagPCM && width == 3 && f.BlockAlign == 4*f.Channels && f.ByteRate != f.SampleRate*int64(3*f.Channels) {
		kind := "plain PCM fmt"
		if f.Extensible {
			kind = "WAVE_FORMAT_EXTENSIBLE fmt (whose bits per sample should then be 32)"
		}
		p.slots24 = true
		p.warn(WarnAmbiguousLayout, off+12, IDFmt,
			"%s declares 24 bits per sample in 4-byte slots (block align %d for %d channels, byte rate %d): taken as 24 valid bits left-justified in 32-bit containers, "+
				"the WAVE_FORMAT_EXTENSIBLE rule, since the block align does not contradict the byte rate; sox and libsndfile read such a file as packed 24-bit samples, ffmpeg as 24-bit floats",
			kind, f.BlockAlign, f.Channels, f.ByteRate)
		return
	}
	want := f.Channels * width
	p.warn(WarnBlockAlign, off+12, IDFmt, "block align %d disagrees with %d channels of %d bits: taken as %d (%d-byte frames), as sox, ffmpeg and libsndfile read it",
		f.BlockAlign, f.Channels, f.BitsPerSample, want, want)
	f.BlockAlign = want
}

// slotsSniff is how many bytes of audio checkSlots24 looks at.
const slotsSniff = 4096

// checkSlots24 looks at the first samples of a file whose 24 bits per
// sample sit in 4-byte slots (see settleBlockAlign), taken to be
// left-justified. It refuses the file when they are right-justified
// instead, as arecord writes S24_LE: the top byte of every slot extends
// the sign of the 24 bits below it, and the low byte is not always zero
// (which it is for left-justified samples). A 32-bit view of such slots
// would read the samples 48 dB low.
func (p *parser) checkSlots24() error {
	n := min(p.h.DataSize, slotsSniff) &^ 3
	if n <= 0 || p.opts.Stream {
		return nil
	}
	b, err := p.read(p.h.DataOffset, int(n))
	if err != nil {
		return err
	}
	lowZero, signed, any := true, true, false
	for i := 0; i+4 <= len(b); i += 4 {
		s := b[i : i+4 : i+4]
		any = any || s[0]|s[1]|s[2]|s[3] != 0
		lowZero = lowZero && s[0] == 0
		ext := byte(0)
		if s[2]&0x80 != 0 {
			ext = 0xFF
		}
		signed = signed && s[3] == ext
	}
	if any && signed && !lowZero {
		return &Error{Kind: ErrUnsupported, Offset: p.h.FmtOffset + 12, Chunk: IDFmt, Tag: TagPCM,
			Msg: fmt.Sprintf("24 bits per sample in 4-byte slots, and the first %d bytes of audio hold them right-justified "+
				"(the top byte of every slot extends the sign, as arecord writes ALSA's S24_LE): they cannot be mapped as 24-bit samples "+
				"(a 32-bit view would read them 48 dB low)", len(b))}
	}
	return nil
}
