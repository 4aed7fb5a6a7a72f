package wavemap

// G.711 A-law and mu-law, computed from the segment definitions of the
// ITU-T recommendation. Decoding goes through 256-entry tables built at
// init; encoding searches the eight segments.

var alawDecode, mulawDecode = buildG711Tables()

func buildG711Tables() (a, u [256]int16) {
	for i := range 256 {
		// A-law: even bits inverted; bit 7 set means positive.
		c := uint8(i) ^ 0x55
		seg := int32(c>>4) & 7
		mant := int32(c) & 0x0F
		var v int32
		if seg == 0 {
			v = mant<<4 | 8
		} else {
			v = (mant<<4 | 0x108) << (seg - 1)
		}
		if c&0x80 == 0 {
			v = -v
		}
		a[i] = int16(v)

		// mu-law: all bits inverted; bit 7 set means negative; bias 0x84.
		d := ^uint8(i)
		seg = int32(d>>4) & 7
		mant = int32(d) & 0x0F
		v = ((mant<<3 | 0x84) << seg) - 0x84
		if d&0x80 != 0 {
			v = -v
		}
		u[i] = int16(v)
	}
	return a, u
}

// segmentOf returns the index of the first of the eight upper bounds that
// x does not exceed, or 8 when x is past them all.
func segmentOf(x int32, bounds *[8]int32) int {
	for i, b := range bounds {
		if x <= b {
			return i
		}
	}
	return 8
}

var (
	alawBounds  = [8]int32{0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF}
	mulawBounds = [8]int32{0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF}
)

func alawEncode(v int16) ALaw {
	x := int32(v) >> 3 // 13-bit magnitude domain
	mask := uint8(0xD5)
	if x < 0 {
		mask = 0x55
		x = -x - 1
	}
	seg := segmentOf(x, &alawBounds)
	if seg == 8 {
		return ALaw(0x7F ^ mask)
	}
	code := uint8(seg << 4)
	if seg < 2 {
		code |= uint8(x>>1) & 0x0F
	} else {
		code |= uint8(x>>seg) & 0x0F
	}
	return ALaw(code ^ mask)
}

func mulawEncode(v int16) MuLaw {
	const clip = 8159
	x := int32(v) >> 2 // 14-bit domain
	mask := uint8(0xFF)
	if x < 0 {
		mask = 0x7F
		x = -x
	}
	if x > clip {
		x = clip
	}
	x += 0x84 >> 2
	seg := segmentOf(x, &mulawBounds)
	if seg == 8 {
		return MuLaw(0x7F ^ mask)
	}
	code := uint8(seg<<4) | uint8(x>>(seg+1))&0x0F
	return MuLaw(code ^ mask)
}
