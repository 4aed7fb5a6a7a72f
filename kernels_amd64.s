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
