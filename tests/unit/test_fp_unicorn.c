/* tests/unit/test_fp_unicorn.c — random differential test of the SIMD&FP instructions against
 * Unicorn (QEMU's AArch64 FP/AdvSIMD implementation). Each instruction of the table runs with
 * random register contents biased towards special values (signed zeros, infinities, quiet and
 * signalling NaNs with payloads, denormals, ties, integer bounds) under random FPCR settings
 * (RMode, FZ, DN, AHP); V0-V3, X0-X3, NZCV and FPSR must match.
 *
 * Set FP_DIFF_TRIALS to change the number of trials per instruction (default 300) and
 * FP_DIFF_SEED for the seed. Mismatches are printed with the inputs. Instructions where
 * Unicorn is known to be wrong are listed in unicorn_wrong[] with the reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <dlfcn.h>
#include <unicorn/unicorn.h>
#include "cpu/cpu_internal.h"
#include "cpu/fpu.h"
#include "machine/machine.h"

#define RAM      0x40000000ull
#define RAM_SIZE (16u << 20)

struct ins { uint32_t enc; const char *name; };
static const struct ins table[] = {
    { 0x1e622820,"fadd d0, d1, d2" },
    { 0x1e623820,"fsub d0, d1, d2" },
    { 0x1e620820,"fmul d0, d1, d2" },
    { 0x1e621820,"fdiv d0, d1, d2" },
    { 0x1e222820,"fadd s0, s1, s2" },
    { 0x1e223820,"fsub s0, s1, s2" },
    { 0x1e220820,"fmul s0, s1, s2" },
    { 0x1e221820,"fdiv s0, s1, s2" },
    { 0x1e628820,"fnmul d0, d1, d2" },
    { 0x1e228820,"fnmul s0, s1, s2" },
    { 0x1e624820,"fmax d0, d1, d2" },
    { 0x1e225820,"fmin s0, s1, s2" },
    { 0x1e226820,"fmaxnm s0, s1, s2" },
    { 0x1e627820,"fminnm d0, d1, d2" },
    { 0x1f420c20,"fmadd d0, d1, d2, d3" },
    { 0x1f428c20,"fmsub d0, d1, d2, d3" },
    { 0x1f220c20,"fnmadd s0, s1, s2, s3" },
    { 0x1f228c20,"fnmsub s0, s1, s2, s3" },
    { 0x1f020c20,"fmadd s0, s1, s2, s3" },
    { 0x1e61c020,"fsqrt d0, d1" },
    { 0x1e21c020,"fsqrt s0, s1" },
    { 0x1e60c020,"fabs d0, d1" },
    { 0x1e214020,"fneg s0, s1" },
    { 0x1e622020,"fcmp d1, d2" },
    { 0x1e222030,"fcmpe s1, s2" },
    { 0x1e202028,"fcmp s1, #0.0" },
    { 0x1e602038,"fcmpe d1, #0.0" },
    { 0x1e621424,"fccmp d1, d2, #0x4, ne" },
    { 0x1e22a432,"fccmpe s1, s2, #0x2, ge" },
    { 0x1e22bc20,"fcsel s0, s1, s2, lt" },
    { 0x1e644020,"frintn d0, d1" },
    { 0x1e24c020,"frintp s0, s1" },
    { 0x1e654020,"frintm d0, d1" },
    { 0x1e25c020,"frintz s0, s1" },
    { 0x1e664020,"frinta d0, d1" },
    { 0x1e274020,"frintx s0, s1" },
    { 0x1e67c020,"frinti d0, d1" },
    { 0x1e624020,"fcvt s0, d1" },
    { 0x1e22c020,"fcvt d0, s1" },
    { 0x1e23c020,"fcvt h0, s1" },
    { 0x1e63c020,"fcvt h0, d1" },
    { 0x1ee24020,"fcvt s0, h1" },
    { 0x1ee2c020,"fcvt d0, h1" },
    { 0x9e780020,"fcvtzs x0, d1" },
    { 0x1e380020,"fcvtzs w0, s1" },
    { 0x9e390020,"fcvtzu x0, s1" },
    { 0x1e790020,"fcvtzu w0, d1" },
    { 0x9e600020,"fcvtns x0, d1" },
    { 0x1e210020,"fcvtnu w0, s1" },
    { 0x9e280020,"fcvtps x0, s1" },
    { 0x9e690020,"fcvtpu x0, d1" },
    { 0x1e700020,"fcvtms w0, d1" },
    { 0x1e310020,"fcvtmu w0, s1" },
    { 0x9e640020,"fcvtas x0, d1" },
    { 0x1e250020,"fcvtau w0, s1" },
    { 0x9e58d820,"fcvtzs x0, d1, #10" },
    { 0x1e19f420,"fcvtzu w0, s1, #3" },
    { 0x9e620020,"scvtf d0, x1" },
    { 0x1e220020,"scvtf s0, w1" },
    { 0x1e630020,"ucvtf d0, w1" },
    { 0x9e230020,"ucvtf s0, x1" },
    { 0x9e42e420,"scvtf d0, x1, #7" },
    { 0x1e038020,"ucvtf s0, w1, #32" },
    { 0x9e660020,"fmov x0, d1" },
    { 0x9e670020,"fmov d0, x1" },
    { 0x9eaf0020,"fmov v0.d[1], x1" },
    { 0x9eae0020,"fmov x0, v1.d[1]" },
    { 0x1e260020,"fmov w0, s1" },
    { 0x1e270020,"fmov s0, w1" },
    { 0x1e681000,"fmov d0, #1.250000000000000000e-01" },
    { 0x1e27f000,"fmov s0, #3.100000000000000000e+01" },
    { 0x5ee1d820,"frecpe d0, d1" },
    { 0x5ea1d820,"frecpe s0, s1" },
    { 0x7ee1d820,"frsqrte d0, d1" },
    { 0x7ea1d820,"frsqrte s0, s1" },
    { 0x5ee1f820,"frecpx d0, d1" },
    { 0x5e22fc20,"frecps s0, s1, s2" },
    { 0x5ee2fc20,"frsqrts d0, d1, d2" },
    { 0x5e22dc20,"fmulx s0, s1, s2" },
    { 0x7ee2d420,"fabd d0, d1, d2" },
    { 0x5e22e420,"fcmeq s0, s1, s2" },
    { 0x7e62e420,"fcmge d0, d1, d2" },
    { 0x7ea2e420,"fcmgt s0, s1, s2" },
    { 0x7e62ec20,"facge d0, d1, d2" },
    { 0x7ea2ec20,"facgt s0, s1, s2" },
    { 0x4e22d420,"fadd v0.4s, v1.4s, v2.4s" },
    { 0x4e62d420,"fadd v0.2d, v1.2d, v2.2d" },
    { 0x0ea2d420,"fsub v0.2s, v1.2s, v2.2s" },
    { 0x6e22dc20,"fmul v0.4s, v1.4s, v2.4s" },
    { 0x6e62fc20,"fdiv v0.2d, v1.2d, v2.2d" },
    { 0x4e22cc20,"fmla v0.4s, v1.4s, v2.4s" },
    { 0x4ee2cc20,"fmls v0.2d, v1.2d, v2.2d" },
    { 0x4e22f420,"fmax v0.4s, v1.4s, v2.4s" },
    { 0x4ee2c420,"fminnm v0.2d, v1.2d, v2.2d" },
    { 0x6ea2d420,"fabd v0.4s, v1.4s, v2.4s" },
    { 0x6e22d420,"faddp v0.4s, v1.4s, v2.4s" },
    { 0x2e22f420,"fmaxp v0.2s, v1.2s, v2.2s" },
    { 0x6ee2c420,"fminnmp v0.2d, v1.2d, v2.2d" },
    { 0x4e22e420,"fcmeq v0.4s, v1.4s, v2.4s" },
    { 0x6ee2e420,"fcmgt v0.2d, v1.2d, v2.2d" },
    { 0x6e22ec20,"facge v0.4s, v1.4s, v2.4s" },
    { 0x4e22dc20,"fmulx v0.4s, v1.4s, v2.4s" },
    { 0x4e62fc20,"frecps v0.2d, v1.2d, v2.2d" },
    { 0x4ea2fc20,"frsqrts v0.4s, v1.4s, v2.4s" },
    { 0x4ea0f820,"fabs v0.4s, v1.4s" },
    { 0x6ee0f820,"fneg v0.2d, v1.2d" },
    { 0x6ea1f820,"fsqrt v0.4s, v1.4s" },
    { 0x4e618820,"frintn v0.2d, v1.2d" },
    { 0x6e218820,"frinta v0.4s, v1.4s" },
    { 0x2e219820,"frintx v0.2s, v1.2s" },
    { 0x4ea1b820,"fcvtzs v0.4s, v1.4s" },
    { 0x6ee1b820,"fcvtzu v0.2d, v1.2d" },
    { 0x4e21a820,"fcvtns v0.4s, v1.4s" },
    { 0x6e61c820,"fcvtau v0.2d, v1.2d" },
    { 0x4e21d820,"scvtf v0.4s, v1.4s" },
    { 0x6e61d820,"ucvtf v0.2d, v1.2d" },
    { 0x4f3be420,"scvtf v0.4s, v1.4s, #5" },
    { 0x6f44fc20,"fcvtzu v0.2d, v1.2d, #60" },
    { 0x5f3dfc20,"fcvtzs s0, s1, #3" },
    { 0x7e61d820,"ucvtf d0, d1" },
    { 0x5e21a820,"fcvtns s0, s1" },
    { 0x4ea1d820,"frecpe v0.4s, v1.4s" },
    { 0x6ee1d820,"frsqrte v0.2d, v1.2d" },
    { 0x4ea1c820,"urecpe v0.4s, v1.4s" },
    { 0x2ea1c820,"ursqrte v0.2s, v1.2s" },
    { 0x4ea0c820,"fcmgt v0.4s, v1.4s, #0.0" },
    { 0x6ee0d820,"fcmle v0.2d, v1.2d, #0.0" },
    { 0x5ea0e820,"fcmlt s0, s1, #0.0" },
    { 0x5ee0d820,"fcmeq d0, d1, #0.0" },
    { 0x0e616820,"fcvtn v0.2s, v1.2d" },
    { 0x4e616820,"fcvtn2 v0.4s, v1.2d" },
    { 0x0e216820,"fcvtn v0.4h, v1.4s" },
    { 0x0e617820,"fcvtl v0.2d, v1.2s" },
    { 0x4e217820,"fcvtl2 v0.4s, v1.8h" },
    { 0x7e616820,"fcvtxn s0, d1" },
    { 0x6e616820,"fcvtxn2 v0.4s, v1.2d" },
    { 0x6e30f820,"fmaxv s0, v1.4s" },
    { 0x6eb0c820,"fminnmv s0, v1.4s" },
    { 0x7e30d820,"faddp s0, v1.2s" },
    { 0x7e70c820,"fmaxnmp d0, v1.2d" },
    { 0x4fa29820,"fmul v0.4s, v1.4s, v2.s[3]" },
    { 0x4fc21820,"fmla v0.2d, v1.2d, v2.d[1]" },
    { 0x5fa25020,"fmls s0, s1, v2.s[1]" },
    { 0x7fc29020,"fmulx d0, d1, v2.d[0]" },
    { 0x6e228c20,"cmeq v0.16b, v1.16b, v2.16b" },
    { 0x0e209820,"cmeq v0.8b, v1.8b, #0" },
    { 0x6e223c20,"cmhs v0.16b, v1.16b, v2.16b" },
    { 0x6ea23420,"cmhi v0.4s, v1.4s, v2.4s" },
    { 0x4e623420,"cmgt v0.8h, v1.8h, v2.8h" },
    { 0x4ee23c20,"cmge v0.2d, v1.2d, v2.2d" },
    { 0x4e228c20,"cmtst v0.16b, v1.16b, v2.16b" },
    { 0x4ea0a820,"cmlt v0.4s, v1.4s, #0" },
    { 0x6e609820,"cmle v0.8h, v1.8h, #0" },
    { 0x6e208820,"cmge v0.16b, v1.16b, #0" },
    { 0x4ee08820,"cmgt v0.2d, v1.2d, #0" },
    { 0x7ee28c20,"cmeq d0, d1, d2" },
    { 0x7ee23c20,"cmhs d0, d1, d2" },
    { 0x0f0c8420,"shrn v0.8b, v1.8h, #4" },
    { 0x4f0d8420,"shrn2 v0.16b, v1.8h, #3" },
    { 0x0f178420,"shrn v0.4h, v1.4s, #9" },
    { 0x0f2f8c20,"rshrn v0.2s, v1.2d, #17" },
    { 0x0f0e9420,"sqshrn v0.8b, v1.8h, #2" },
    { 0x2f1f9420,"uqshrn v0.4h, v1.4s, #1" },
    { 0x2f0b8c20,"sqrshrun v0.8b, v1.8h, #5" },
    { 0x6f388420,"sqshrun2 v0.4s, v1.2d, #8" },
    { 0x7f1d9c20,"uqrshrn h0, s1, #3" },
    { 0x4f01e540,"movi v0.16b, #0x2a" },
    { 0x4f004640,"movi v0.4s, #0x12, lsl #16" },
    { 0x4f07a7e0,"movi v0.8h, #0xff, lsl #8" },
    { 0x6f05e4a0,"movi v0.2d, #0xff00ff0000ff00ff" },
    { 0x2f06e580,"movi d0, #0xffff0000ffff0000" },
    { 0x4f03c7e0,"movi v0.4s, #0x7f, msl #8" },
    { 0x6f002640,"mvni v0.4s, #0x12, lsl #8" },
    { 0x6f008420,"mvni v0.8h, #0x1" },
    { 0x4f007640,"orr v0.4s, #0x12, lsl #24" },
    { 0x6f019680,"bic v0.8h, #0x34" },
    { 0x4f03f600,"fmov v0.4s, #1.000000000000000000e+00" },
    { 0x6f04f500,"fmov v0.2d, #-3.000000000000000000e+00" },
    { 0x6e22a420,"umaxp v0.16b, v1.16b, v2.16b" },
    { 0x6ea2a420,"umaxp v0.4s, v1.4s, v2.4s" },
    { 0x2e22ac20,"uminp v0.8b, v1.8b, v2.8b" },
    { 0x4e62a420,"smaxp v0.8h, v1.8h, v2.8h" },
    { 0x0ea2ac20,"sminp v0.2s, v1.2s, v2.2s" },
    { 0x4e22bc20,"addp v0.16b, v1.16b, v2.16b" },
    { 0x4ee2bc20,"addp v0.2d, v1.2d, v2.2d" },
    { 0x5ef1b820,"addp d0, v1.2d" },
    { 0x6ea21c20,"bit v0.16b, v1.16b, v2.16b" },
    { 0x2ee21c20,"bif v0.8b, v1.8b, v2.8b" },
    { 0x6e621c20,"bsl v0.16b, v1.16b, v2.16b" },
    { 0x4e221c20,"and v0.16b, v1.16b, v2.16b" },
    { 0x0e621c20,"bic v0.8b, v1.8b, v2.8b" },
    { 0x4ea21c20,"orr v0.16b, v1.16b, v2.16b" },
    { 0x4ee21c20,"orn v0.16b, v1.16b, v2.16b" },
    { 0x2e221c20,"eor v0.8b, v1.8b, v2.8b" },
    { 0x4ea11c20,"mov v0.16b, v1.16b" },
    { 0x4e010c20,"dup v0.16b, w1" },
    { 0x4e040c20,"dup v0.4s, w1" },
    { 0x4e080c20,"dup v0.2d, x1" },
    { 0x4e160420,"dup v0.8h, v1.h[5]" },
    { 0x0e1c0420,"dup v0.2s, v1.s[3]" },
    { 0x5e130420,"mov b0, v1.b[9]" },
    { 0x4e141c20,"mov v0.s[2], w1" },
    { 0x6e1f1c20,"mov v0.b[15], v1.b[3]" },
    { 0x6e180420,"mov v0.d[1], v1.d[0]" },
    { 0x0e0f3c20,"umov w0, v1.b[7]" },
    { 0x0e0e3c20,"umov w0, v1.h[3]" },
    { 0x4e183c20,"mov x0, v1.d[1]" },
    { 0x4e1a2c20,"smov x0, v1.h[6]" },
    { 0x0e032c20,"smov w0, v1.b[1]" },
    { 0x4e1c2c20,"smov x0, v1.s[3]" },
    { 0x6e022820,"ext v0.16b, v1.16b, v2.16b, #5" },
    { 0x2e021820,"ext v0.8b, v1.8b, v2.8b, #3" },
    { 0x0f08a420,"sxtl v0.8h, v1.8b" },
    { 0x4f10a420,"sxtl2 v0.4s, v1.8h" },
    { 0x2f20a420,"uxtl v0.2d, v1.2s" },
    { 0x2f0ba420,"ushll v0.8h, v1.8b, #3" },
    { 0x4f3fa420,"sshll2 v0.2d, v1.4s, #31" },
    { 0x4e228420,"add v0.16b, v1.16b, v2.16b" },
    { 0x4ee28420,"add v0.2d, v1.2d, v2.2d" },
    { 0x6ea28420,"sub v0.4s, v1.4s, v2.4s" },
    { 0x7ee28420,"sub d0, d1, d2" },
    { 0x5ee28420,"add d0, d1, d2" },
    { 0x4e629c20,"mul v0.8h, v1.8h, v2.8h" },
    { 0x4ea29420,"mla v0.4s, v1.4s, v2.4s" },
    { 0x6e229420,"mls v0.16b, v1.16b, v2.16b" },
    { 0x6e229c20,"pmul v0.16b, v1.16b, v2.16b" },
    { 0x4e220c20,"sqadd v0.16b, v1.16b, v2.16b" },
    { 0x6e620c20,"uqadd v0.8h, v1.8h, v2.8h" },
    { 0x4ea22c20,"sqsub v0.4s, v1.4s, v2.4s" },
    { 0x6ee22c20,"uqsub v0.2d, v1.2d, v2.2d" },
    { 0x5e220c20,"sqadd b0, b1, b2" },
    { 0x7ea22c20,"uqsub s0, s1, s2" },
    { 0x4e220420,"shadd v0.16b, v1.16b, v2.16b" },
    { 0x6ea20420,"uhadd v0.4s, v1.4s, v2.4s" },
    { 0x4e621420,"srhadd v0.8h, v1.8h, v2.8h" },
    { 0x6e221420,"urhadd v0.16b, v1.16b, v2.16b" },
    { 0x4e622420,"shsub v0.8h, v1.8h, v2.8h" },
    { 0x6ea22420,"uhsub v0.4s, v1.4s, v2.4s" },
    { 0x4e224420,"sshl v0.16b, v1.16b, v2.16b" },
    { 0x6ee24420,"ushl v0.2d, v1.2d, v2.2d" },
    { 0x4ea25420,"srshl v0.4s, v1.4s, v2.4s" },
    { 0x6e625420,"urshl v0.8h, v1.8h, v2.8h" },
    { 0x4e224c20,"sqshl v0.16b, v1.16b, v2.16b" },
    { 0x6ea24c20,"uqshl v0.4s, v1.4s, v2.4s" },
    { 0x4e625c20,"sqrshl v0.8h, v1.8h, v2.8h" },
    { 0x6ee25c20,"uqrshl v0.2d, v1.2d, v2.2d" },
    { 0x5ee24420,"sshl d0, d1, d2" },
    { 0x5e625c20,"sqrshl h0, h1, h2" },
    { 0x4ea26420,"smax v0.4s, v1.4s, v2.4s" },
    { 0x6e226c20,"umin v0.16b, v1.16b, v2.16b" },
    { 0x4e627420,"sabd v0.8h, v1.8h, v2.8h" },
    { 0x6e227420,"uabd v0.16b, v1.16b, v2.16b" },
    { 0x4ea27c20,"saba v0.4s, v1.4s, v2.4s" },
    { 0x2e227c20,"uaba v0.8b, v1.8b, v2.8b" },
    { 0x4e62b420,"sqdmulh v0.8h, v1.8h, v2.8h" },
    { 0x6ea2b420,"sqrdmulh v0.4s, v1.4s, v2.4s" },
    { 0x5ea2b420,"sqdmulh s0, s1, s2" },
    { 0x0e220020,"saddl v0.8h, v1.8b, v2.8b" },
    { 0x6e620020,"uaddl2 v0.4s, v1.8h, v2.8h" },
    { 0x0ea21020,"saddw v0.2d, v1.2d, v2.2s" },
    { 0x6e223020,"usubw2 v0.8h, v1.8h, v2.16b" },
    { 0x0e622020,"ssubl v0.4s, v1.4h, v2.4h" },
    { 0x0e224020,"addhn v0.8b, v1.8h, v2.8h" },
    { 0x6e224020,"raddhn2 v0.16b, v1.8h, v2.8h" },
    { 0x0ea26020,"subhn v0.2s, v1.2d, v2.2d" },
    { 0x2e626020,"rsubhn v0.4h, v1.4s, v2.4s" },
    { 0x0e225020,"sabal v0.8h, v1.8b, v2.8b" },
    { 0x6ea27020,"uabdl2 v0.2d, v1.4s, v2.4s" },
    { 0x0e628020,"smlal v0.4s, v1.4h, v2.4h" },
    { 0x6e22a020,"umlsl2 v0.8h, v1.16b, v2.16b" },
    { 0x0ea2c020,"smull v0.2d, v1.2s, v2.2s" },
    { 0x6e62c020,"umull2 v0.4s, v1.8h, v2.8h" },
    { 0x0e62d020,"sqdmull v0.4s, v1.4h, v2.4h" },
    { 0x4ea29020,"sqdmlal2 v0.2d, v1.4s, v2.4s" },
    { 0x0e62b020,"sqdmlsl v0.4s, v1.4h, v2.4h" },
    { 0x5ea2d020,"sqdmull d0, s1, s2" },
    { 0x0e22e020,"pmull v0.8h, v1.8b, v2.8b" },
    { 0x4e22e020,"pmull2 v0.8h, v1.16b, v2.16b" },
    { 0x4e200820,"rev64 v0.16b, v1.16b" },
    { 0x6e600820,"rev32 v0.8h, v1.8h" },
    { 0x4e201820,"rev16 v0.16b, v1.16b" },
    { 0x4ea00820,"rev64 v0.4s, v1.4s" },
    { 0x4e202820,"saddlp v0.8h, v1.16b" },
    { 0x6ea06820,"uadalp v0.2d, v1.4s" },
    { 0x4e604820,"cls v0.8h, v1.8h" },
    { 0x6ea04820,"clz v0.4s, v1.4s" },
    { 0x4e205820,"cnt v0.16b, v1.16b" },
    { 0x6e205820,"mvn v0.16b, v1.16b" },
    { 0x2e605820,"rbit v0.8b, v1.8b" },
    { 0x4e207820,"sqabs v0.16b, v1.16b" },
    { 0x6ea07820,"sqneg v0.4s, v1.4s" },
    { 0x4ee0b820,"abs v0.2d, v1.2d" },
    { 0x6e60b820,"neg v0.8h, v1.8h" },
    { 0x5ee0b820,"abs d0, d1" },
    { 0x7ee0b820,"neg d0, d1" },
    { 0x5ea07820,"sqabs s0, s1" },
    { 0x0e212820,"xtn v0.8b, v1.8h" },
    { 0x4ea12820,"xtn2 v0.4s, v1.2d" },
    { 0x0e614820,"sqxtn v0.4h, v1.4s" },
    { 0x6e214820,"uqxtn2 v0.16b, v1.8h" },
    { 0x2ea12820,"sqxtun v0.2s, v1.2d" },
    { 0x5e214820,"sqxtn b0, h1" },
    { 0x2e213820,"shll v0.8h, v1.8b, #8" },
    { 0x6ea13820,"shll2 v0.2d, v1.4s, #32" },
    { 0x4e203820,"suqadd v0.16b, v1.16b" },
    { 0x6ea03820,"usqadd v0.4s, v1.4s" },
    { 0x5ee03820,"suqadd d0, d1" },
    { 0x4e31b820,"addv b0, v1.16b" },
    { 0x0e71b820,"addv h0, v1.4h" },
    { 0x4eb1b820,"addv s0, v1.4s" },
    { 0x4e303820,"saddlv h0, v1.16b" },
    { 0x6eb03820,"uaddlv d0, v1.4s" },
    { 0x0e30a820,"smaxv b0, v1.8b" },
    { 0x6e70a820,"umaxv h0, v1.8h" },
    { 0x4eb1a820,"sminv s0, v1.4s" },
    { 0x6e31a820,"uminv b0, v1.16b" },
    { 0x4f0d0420,"sshr v0.16b, v1.16b, #3" },
    { 0x6f400420,"ushr v0.2d, v1.2d, #64" },
    { 0x4f211420,"ssra v0.4s, v1.4s, #31" },
    { 0x6f101420,"usra v0.8h, v1.8h, #16" },
    { 0x4f082420,"srshr v0.16b, v1.16b, #8" },
    { 0x6f7f2420,"urshr v0.2d, v1.2d, #1" },
    { 0x4f393420,"srsra v0.4s, v1.4s, #7" },
    { 0x6f1e3420,"ursra v0.8h, v1.8h, #2" },
    { 0x6f0d4420,"sri v0.16b, v1.16b, #3" },
    { 0x6f404420,"sri v0.2d, v1.2d, #64" },
    { 0x4f3f5420,"shl v0.4s, v1.4s, #31" },
    { 0x6f155420,"sli v0.8h, v1.8h, #5" },
    { 0x6f0b6420,"sqshlu v0.16b, v1.16b, #3" },
    { 0x4f2a7420,"sqshl v0.4s, v1.4s, #10" },
    { 0x6f7f7420,"uqshl v0.2d, v1.2d, #63" },
    { 0x7f7b0420,"ushr d0, d1, #5" },
    { 0x5f400420,"sshr d0, d1, #64" },
    { 0x5f415420,"shl d0, d1, #1" },
    { 0x5f0a7420,"sqshl b0, b1, #2" },
    { 0x4f728820,"mul v0.8h, v1.8h, v2.h[7]" },
    { 0x6fa20020,"mla v0.4s, v1.4s, v2.s[1]" },
    { 0x6f424020,"mls v0.8h, v1.8h, v2.h[0]" },
    { 0x4f82c820,"sqdmulh v0.4s, v1.4s, v2.s[2]" },
    { 0x5f72d020,"sqrdmulh h0, h1, v2.h[3]" },
    { 0x0f52a020,"smull v0.4s, v1.4h, v2.h[1]" },
    { 0x6fa22820,"umlal2 v0.2d, v1.4s, v2.s[3]" },
    { 0x4f62b020,"sqdmull2 v0.4s, v1.8h, v2.h[2]" },
    { 0x5f523820,"sqdmlal s0, h1, v2.h[5]" },
    { 0x4e023820,"zip1 v0.16b, v1.16b, v2.16b" },
    { 0x4e827820,"zip2 v0.4s, v1.4s, v2.4s" },
    { 0x4e421820,"uzp1 v0.8h, v1.8h, v2.8h" },
    { 0x0e025820,"uzp2 v0.8b, v1.8b, v2.8b" },
    { 0x4ec22820,"trn1 v0.2d, v1.2d, v2.2d" },
    { 0x0e426820,"trn2 v0.4h, v1.4h, v2.4h" },
    { 0x0e823820,"zip1 v0.2s, v1.2s, v2.2s" },
    { 0x4e020020,"tbl v0.16b, {v1.16b}, v2.16b" },
    { 0x0e032020,"tbl v0.8b, {v1.16b, v2.16b}, v3.8b" },
    { 0x4e005020,"tbx v0.16b, {v1.16b-v3.16b}, v0.16b" },
    { 0x0e021020,"tbx v0.8b, {v1.16b}, v2.8b" },
};
#define NINS (sizeof table / sizeof *table)

static uint64_t rs = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17;
    return rs;
}

static uint32_t gen_f32(void)
{
    uint32_t sign = (uint32_t)(rnd() & 1) << 31;
    switch (rnd() % 18) {
    case 0: return sign;
    case 1: return sign | 0x7f800000u;
    case 2: return sign | 0x7fc00000u | (uint32_t)(rnd() & 0x3fffff);           /* qNaN */
    case 3: return sign | 0x7f800000u | (uint32_t)(rnd() & 0x3fffff) | 1;       /* sNaN */
    case 4: return sign | (uint32_t)(rnd() & 0x7fffff);                         /* denormal */
    case 5: return sign | 0x00800000u | (uint32_t)(rnd() & 3);                 /* near min normal */
    case 6: return sign | 0x7f7fffffu;
    case 7: { float f = (float)((int)(rnd() % 200) - 100) / 4.0f; uint32_t r; memcpy(&r, &f, 4); return r; }
    case 8: return sign | (uint32_t)((127 + rnd() % 64 - 32) << 23) | (uint32_t)(rnd() & 0x7fffff);
    case 9: return sign | (uint32_t)((127 + 20 + rnd() % 50) << 23) | (uint32_t)(rnd() & 0x7fffff);  /* int bounds */
    case 10: return sign | (uint32_t)((rnd() % 30) << 23) | (uint32_t)(rnd() & 0x7fffff);          /* tiny */
    case 11: return sign | 0x3f800000u;
    case 12: return sign | (uint32_t)((127 + rnd() % 8) << 23) | (uint32_t)(rnd() & 0x600000);  /* ties */
    default: return (uint32_t)rnd();
    }
}
static uint64_t gen_f64(void)
{
    uint64_t sign = (rnd() & 1) << 63, m = rnd() & 0xfffffffffffffull;
    switch (rnd() % 18) {
    case 0: return sign;
    case 1: return sign | 0x7ff0000000000000ull;
    case 2: return sign | 0x7ff8000000000000ull | (m & 0x7ffffffffffffull);
    case 3: return sign | 0x7ff0000000000000ull | (m & 0x7ffffffffffffull) | 1;
    case 4: return sign | m;
    case 5: return sign | 0x0010000000000000ull | (m & 3);
    case 6: return sign | 0x7fefffffffffffffull;
    case 7: { double f = (double)((int)(rnd() % 200) - 100) / 4.0; uint64_t r; memcpy(&r, &f, 8); return r; }
    case 8: return sign | (uint64_t)(1023 + rnd() % 64 - 32) << 52 | m;
    case 9: return sign | (uint64_t)(1023 + 20 + rnd() % 50) << 52 | m;
    case 10: return sign | (uint64_t)(rnd() % 60) << 52 | m;
    case 11: return sign | 0x3ff0000000000000ull;
    case 12: return sign | (uint64_t)(1023 + rnd() % 8) << 52 | (m & 0xc000000000000ull);
    case 13: return sign | (uint64_t)(1023 - 126 + rnd() % 4 - 2) << 52 | m;   /* float-tiny range */
    case 14: return sign | (uint64_t)(1023 + 128 + rnd() % 3 - 1) << 52 | m;  /* float-overflow range */
    default: return rnd();
    }
}
static uint16_t gen_f16(void)
{
    uint16_t sign = (uint16_t)((rnd() & 1) << 15);
    switch (rnd() % 6) {
    case 0: return sign | 0x7c00;
    case 1: return sign | 0x7e00 | (uint16_t)(rnd() & 0x1ff);
    case 2: return sign | 0x7c00 | (uint16_t)(rnd() & 0x1ff) | 1;
    case 3: return sign | (uint16_t)(rnd() & 0x3ff);
    default: return (uint16_t)rnd();
    }
}
static uint64_t gen_int(void)
{
    switch (rnd() % 8) {
    case 0: return 0;
    case 1: return ~0ull;
    case 2: return 0x8000000000000000ull;
    case 3: return 0x7fffffffffffffffull;
    case 4: return rnd() & 0xff;
    case 5: return 0x8080808080808080ull ^ (rnd() & 0x0101010101010101ull);
    default: return rnd();
    }
}
static void gen_vreg(uint64_t out[2])
{
    switch (rnd() % 5) {
    case 0: for (int i = 0; i < 4; i++) { uint32_t v = gen_f32(); memcpy((char *)out + 4 * i, &v, 4); } break;
    case 1: out[0] = gen_f64(); out[1] = gen_f64(); break;
    case 2: for (int i = 0; i < 8; i++) { uint16_t v = gen_f16(); memcpy((char *)out + 2 * i, &v, 2); } break;
    case 3: out[0] = gen_int(); out[1] = gen_int(); break;
    default: out[0] = rnd(); out[1] = rnd(); break;
    }
}
static uint64_t gen_x(void)
{
    switch (rnd() % 6) {
    case 0: return gen_f64();
    case 1: return gen_f32();
    default: return gen_int();
    }
}

struct state { uint64_t v[4][2]; uint64_t x[4]; uint32_t nzcv, fpcr, fpsr; };

/* Unicorn is loaded with RTLD_DEEPBIND: libunicorn exports a `cpu_reset` that would otherwise be
 * interposed by faultline's own cpu_reset (both in one process), breaking Unicorn's reset. */
static uc_err (*p_open)(uc_arch, uc_mode, uc_engine **);
static uc_err (*p_close)(uc_engine *);
static uc_err (*p_ctl)(uc_engine *, uc_control_type, ...);
static uc_err (*p_mem_map)(uc_engine *, uint64_t, size_t, uint32_t);
static uc_err (*p_mem_write)(uc_engine *, uint64_t, const void *, size_t);
static uc_err (*p_reg_write)(uc_engine *, int, const void *);
static uc_err (*p_reg_read)(uc_engine *, int, void *);
static uc_err (*p_emu_start)(uc_engine *, uint64_t, uint64_t, uint64_t, size_t);
static const char *(*p_strerror)(uc_err);
static bool load_unicorn(void)
{
    void *h = dlopen("libunicorn.so.2", RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!h) h = dlopen("libunicorn.so", RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!h) return false;
    *(void **)&p_open = dlsym(h, "uc_open");
    *(void **)&p_close = dlsym(h, "uc_close");
    *(void **)&p_ctl = dlsym(h, "uc_ctl");
    *(void **)&p_mem_map = dlsym(h, "uc_mem_map");
    *(void **)&p_mem_write = dlsym(h, "uc_mem_write");
    *(void **)&p_reg_write = dlsym(h, "uc_reg_write");
    *(void **)&p_reg_read = dlsym(h, "uc_reg_read");
    *(void **)&p_emu_start = dlsym(h, "uc_emu_start");
    *(void **)&p_strerror = dlsym(h, "uc_strerror");
    return p_open && p_close && p_ctl && p_mem_map && p_mem_write && p_reg_write && p_reg_read && p_emu_start && p_strerror;
}
#define uc_open p_open
#define uc_close p_close
#define uc_mem_map p_mem_map
#define uc_mem_write p_mem_write
#define uc_reg_write p_reg_write
#define uc_reg_read p_reg_read
#define uc_emu_start p_emu_start
#define uc_strerror p_strerror
#undef uc_ctl_set_cpu_model
#define uc_ctl_set_cpu_model(uc, model) p_ctl(uc, UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1), (model))

static uc_engine *uc;
static struct bus *bus;
static uint8_t *ram;
static struct cpu_shared *sh;
static struct cpu *cpu;
static uint64_t uc_code = 0x100000, fl_off;

static int setup(void **st)
{
    (void)st;
    if (!load_unicorn()) { fprintf(stderr, "libunicorn not found\n"); return -1; }
    if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc) != UC_ERR_OK) return -1;
    uc_ctl_set_cpu_model(uc, UC_CPU_ARM64_A57);
    uc_mem_map(uc, 0x100000, 64u << 20, UC_PROT_ALL);
    uint64_t cpacr = 3u << 20;
    uc_reg_write(uc, UC_ARM64_REG_CPACR_EL1, &cpacr);
    bus = bus_new();
    ram = bus_map_ram(bus, "ram", mk_pa(RAM), RAM_SIZE, NULL);
    sh = cpu_shared_new(bus);
    struct cpu_config cfg = { .profile = CPU_PROFILE_CORTEX_A57 };
    cpu = cpu_new(sh, &cfg, NULL);
    cpu_reset(cpu, RAM);
    cpu->sr[SR_CPACR_EL1] = 3u << 20;
    return 0;
}
static int teardown(void **st)
{
    (void)st;
    uc_close(uc);
    cpu_free(cpu);
    cpu_shared_free(sh);
    bus_free(bus);
    return 0;
}

static bool run_uc(uint32_t insn, const struct state *in, struct state *out)
{
    if (uc_code + 4 >= 0x100000 + (64u << 20)) return false;
    uint64_t addr = uc_code;
    uc_code += 4;
    uc_mem_write(uc, addr, &insn, 4);
    static const int qr[4] = { UC_ARM64_REG_Q0, UC_ARM64_REG_Q1, UC_ARM64_REG_Q2, UC_ARM64_REG_Q3 };
    static const int xr[4] = { UC_ARM64_REG_X0, UC_ARM64_REG_X1, UC_ARM64_REG_X2, UC_ARM64_REG_X3 };
    for (int i = 0; i < 4; i++) {
        uint64_t q[2] = { in->v[i][0], in->v[i][1] };   /* Q registers are 16 bytes, low first */
        uc_reg_write(uc, qr[i], q);
        uc_reg_write(uc, xr[i], &in->x[i]);
    }
    uint64_t v = in->nzcv; uc_reg_write(uc, UC_ARM64_REG_NZCV, &v);
    v = in->fpcr; uc_reg_write(uc, UC_ARM64_REG_FPCR, &v);
    v = in->fpsr; uc_reg_write(uc, UC_ARM64_REG_FPSR, &v);
    uc_err err = uc_emu_start(uc, addr, addr + 4, 0, 1);
    if (err != UC_ERR_OK) { printf("unicorn: %s at %08x\n", uc_strerror(err), insn); return false; }
    for (int i = 0; i < 4; i++) {
        uint64_t q[2];
        uc_reg_read(uc, qr[i], q);
        out->v[i][0] = q[0]; out->v[i][1] = q[1];
        uc_reg_read(uc, xr[i], &out->x[i]);
    }
    uc_reg_read(uc, UC_ARM64_REG_NZCV, &v); out->nzcv = (uint32_t)v & 0xf0000000u;
    uc_reg_read(uc, UC_ARM64_REG_FPSR, &v); out->fpsr = (uint32_t)v;
    out->fpcr = in->fpcr;
    return true;
}

static void run_fl(uint32_t insn, const struct state *in, struct state *out)
{
    uint64_t off = fl_off;
    fl_off += 4;
    memcpy(ram + off, &insn, 4);
    for (int i = 0; i < 4; i++) {
        cpu->v[i].d[0] = in->v[i][0]; cpu->v[i].d[1] = in->v[i][1];
        cpu->x[i] = in->x[i];
    }
    cpu->nzcv = in->nzcv;
    cpu->sr[SR_FPCR] = in->fpcr;
    cpu->sr[SR_FPSR] = in->fpsr;
    cpu_set_pc(cpu, RAM + off);
    cpu_run(cpu, 1);
    for (int i = 0; i < 4; i++) {
        out->v[i][0] = cpu->v[i].d[0]; out->v[i][1] = cpu->v[i].d[1];
        out->x[i] = cpu->x[i];
    }
    out->nzcv = cpu->nzcv;
    out->fpsr = (uint32_t)cpu->sr[SR_FPSR];
    out->fpcr = in->fpcr;
}

static void dump(const char *tag, const struct state *s)
{
    printf("    %s: fpcr=%08x fpsr=%08x nzcv=%x\n", tag, s->fpcr, s->fpsr, s->nzcv >> 28);
    for (int i = 0; i < 4; i++)
        printf("      v%d=%016llx:%016llx x%d=%016llx\n", i, (unsigned long long)s->v[i][1],
               (unsigned long long)s->v[i][0], i, (unsigned long long)s->x[i]);
}

/* Instructions (by name prefix) on which Unicorn 2 is known to disagree with the Arm ARM. */
static const struct { const char *prefix; const char *why; } unicorn_wrong[] = {
    { NULL, NULL },
};

static bool known_wrong(const char *name, const char **why)
{
    for (unsigned i = 0; unicorn_wrong[i].prefix; i++)
        if (!strncmp(name, unicorn_wrong[i].prefix, strlen(unicorn_wrong[i].prefix))) { *why = unicorn_wrong[i].why; return true; }
    return false;
}

static void test_differential(void **st)
{
    (void)st;
    const char *e = getenv("FP_DIFF_TRIALS");
    unsigned trials = e ? (unsigned)atoi(e) : 300;
    if ((e = getenv("FP_DIFF_SEED"))) rs = strtoull(e, NULL, 0) | 1;
    unsigned bad_insns = 0, skipped = 0, total = 0;
    for (unsigned k = 0; k < NINS; k++) {
        unsigned bad = 0;
        if (fl_off + 4 * trials >= RAM_SIZE - 0x1000) break;
        for (unsigned t = 0; t < trials; t++) {
            struct state in, a, b;
            for (int i = 0; i < 4; i++) { gen_vreg(in.v[i]); in.x[i] = gen_x(); }
            in.nzcv = (uint32_t)(rnd() & 15) << 28;
            in.fpcr = (uint32_t)(rnd() & 3) << 22;
            if (rnd() & 1) in.fpcr |= FPCR_FZ;
            if (rnd() % 3 == 0) in.fpcr |= FPCR_DN;
            if (rnd() % 4 == 0) in.fpcr |= FPCR_AHP;
            in.fpsr = 0;
            if (!run_uc(table[k].enc, &in, &a)) { skipped++; break; }
            run_fl(table[k].enc, &in, &b);
            total++;
            if (memcmp(a.v, b.v, sizeof a.v) || memcmp(a.x, b.x, sizeof a.x) || a.nzcv != b.nzcv ||
                (a.fpsr & FPSR_MASK) != (b.fpsr & FPSR_MASK)) {
                if (bad++ < 2) {
                    printf("MISMATCH %s (%08x)\n", table[k].name, table[k].enc);
                    dump("in      ", &in);
                    dump("unicorn ", &a);
                    dump("faultline", &b);
                }
            }
        }
        if (bad) {
            const char *why;
            if (known_wrong(table[k].name, &why)) printf("NOTE: %s: %u/%u differ, Unicorn wrong: %s\n", table[k].name, bad, trials, why);
            else { printf("FAIL: %s: %u/%u differ\n", table[k].name, bad, trials); bad_insns++; }
        }
    }
    printf("fp differential: %u instructions, %u runs, %u failing, %u skipped\n", (unsigned)NINS, total, bad_insns, skipped);
    assert_int_equal(bad_insns, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_differential, setup, teardown),
    };
    return cmocka_run_group_tests_name("fp_unicorn", tests, NULL, NULL);
}
