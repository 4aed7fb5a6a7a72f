//go:build amd64 && !goexperiment.simd && !purego

#include "textflag.h"

// func s16AccumAVX2(d []int16, acc *s16Acc)
//
// Registers:
//	Y0, Y1	a, b: the 32 samples of one iteration
//	Y2, Y3	u, v: VPUNPCKLWD and VPUNPCKHWD of a and b, then their squares
//	Y4	scratch
//	Y5	16-bit ones
//	Y6, Y7	minima of a and b lanes; Y8, Y9 maxima
//	Y10, Y11	32-bit sums over u and v, flushed every 2^14 iterations
//		(each lane moves by at most 2^16 per iteration, so stays
//		inside 31 bits) into acc.sum
//	Y12, Y14	squares over u and v, 32-bit pairs added as 64-bit lanes
//	Y13, Y15	squares over u and v, odd 32-bit lanes alone
//
// VPMADDWD of u by itself gives a^2+b^2 of one lane, at most 2^31: as
// int32 it may read negative, so the squares are taken as uint32 (the
// 64-bit and odd-lane adds above do that; s16Vector recovers the even
// lanes).
TEXT ·s16AccumAVX2(SB), NOSPLIT, $0-32
	MOVQ d_base+0(FP), SI
	MOVQ d_len+8(FP), CX
	MOVQ acc+24(FP), DI
	SHRQ $5, CX // iterations of 32 samples

	VPCMPEQW Y0, Y0, Y0 // all ones
	VPSRLW   $1, Y0, Y6 // 0x7fff
	VMOVDQU  Y6, Y7
	VPSLLW   $15, Y0, Y8 // 0x8000
	VMOVDQU  Y8, Y9
	VPSRLW   $15, Y0, Y5 // 1
	VPXOR    Y10, Y10, Y10
	VPXOR    Y11, Y11, Y11
	VPXOR    Y12, Y12, Y12
	VPXOR    Y13, Y13, Y13
	VPXOR    Y14, Y14, Y14
	VPXOR    Y15, Y15, Y15
	VMOVDQU  Y10, 64(DI)
	VMOVDQU  Y10, 96(DI)
	VMOVDQU  Y10, 128(DI)
	VMOVDQU  Y10, 160(DI)

outer:
	TESTQ CX, CX
	JZ    done
	MOVQ  CX, DX
	CMPQ  DX, $16384
	JBE   counted
	MOVQ  $16384, DX

counted:
	SUBQ DX, CX

inner:
	VMOVDQU    (SI), Y0
	VMOVDQU    32(SI), Y1
	VPMINSW    Y0, Y6, Y6
	VPMINSW    Y1, Y7, Y7
	VPMAXSW    Y0, Y8, Y8
	VPMAXSW    Y1, Y9, Y9
	VPUNPCKLWD Y1, Y0, Y2
	VPUNPCKHWD Y1, Y0, Y3
	VPMADDWD   Y5, Y2, Y4
	VPADDD     Y4, Y10, Y10
	VPMADDWD   Y5, Y3, Y4
	VPADDD     Y4, Y11, Y11
	VPMADDWD   Y2, Y2, Y2
	VPMADDWD   Y3, Y3, Y3
	VPADDQ     Y2, Y12, Y12
	VPSRLQ     $32, Y2, Y2
	VPADDQ     Y2, Y13, Y13
	VPADDQ     Y3, Y14, Y14
	VPSRLQ     $32, Y3, Y3
	VPADDQ     Y3, Y15, Y15
	ADDQ       $64, SI
	DECQ       DX
	JNZ        inner

	// Flush the 32-bit sums, sign-extended, into acc.sum.
	VPMOVSXDQ    X10, Y0
	VEXTRACTI128 $1, Y10, X1
	VPMOVSXDQ    X1, Y1
	VPADDQ       64(DI), Y0, Y0
	VPADDQ       96(DI), Y1, Y1
	VMOVDQU      Y0, 64(DI)
	VMOVDQU      Y1, 96(DI)
	VPMOVSXDQ    X11, Y0
	VEXTRACTI128 $1, Y11, X1
	VPMOVSXDQ    X1, Y1
	VPADDQ       128(DI), Y0, Y0
	VPADDQ       160(DI), Y1, Y1
	VMOVDQU      Y0, 128(DI)
	VMOVDQU      Y1, 160(DI)
	VPXOR        Y10, Y10, Y10
	VPXOR        Y11, Y11, Y11
	JMP          outer

done:
	VPMINSW Y7, Y6, Y6
	VPMAXSW Y9, Y8, Y8
	VMOVDQU Y6, 0(DI)
	VMOVDQU Y8, 32(DI)
	VMOVDQU Y12, 192(DI)
	VMOVDQU Y14, 224(DI)
	VMOVDQU Y13, 256(DI)
	VMOVDQU Y15, 288(DI)
	VZEROUPPER
	RET

// func s16GainAVX2(d []int16, gn *intGain, dry bool) int64
//
// Gain on s16 samples, 8 at a time (len(d) must be a multiple of 8), in
// the arithmetic of intGain.apply: the samples widened to float64, times
// g.factor, times g.inv (two roundings, as in Go), rounded to nearest
// even (VROUNDPD mode 0), compared with and clamped to [g.lo, g.hi] (the
// samples past either end are counted), converted back to int32 (exact)
// and packed to int16 (in range: no saturation), then multiplied by
// 2^g.shift in 16 bits, which is the low 16 bits of Go's int32 shift
// (with a shift of 0, g.inv and 2^shift are 1 and both products are
// left out). The clipped samples are those that clamping changes.
// Without dry the results are stored over d. It returns the count of
// clipped samples.
//
// intGain's layout: factor +0, inv +8, shift +16, lo +24, hi +32
// (kernels_amd64_test.go checks it).
//
// Registers: Y15 factor, Y14 inv, Y13 lo, Y12 hi, X11 2^shift as 8
// words, Y10 the clip counts (4 int64 lanes).
TEXT ·s16GainAVX2(SB), NOSPLIT, $0-48
	MOVQ d_base+0(FP), SI
	MOVQ d_len+8(FP), DX
	MOVQ gn+24(FP), BX
	MOVBQZX dry+32(FP), DI
	SHRQ $3, DX // iterations of 8 samples

	VBROADCASTSD 0(BX), Y15
	VBROADCASTSD 8(BX), Y14
	VBROADCASTSD 24(BX), Y13
	VBROADCASTSD 32(BX), Y12
	MOVQ         16(BX), CX
	MOVL         $1, AX
	SHLL         CX, AX
	VMOVD        AX, X11
	VPBROADCASTW X11, X11
	VPXOR        Y10, Y10, Y10

	TESTQ DX, DX
	JZ    gaindone
	TESTQ CX, CX
	JZ    gainloop0

// With a shift: times inv, and times 2^shift at the end.
gainloop:
	VPMOVSXWD  (SI), X0
	VPMOVSXWD  8(SI), X2
	VCVTDQ2PD  X0, Y1
	VCVTDQ2PD  X2, Y2
	VMULPD     Y15, Y1, Y1
	VMULPD     Y15, Y2, Y2
	VMULPD     Y14, Y1, Y1
	VMULPD     Y14, Y2, Y2
	VROUNDPD   $0, Y1, Y1
	VROUNDPD   $0, Y2, Y2
	VMAXPD     Y13, Y1, Y3
	VMAXPD     Y13, Y2, Y4
	VMINPD     Y12, Y3, Y3
	VMINPD     Y12, Y4, Y4
	VCMPPD     $4, Y3, Y1, Y1 // clipped: r != clamped r (NEQ_UQ)
	VCMPPD     $4, Y4, Y2, Y2
	VPADDQ     Y2, Y1, Y1
	VPSUBQ     Y1, Y10, Y10
	TESTQ      DI, DI
	JNZ        gainnext
	VCVTPD2DQY Y3, X3
	VCVTPD2DQY Y4, X4
	VPACKSSDW  X4, X3, X3
	VPMULLW    X11, X3, X3
	VMOVDQU    X3, (SI)

gainnext:
	ADDQ $16, SI
	DECQ DX
	JNZ  gainloop
	JMP gaindone

// Without: inv and 2^shift are 1.
gainloop0:
	VPMOVSXWD  (SI), X0
	VPMOVSXWD  8(SI), X2
	VCVTDQ2PD  X0, Y1
	VCVTDQ2PD  X2, Y2
	VMULPD     Y15, Y1, Y1
	VMULPD     Y15, Y2, Y2
	VROUNDPD   $0, Y1, Y1
	VROUNDPD   $0, Y2, Y2
	VMAXPD     Y13, Y1, Y3
	VMAXPD     Y13, Y2, Y4
	VMINPD     Y12, Y3, Y3
	VMINPD     Y12, Y4, Y4
	VCMPPD     $4, Y3, Y1, Y1 // clipped: r != clamped r (NEQ_UQ)
	VCMPPD     $4, Y4, Y2, Y2
	VPADDQ     Y2, Y1, Y1
	VPSUBQ     Y1, Y10, Y10
	TESTQ      DI, DI
	JNZ        gainnext0
	VCVTPD2DQY Y3, X3
	VCVTPD2DQY Y4, X4
	VPACKSSDW  X4, X3, X3
	VMOVDQU    X3, (SI)

gainnext0:
	ADDQ $16, SI
	DECQ DX
	JNZ  gainloop0

gaindone:
	VEXTRACTI128 $1, Y10, X0
	VPADDQ       X0, X10, X10
	VPSHUFD      $0x4e, X10, X0
	VPADDQ       X0, X10, X10
	VMOVQ        X10, AX
	MOVQ         AX, ret+40(FP)
	VZEROUPPER
	RET
