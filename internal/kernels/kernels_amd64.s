//go:build !purego

#include "textflag.h"

// PFDIST is how far ahead of the loads the loops ask for the cache line
// they will want (PREFETCHT0): the hardware prefetchers stop at each
// 4 KiB page, and a pass over a file mapped page by page stalls there
// every 4 KiB without it. A prefetch never faults, so running off the
// end of the data, or onto a page not yet mapped, costs nothing.
#define PFDIST 4096

// ADDSUMS32 sign-extends the eight 32-bit sums of y (x is its low half)
// and adds them to the eight int64 at lo(DI) and hi(DI), lanes 0-3 and
// 4-7. It uses Y0 and Y1.
#define ADDSUMS32(y, x, lo, hi) \
	VPMOVSXDQ    x, Y0        \
	VEXTRACTI128 $1, y, X1    \
	VPMOVSXDQ    X1, Y1       \
	VPADDQ       lo(DI), Y0, Y0 \
	VPADDQ       hi(DI), Y1, Y1 \
	VMOVDQU      Y0, lo(DI)   \
	VMOVDQU      Y1, hi(DI)

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
	PREFETCHT0 PFDIST(SI)
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
	ADDSUMS32(Y10, X10, 64, 96)
	ADDSUMS32(Y11, X11, 128, 160)
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

// func s16GainAVX2(d []int16, gn *IntGain, dry bool) int64
//
// Gain on s16 samples, 8 at a time (len(d) must be a multiple of 8), in
// the arithmetic of IntGain.Apply: the samples widened to float64, times
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
// IntGain's layout: factor +0, inv +8, shift +16, lo +24, hi +32
// (gain_amd64_test.go checks it).
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
	PREFETCHT0 PFDIST(SI)
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
	PREFETCHT0 PFDIST(SI)
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

// Shuffle for s24AccumAVX2: in each 128-bit half, dword i takes bytes
// 3i, 3i+1, 3i+2 into its top three bytes (0x80 zeroes the bottom one).
DATA s24shuf<>+0(SB)/8, $0x0504038002010080
DATA s24shuf<>+8(SB)/8, $0x0b0a098008070680
DATA s24shuf<>+16(SB)/8, $0x0504038002010080
DATA s24shuf<>+24(SB)/8, $0x0b0a098008070680
GLOBL s24shuf<>(SB), RODATA|NOPTR, $32

// func s24AccumAVX2(d []byte, iters int, acc *s24Acc)
//
// Packed 24-bit samples, 8 (24 bytes) per iteration: the low 128 bits
// are loaded from the iteration's start, the high ones from 12 bytes on,
// so each iteration reads 28 bytes and the caller keeps 24*iters+4 <=
// len(d). VPSHUFB puts each sample in the top of a dword and VPSRAD
// sign-extends it: dword lane l holds sample l of the iteration.
//
// Registers:
//	Y15	the shuffle
//	Y6, Y7	minima and maxima per lane
//	Y8	32-bit sums, flushed every 128 iterations (|sample| <= 2^23, so
//		a lane stays within 2^30) into acc.sum
//	Y9	squares of the even lanes (VPMULDQ: 64-bit products), Y10 of
//		the odd lanes (shifted down first), modulo 2^64
TEXT ·s24AccumAVX2(SB), NOSPLIT, $0-40
	MOVQ d_base+0(FP), SI
	MOVQ iters+24(FP), CX
	MOVQ acc+32(FP), DI

	VMOVDQU  s24shuf<>(SB), Y15
	VPCMPEQD Y0, Y0, Y0
	VPSRLD   $1, Y0, Y6  // MaxInt32
	VPSLLD   $31, Y0, Y7 // MinInt32
	VPXOR    Y8, Y8, Y8
	VPXOR    Y9, Y9, Y9
	VPXOR    Y10, Y10, Y10
	VMOVDQU  Y8, 64(DI)
	VMOVDQU  Y8, 96(DI)

s24outer:
	TESTQ CX, CX
	JZ    s24done
	MOVQ  CX, DX
	CMPQ  DX, $128
	JBE   s24counted
	MOVQ  $128, DX

s24counted:
	SUBQ DX, CX

s24inner:
	PREFETCHT0 PFDIST(SI)
	VMOVDQU     (SI), X0
	VINSERTI128 $1, 12(SI), Y0, Y0
	VPSHUFB     Y15, Y0, Y0
	VPSRAD      $8, Y0, Y0
	VPMINSD     Y0, Y6, Y6
	VPMAXSD     Y0, Y7, Y7
	VPADDD      Y0, Y8, Y8
	VPMULDQ     Y0, Y0, Y1
	VPADDQ      Y1, Y9, Y9
	VPSRLQ      $32, Y0, Y2
	VPMULDQ     Y2, Y2, Y2
	VPADDQ      Y2, Y10, Y10
	ADDQ        $24, SI
	DECQ        DX
	JNZ         s24inner

	ADDSUMS32(Y8, X8, 64, 96)
	VPXOR        Y8, Y8, Y8
	JMP          s24outer

s24done:
	VMOVDQU Y6, 0(DI)
	VMOVDQU Y7, 32(DI)
	VMOVDQU Y9, 128(DI)
	VMOVDQU Y10, 160(DI)
	VZEROUPPER
	RET

// F32STEP takes the 8 samples at SI: their keys into the minima and
// maxima, D0 (the low 4 widened) into S0 and Q0, D1 into s1 and q1 (S0
// and Q0 again for mono, S1 and Q1 for stereo), and moves SI on.
#define F32STEP(s1, q1) \
	PREFETCHT0   PFDIST(SI)    \
	VMOVDQU      (SI), Y0      \
	VPSRAD       $31, Y0, Y1   \
	VPAND        Y15, Y1, Y1   \
	VPXOR        Y0, Y1, Y1    \
	VPMINSD      Y1, Y6, Y6    \
	VPMAXSD      Y1, Y7, Y7    \
	VCVTPS2PD    X0, Y2        \
	VEXTRACTF128 $1, Y0, X3    \
	VCVTPS2PD    X3, Y3        \
	VMULPD       Y2, Y2, Y4    \
	VMULPD       Y3, Y3, Y5    \
	VADDPD       Y2, Y8, Y8    \
	VADDPD       Y4, Y10, Y10  \
	VADDPD       Y3, s1, s1    \
	VADDPD       Y5, q1, q1    \
	ADDQ         $32, SI

// func f32AccumAVX2(d []float32, stereo bool, acc *f32Acc)
//
// float32 samples, 8 per iteration (len(d) must be a multiple of 8).
// Minima and maxima are taken on the integer keys of stats.go (the
// magnitude bits flipped when the sign is set), per dword lane. Sums and
// sums of squares are float64, in the order floatLanesOf adds them: D0 and
// D1, the iteration's low and high 4 samples widened, are added to S0
// then S0 again for mono (lane k gets samples k, 4+k, 8+k, ... in order),
// to S0 and S1 for stereo (S0 holds frames 4m and 4m+1, S1 frames 4m+2
// and 4m+3). Squares are a multiply then an add, never fused, as in Go.
//
// Registers: Y15 0x7fffffff; Y6, Y7 minimum and maximum keys; Y8, Y9 S0
// and S1; Y10, Y11 Q0 and Q1 (the squares), loaded from and stored back
// to acc.
TEXT ·f32AccumAVX2(SB), NOSPLIT, $0-40
	MOVQ    d_base+0(FP), SI
	MOVQ    d_len+8(FP), CX
	MOVBQZX stereo+24(FP), BX
	MOVQ    acc+32(FP), DI
	SHRQ    $3, CX

	VPCMPEQD Y0, Y0, Y0
	VPSRLD   $1, Y0, Y15
	VMOVDQU  Y15, Y6
	VPSLLD   $31, Y0, Y7
	VMOVUPD  64(DI), Y8
	VMOVUPD  96(DI), Y9
	VMOVUPD  128(DI), Y10
	VMOVUPD  160(DI), Y11
	TESTQ    CX, CX
	JZ       f32done
	TESTQ    BX, BX
	JNZ      f32stereo

f32mono:
	F32STEP(Y8, Y10)
	DECQ CX
	JNZ  f32mono
	JMP  f32done

f32stereo:
	F32STEP(Y9, Y11)
	DECQ CX
	JNZ  f32stereo

f32done:
	VMOVDQU Y6, 0(DI)
	VMOVDQU Y7, 32(DI)
	VMOVUPD Y8, 64(DI)
	VMOVUPD Y9, 96(DI)
	VMOVUPD Y10, 128(DI)
	VMOVUPD Y11, 160(DI)
	VZEROUPPER
	RET

// func f32GainAVX2(d []float32, factor float64, dry bool) int64
//
// Gain on float32 samples, 8 at a time (len(d) must be a multiple of 8),
// in gainF32's arithmetic: each sample widened to float64 (exact), times
// factor (one rounding), narrowed to float32 (round to nearest even, as
// Go converts). Samples with |y| > 1 are counted (VCMPPS GT_OQ: NaN is
// not). Without dry the results are stored over d. It returns the count.
//
// Registers: Y15 factor, Y14 0x7fffffff, Y13 1.0 as float32, R8 the count.
TEXT ·f32GainAVX2(SB), NOSPLIT, $0-48
	MOVQ         d_base+0(FP), SI
	MOVQ         d_len+8(FP), DX
	VBROADCASTSD factor+24(FP), Y15
	MOVBQZX      dry+32(FP), DI
	SHRQ         $3, DX
	XORQ         R8, R8
	VPCMPEQD     Y14, Y14, Y14
	VPSRLD       $1, Y14, Y14
	MOVL         $0x3f800000, AX
	VMOVD        AX, X13
	VPBROADCASTD X13, Y13
	TESTQ        DX, DX
	JZ           fgdone

fgloop:
	PREFETCHT0 PFDIST(SI)
	VCVTPS2PD   (SI), Y0
	VCVTPS2PD   16(SI), Y1
	VMULPD      Y15, Y0, Y0
	VMULPD      Y15, Y1, Y1
	VCVTPD2PSY  Y0, X0
	VCVTPD2PSY  Y1, X1
	VINSERTF128 $1, X1, Y0, Y0
	VANDPS      Y14, Y0, Y2
	VCMPPS      $0x1e, Y13, Y2, Y2 // |y| > 1, ordered
	VMOVMSKPS   Y2, AX
	POPCNTL     AX, AX
	ADDQ        AX, R8
	TESTQ       DI, DI
	JNZ         fgnext
	VMOVUPS     Y0, (SI)

fgnext:
	ADDQ $32, SI
	DECQ DX
	JNZ  fgloop

fgdone:
	MOVQ R8, ret+40(FP)
	VZEROUPPER
	RET

// func s16ToF32AVX2(d []float32, s []int16)
//
// d[i] = float32(s[i]) * 2^-15 for len(s) samples (a multiple of 16;
// len(d) >= len(s)): both steps are exact, as in S16ToF32.
TEXT ·s16ToF32AVX2(SB), NOSPLIT, $0-48
	MOVQ         d_base+0(FP), DI
	MOVQ         s_base+24(FP), SI
	MOVQ         s_len+32(FP), CX
	SHRQ         $4, CX
	MOVL         $0x38000000, AX // 2^-15
	VMOVD        AX, X15
	VBROADCASTSS X15, Y15
	TESTQ        CX, CX
	JZ           cvdone

cvloop:
	PREFETCHT0 PFDIST(SI)
	VPMOVSXWD (SI), Y0
	VPMOVSXWD 16(SI), Y1
	VCVTDQ2PS Y0, Y0
	VCVTDQ2PS Y1, Y1
	VMULPS    Y15, Y0, Y0
	VMULPS    Y15, Y1, Y1
	VMOVUPS   Y0, (DI)
	VMOVUPS   Y1, 32(DI)
	ADDQ      $32, SI
	ADDQ      $64, DI
	DECQ      CX
	JNZ       cvloop

cvdone:
	VZEROUPPER
	RET

// S16TIMESF32 takes the 16 s16 samples at SI to float32 in Y0 (the
// first 8) and Y1, times the factor in Y15 (one rounding, as Go's
// float32 product), rounded to the nearest whole number, ties to even
// (VROUNDPS mode 0, whatever MXCSR says).
#define S16TIMESF32 \
	VPMOVSXWD (SI), Y0       \
	VPMOVSXWD 16(SI), Y1     \
	VCVTDQ2PS Y0, Y0         \
	VCVTDQ2PS Y1, Y1         \
	VMULPS    Y15, Y0, Y0    \
	VMULPS    Y15, Y1, Y1    \
	VROUNDPS  $0, Y0, Y0     \
	VROUNDPS  $0, Y1, Y1

// PACKSTORE16 packs the 16 int32 of lo and hi (whole numbers within
// int16) to int16 and stores them at SI, in order: VPACKSSDW leaves the
// quadwords as lo0-3 hi0-3 lo4-7 hi4-7, VPERMQ puts them back in order.
#define PACKSTORE16(lo, hi) \
	VPACKSSDW hi, lo, lo    \
	VPERMQ    $0xd8, lo, lo \
	VMOVDQU   lo, (SI)

// func s16GainF32AVX2(d []int16, gn *F32Gain, dry bool) int64
//
// Gain on s16 samples in float32, 16 at a time (len(d) must be a multiple
// of 16 and at most 2^31 - 1): the samples widened to float32 (exact),
// times g.factor (one rounding, as Go's float32 product), rounded to
// nearest even (VROUNDPS mode 0), clamped to [g.lo, g.hi] (the samples
// that clamping changes are counted), converted to int32 (exact) and
// packed to int16. Without dry the results are stored over d. It returns
// the count of clipped samples. NewGainS16 uses it only where it gives,
// for every one of the 65536 inputs, what IntGain.Apply gives.
//
// F32Gain's layout: factor +0, lo +4, hi +8.
//
// Registers: Y15 factor, Y13 lo, Y12 hi, Y10 the clip counts (8 int32
// lanes).
TEXT ·s16GainF32AVX2(SB), NOSPLIT, $0-48
	MOVQ    d_base+0(FP), SI
	MOVQ    d_len+8(FP), DX
	MOVQ    gn+24(FP), BX
	MOVBQZX dry+32(FP), DI
	SHRQ    $4, DX // iterations of 16 samples

	VBROADCASTSS 0(BX), Y15
	VBROADCASTSS 4(BX), Y13
	VBROADCASTSS 8(BX), Y12
	VPXOR        Y10, Y10, Y10

	TESTQ DX, DX
	JZ    f32gaindone

f32gainloop:
	PREFETCHT0 PFDIST(SI)
	S16TIMESF32
	VMAXPS    Y13, Y0, Y2
	VMAXPS    Y13, Y1, Y3
	VMINPS    Y12, Y2, Y2
	VMINPS    Y12, Y3, Y3
	VCMPPS    $4, Y2, Y0, Y0 // clipped: r != clamped r (NEQ_UQ)
	VCMPPS    $4, Y3, Y1, Y1
	VPADDD    Y1, Y0, Y0
	VPSUBD    Y0, Y10, Y10
	TESTQ     DI, DI
	JNZ       f32gainnext
	VCVTPS2DQ Y2, Y2 // exact: whole numbers in range
	VCVTPS2DQ Y3, Y3
	PACKSTORE16(Y2, Y3)

f32gainnext:
	ADDQ $32, SI
	DECQ DX
	JNZ  f32gainloop

f32gaindone:
	VEXTRACTI128 $1, Y10, X0
	VPADDD       X0, X10, X10
	VPSHUFD      $0x4e, X10, X0
	VPADDD       X0, X10, X10
	VPSHUFD      $0xb1, X10, X0
	VPADDD       X0, X10, X10
	VMOVD        X10, AX
	MOVQ         AX, ret+40(FP)
	VZEROUPPER
	RET

// func s16ScaleF32AVX2(d []int16, factor float32)
//
// s16GainF32AVX2 without the clamp and the count, for factors under
// which no s16 sample clips (NewF32Gain checked all 65536): widened to
// float32 (exact), times factor (one rounding), rounded to nearest even
// (VROUNDPS mode 0, whatever MXCSR says), converted to int32 (exact: a
// whole number) and packed to int16 (in range: no saturation), 16
// samples at a time (len(d) a multiple of 16).
//
// Registers: Y15 factor.
TEXT ·s16ScaleF32AVX2(SB), NOSPLIT, $0-28
	MOVQ         d_base+0(FP), SI
	MOVQ         d_len+8(FP), DX
	VBROADCASTSS factor+24(FP), Y15
	SHRQ         $4, DX
	TESTQ        DX, DX
	JZ           scaledone

scaleloop:
	PREFETCHT0 PFDIST(SI)
	S16TIMESF32
	VCVTPS2DQ  Y0, Y0
	VCVTPS2DQ  Y1, Y1
	PACKSTORE16(Y0, Y1)
	ADDQ       $32, SI
	DECQ       DX
	JNZ        scaleloop

scaledone:
	VZEROUPPER
	RET
