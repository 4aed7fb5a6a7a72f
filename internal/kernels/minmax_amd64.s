//go:build !purego

#include "textflag.h"

// PFDIST: as in kernels_amd64.s.
#define PFDIST 4096

// The AVX2 halves of the MinMaxRuns kernels (minmax_amd64.go): each walks
// whole runs of interleaved samples and leaves, per run, the minimum and
// maximum of each of 8 lanes (lane l holds the samples at indices l mod 8
// of the run), which the Go half folds into channels.

// func s16MinMaxRunsAVX2(d []int16, run, ch int, out *int16)
//
// len(d) is a multiple of run, run a multiple of 32. Per run, out gets 8
// minima then 8 maxima (32 bytes), folded down to the channels: with ch
// (1, 2, 4 or 8) dividing 8, lane c < ch holds channel c (the lanes above
// are partial). Two sets of accumulators of 16 lanes, folded at the end
// of the run: lanes l and l+8 of a vector both hold indices l mod 8.
TEXT ·s16MinMaxRunsAVX2(SB), NOSPLIT, $0-48
	MOVQ d_base+0(FP), SI
	MOVQ d_len+8(FP), CX
	MOVQ run+24(FP), BX
	MOVQ ch+32(FP), R8
	MOVQ out+40(FP), DI

	VPCMPEQW Y15, Y15, Y15
	VPSRLW   $1, Y15, Y14  // 0x7fff
	VPSLLW   $15, Y15, Y13 // 0x8000

s16run:
	CMPQ CX, BX
	JB   s16done
	SUBQ BX, CX
	MOVQ BX, DX
	SHRQ $6, DX // steps of 64 samples
	VMOVDQU Y14, Y0
	VMOVDQU Y14, Y1
	VMOVDQU Y13, Y2
	VMOVDQU Y13, Y3
	VMOVDQU Y14, Y6
	VMOVDQU Y14, Y7
	VMOVDQU Y13, Y8
	VMOVDQU Y13, Y9
	TESTQ   DX, DX
	JZ      s16half

s16inner:
	PREFETCHT0 PFDIST(SI)
	PREFETCHT0 (PFDIST+64)(SI)
	VMOVDQU (SI), Y4
	VMOVDQU 32(SI), Y5
	VMOVDQU 64(SI), Y10
	VMOVDQU 96(SI), Y11
	VPMINSW Y4, Y0, Y0
	VPMINSW Y5, Y1, Y1
	VPMAXSW Y4, Y2, Y2
	VPMAXSW Y5, Y3, Y3
	VPMINSW Y10, Y6, Y6
	VPMINSW Y11, Y7, Y7
	VPMAXSW Y10, Y8, Y8
	VPMAXSW Y11, Y9, Y9
	ADDQ    $128, SI
	DECQ    DX
	JNZ     s16inner

s16half:
	// A run of an odd number of 32 samples ends with one more half step.
	TESTQ $32, BX
	JZ    s16fold
	VMOVDQU (SI), Y4
	VMOVDQU 32(SI), Y5
	VPMINSW Y4, Y0, Y0
	VPMINSW Y5, Y1, Y1
	VPMAXSW Y4, Y2, Y2
	VPMAXSW Y5, Y3, Y3
	ADDQ    $64, SI

s16fold:
	VPMINSW      Y6, Y0, Y0
	VPMINSW      Y7, Y1, Y1
	VPMAXSW      Y8, Y2, Y2
	VPMAXSW      Y9, Y3, Y3
	VPMINSW      Y1, Y0, Y0
	VPMAXSW      Y3, Y2, Y2
	VEXTRACTI128 $1, Y0, X1
	VPMINSW      X1, X0, X0
	VEXTRACTI128 $1, Y2, X3
	VPMAXSW      X3, X2, X2
	CMPQ         R8, $4
	JA           s16store
	VPSHUFD      $0x4e, X0, X1 // lanes l and l+4
	VPMINSW      X1, X0, X0
	VPSHUFD      $0x4e, X2, X3
	VPMAXSW      X3, X2, X2
	CMPQ         R8, $2
	JA           s16store
	VPSHUFD      $0xb1, X0, X1 // lanes l and l+2
	VPMINSW      X1, X0, X0
	VPSHUFD      $0xb1, X2, X3
	VPMAXSW      X3, X2, X2
	CMPQ         R8, $1
	JA           s16store
	VPSHUFLW     $0xb1, X0, X1 // lanes 0 and 1
	VPMINSW      X1, X0, X0
	VPSHUFLW     $0xb1, X2, X3
	VPMAXSW      X3, X2, X2

s16store:
	VMOVDQU X0, (DI)
	VMOVDQU X2, 16(DI)
	ADDQ    $32, DI
	JMP     s16run

s16done:
	VZEROUPPER
	RET

// func f32MinMaxRunsAVX2(d []float32, run int, out *int32)
//
// len(d) is a multiple of run, run a multiple of 16. Minima and maxima of
// the integer keys of the values (the magnitude bits flipped when the
// sign is set: see key64 in stats.go), from key(+Inf) and key(-Inf): a
// NaN shows as a key beyond them, for the Go half to see. Per run, out
// gets 8 minimum keys then 8 maximum keys (64 bytes).
TEXT ·f32MinMaxRunsAVX2(SB), NOSPLIT, $0-40
	MOVQ d_base+0(FP), SI
	MOVQ d_len+8(FP), CX
	MOVQ run+24(FP), BX
	MOVQ out+32(FP), DI

	VPCMPEQD     Y15, Y15, Y15
	VPSRLD       $1, Y15, Y15 // 0x7fffffff
	MOVL         $0x7f800000, AX
	MOVQ         AX, X14
	VPBROADCASTD X14, Y14     // key(+Inf)
	MOVL         $0x807fffff, AX
	MOVQ         AX, X13
	VPBROADCASTD X13, Y13     // key(-Inf)

f32run:
	CMPQ CX, BX
	JB   f32done
	SUBQ BX, CX
	MOVQ BX, DX
	SHRQ $4, DX
	VMOVDQU Y14, Y0
	VMOVDQU Y14, Y1
	VMOVDQU Y13, Y2
	VMOVDQU Y13, Y3

f32inner:
	PREFETCHT0 PFDIST(SI)
	VMOVDQU (SI), Y4
	VMOVDQU 32(SI), Y5
	VPSRAD  $31, Y4, Y6
	VPSRAD  $31, Y5, Y7
	VPAND   Y15, Y6, Y6
	VPAND   Y15, Y7, Y7
	VPXOR   Y6, Y4, Y4
	VPXOR   Y7, Y5, Y5
	VPMINSD Y4, Y0, Y0
	VPMINSD Y5, Y1, Y1
	VPMAXSD Y4, Y2, Y2
	VPMAXSD Y5, Y3, Y3
	ADDQ    $64, SI
	DECQ    DX
	JNZ     f32inner

	VPMINSD Y1, Y0, Y0
	VPMAXSD Y3, Y2, Y2
	VMOVDQU Y0, (DI)
	VMOVDQU Y2, 32(DI)
	ADDQ    $64, DI
	JMP     f32run

f32done:
	VZEROUPPER
	RET

// Shuffle for s24MinMaxRunsAVX2 (as s24shuf in kernels_amd64.s): in each
// 128-bit half, dword i takes bytes 3i, 3i+1, 3i+2 into its top three
// bytes.
DATA mm24shuf<>+0(SB)/8, $0x0504038002010080
DATA mm24shuf<>+8(SB)/8, $0x0b0a098008070680
DATA mm24shuf<>+16(SB)/8, $0x0504038002010080
DATA mm24shuf<>+24(SB)/8, $0x0b0a098008070680
GLOBL mm24shuf<>(SB), RODATA|NOPTR, $32

// func s24MinMaxRunsAVX2(d []byte, runs, run int, out *int32)
//
// runs runs of run packed samples (run a multiple of 8), 8 samples (24
// bytes) per iteration, each read as 28 bytes: the caller keeps 4 bytes
// readable after the last run. Per run, out gets 8 minima then 8 maxima
// (64 bytes): dword lane l holds sample l of every 8.
TEXT ·s24MinMaxRunsAVX2(SB), NOSPLIT, $0-48
	MOVQ d_base+0(FP), SI
	MOVQ runs+24(FP), CX
	MOVQ run+32(FP), BX
	MOVQ out+40(FP), DI
	SHRQ $3, BX

	VMOVDQU  mm24shuf<>(SB), Y15
	VPCMPEQD Y14, Y14, Y14
	VPSRLD   $1, Y14, Y13  // MaxInt32
	VPSLLD   $31, Y14, Y14 // MinInt32

s24run:
	TESTQ CX, CX
	JZ    s24done
	DECQ  CX
	MOVQ  BX, DX
	VMOVDQU Y13, Y0
	VMOVDQU Y13, Y1
	VMOVDQU Y14, Y2
	VMOVDQU Y14, Y3
	SHRQ  $1, DX
	JZ    s24odd

s24inner:
	PREFETCHT0 PFDIST(SI)
	VMOVDQU     (SI), X4
	VINSERTI128 $1, 12(SI), Y4, Y4
	VMOVDQU     24(SI), X5
	VINSERTI128 $1, 36(SI), Y5, Y5
	VPSHUFB     Y15, Y4, Y4
	VPSHUFB     Y15, Y5, Y5
	VPSRAD      $8, Y4, Y4
	VPSRAD      $8, Y5, Y5
	VPMINSD     Y4, Y0, Y0
	VPMINSD     Y5, Y1, Y1
	VPMAXSD     Y4, Y2, Y2
	VPMAXSD     Y5, Y3, Y3
	ADDQ        $48, SI
	DECQ        DX
	JNZ         s24inner

s24odd:
	TESTQ $1, BX
	JZ    s24fold
	VMOVDQU     (SI), X4
	VINSERTI128 $1, 12(SI), Y4, Y4
	VPSHUFB     Y15, Y4, Y4
	VPSRAD      $8, Y4, Y4
	VPMINSD     Y4, Y0, Y0
	VPMAXSD     Y4, Y2, Y2
	ADDQ        $24, SI

s24fold:
	VPMINSD Y1, Y0, Y0
	VPMAXSD Y3, Y2, Y2
	VMOVDQU Y0, (DI)
	VMOVDQU Y2, 32(DI)
	ADDQ    $64, DI
	JMP     s24run

s24done:
	VZEROUPPER
	RET
