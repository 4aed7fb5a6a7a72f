//go:build !purego

#include "textflag.h"

// Offsets of the coefficient pairs in kPacked.
#define SB0 0
#define SB1 16
#define SB2 32
#define SA1 48
#define SA2 64
#define HG 80
#define HA1 96
#define HA2 112

// KFRAME filters the frame at (SI) (two lanes) and adds z² to acc.
// Registers: X0 x1, X1 x2, X2 y1, X3 y2, X4 z1, X5 z2 (both lanes each);
// X8 the input, X9 y, X10 z, X11 and X12 scratch; DX the coefficients.
// The order of the operations is the scalar kernel's.
#define KFRAME(acc) \
	VMOVUPD (SI), X8               \
	VMULPD  SB0(DX), X8, X9        \
	VMULPD  SB1(DX), X0, X11       \
	VADDPD  X11, X9, X9            \
	VMULPD  SB2(DX), X1, X11       \
	VADDPD  X11, X9, X9            \
	VMULPD  SA1(DX), X2, X11       \
	VSUBPD  X11, X9, X9            \
	VMULPD  SA2(DX), X3, X11       \
	VSUBPD  X11, X9, X9            \
	VADDPD  X2, X2, X11            \
	VSUBPD  X11, X9, X12           \
	VADDPD  X3, X12, X12           \
	VMULPD  HG(DX), X12, X10       \
	VMULPD  HA1(DX), X4, X11       \
	VSUBPD  X11, X10, X10          \
	VMULPD  HA2(DX), X5, X11       \
	VSUBPD  X11, X10, X10          \
	VMULPD  X10, X10, X11          \
	VADDPD  X11, acc, acc          \
	VMOVAPD X0, X1                 \
	VMOVAPD X8, X0                 \
	VMOVAPD X2, X3                 \
	VMOVAPD X9, X2                 \
	VMOVAPD X4, X5                 \
	VMOVAPD X10, X4                \
	ADDQ    BX, SI

// Loading and storing the two lanes of a state field: lane 0 at off(DI),
// lane 1 at off+64(DI).
#define LOAD2(off, x) \
	VMOVSD  off(DI), x              \
	VMOVHPD off+64(DI), x, x

#define STORE2(x, off) \
	VMOVLPD x, off(DI)              \
	VMOVHPD x, off+64(DI)

// func kweightPairAVX(k *kPacked, st *[2]kState, x *float64, n, stride int)
TEXT ·kweightPairAVX(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), DX
	MOVQ st+8(FP), DI
	MOVQ x+16(FP), SI
	MOVQ n+24(FP), CX
	MOVQ stride+32(FP), BX
	LOAD2(0, X0)
	LOAD2(8, X1)
	LOAD2(16, X2)
	LOAD2(24, X3)
	LOAD2(32, X4)
	LOAD2(40, X5)
	LOAD2(48, X6)
	LOAD2(56, X7)

pairs:
	CMPQ CX, $2
	JL   last
	KFRAME(X6)
	KFRAME(X7)
	SUBQ $2, CX
	JMP  pairs

last:
	CMPQ CX, $1
	JL   done
	KFRAME(X6)

done:
	STORE2(X0, 0)
	STORE2(X1, 8)
	STORE2(X2, 16)
	STORE2(X3, 24)
	STORE2(X4, 32)
	STORE2(X5, 40)
	STORE2(X6, 48)
	STORE2(X7, 56)
	RET

// ABSMAX folds the magnitudes of the accumulators a, b (clearing their
// sign bits with the mask in m) into the maximum in acc.
#define ABSMAX(m, a, b, acc) \
	VANDPD m, a, a                 \
	VANDPD m, b, b                 \
	VMAXPD a, acc, acc             \
	VMAXPD b, acc, acc

// PHASES3 adds tap k of the three phases (broadcast in Y12, Y13, Y14)
// times the 4 values at off(R9) to the accumulators a0, a1, a2 of the
// three phases. Each input vector is loaded once, for the three.
#define PHASES3(off, a0, a1, a2) \
	VMOVUPD     off(R9), Y15       \
	VFMADD231PD Y15, Y12, a0       \
	VFMADD231PD Y15, Y13, a1       \
	VFMADD231PD Y15, Y14, a2

// func firMax3AVX2(c *float64, taps int, x *float64, n int, cur float64) float64
//
// A block is 16 intervals: Y0-Y3 accumulate phase 0 of intervals 0-3,
// 4-7, 8-11, 12-15, Y4-Y7 phase 1 and Y8-Y11 phase 2; Y12-Y14 hold the
// three phases' tap k, Y15 the input. That is every register, so the
// running maximum stays in the frame (max-32(SP)) between blocks, and so
// does the mask that clears the sign bits (mask-40(SP)), loaded with an
// AVX instruction: a legacy SSE one (MOVQ to X15) in the loop, with the
// upper halves of the Y registers in use, made the kernel 3.5 times
// slower on the development machine.
TEXT ·firMax3AVX2(SB), NOSPLIT, $40-48
	MOVQ         c+0(FP), SI
	MOVQ         taps+8(FP), DX
	MOVQ         x+16(FP), DI
	MOVQ         n+24(FP), CX
	VBROADCASTSD cur+32(FP), Y0
	VMOVUPD      Y0, max-32(SP)
	MOVQ         $0x7fffffffffffffff, AX
	MOVQ         AX, mask-40(SP)

block3:
	CMPQ   CX, $16
	JL     fold3
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	MOVQ   SI, R8
	MOVQ   DI, R9
	MOVQ   DX, R10

taps3:
	VBROADCASTSD 0(R8), Y12
	VBROADCASTSD 8(R8), Y13
	VBROADCASTSD 16(R8), Y14
	PHASES3(0, Y0, Y4, Y8)
	PHASES3(32, Y1, Y5, Y9)
	PHASES3(64, Y2, Y6, Y10)
	PHASES3(96, Y3, Y7, Y11)
	ADDQ         $32, R8
	ADDQ         $8, R9
	DECQ         R10
	JNZ          taps3

	VBROADCASTSD mask-40(SP), Y15
	VMOVUPD      max-32(SP), Y14
	ABSMAX(Y15, Y0, Y1, Y14)
	ABSMAX(Y15, Y2, Y3, Y14)
	ABSMAX(Y15, Y4, Y5, Y14)
	ABSMAX(Y15, Y6, Y7, Y14)
	ABSMAX(Y15, Y8, Y9, Y14)
	ABSMAX(Y15, Y10, Y11, Y14)
	VMOVUPD      Y14, max-32(SP)
	ADDQ         $128, DI
	SUBQ         $16, CX
	JMP          block3

fold3:
	VMOVUPD      max-32(SP), Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPD       X1, X0, X0
	VUNPCKHPD    X0, X0, X1
	VMAXSD       X1, X0, X0
	VMOVSD       X0, ret+40(FP)
	VZEROUPPER
	RET

// TAP1 adds c[k] (broadcast in Y8) times the 32 values from (R9) to the
// eight accumulators.
#define TAP1 \
	VBROADCASTSD (R8), Y8          \
	VFMADD231PD  0(R9), Y8, Y0     \
	VFMADD231PD  32(R9), Y8, Y1    \
	VFMADD231PD  64(R9), Y8, Y2    \
	VFMADD231PD  96(R9), Y8, Y3    \
	VFMADD231PD  128(R9), Y8, Y4   \
	VFMADD231PD  160(R9), Y8, Y5   \
	VFMADD231PD  192(R9), Y8, Y6   \
	VFMADD231PD  224(R9), Y8, Y7   \
	ADDQ         $8, R8            \
	ADDQ         $8, R9

// func firMax1AVX2(c *float64, taps int, x *float64, n int, cur float64) float64
//
// Y0-Y7 accumulate the 32 values of a block; Y14 is the mask that clears
// the sign bit, Y15 the running maximum.
TEXT ·firMax1AVX2(SB), NOSPLIT, $0-48
	MOVQ         c+0(FP), SI
	MOVQ         taps+8(FP), DX
	SHRQ         $2, DX
	MOVQ         x+16(FP), DI
	MOVQ         n+24(FP), CX
	VBROADCASTSD cur+32(FP), Y15
	MOVQ         $0x7fffffffffffffff, AX
	MOVQ         AX, X14
	VPBROADCASTQ X14, Y14

block1:
	CMPQ   CX, $32
	JL     fold1
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	MOVQ   SI, R8
	MOVQ   DI, R9
	MOVQ   DX, R10

taps1:
	TAP1
	TAP1
	TAP1
	TAP1
	DECQ R10
	JNZ  taps1
	ABSMAX(Y14, Y0, Y1, Y15)
	ABSMAX(Y14, Y2, Y3, Y15)
	ABSMAX(Y14, Y4, Y5, Y15)
	ABSMAX(Y14, Y6, Y7, Y15)
	ADDQ   $256, DI
	SUBQ   $32, CX
	JMP    block1

fold1:
	VEXTRACTF128 $1, Y15, X0
	VMAXPD       X0, X15, X15
	VUNPCKHPD    X15, X15, X0
	VMAXSD       X0, X15, X15
	VMOVSD       X15, ret+40(FP)
	VZEROUPPER
	RET
