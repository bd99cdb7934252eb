#include "cpu/block_info.h"

#include <gtest/gtest.h>

namespace chemu {
namespace {

// Encodings from llvm-mc. Catches: instruction classes decoded from the wrong bits, which would
// skew virtual time (and so every timer deadline) for real guests.
TEST(CostModel, ClassifiesInstructionGroups) {
  EXPECT_EQ(instruction_cycles(0xf9400020), cost::kLoad);       // ldr x0, [x1]
  EXPECT_EQ(instruction_cycles(0xa94007e0), cost::kLoad);       // ldp x0, x1, [sp]
  EXPECT_EQ(instruction_cycles(0xf9000020), cost::kStore);      // str x0, [x1]
  EXPECT_EQ(instruction_cycles(0xa9bf07e0), cost::kStore);      // stp x0, x1, [sp, #-16]!
  EXPECT_EQ(instruction_cycles(0x8b020020), cost::kAlu);        // add x0, x1, x2
  EXPECT_EQ(instruction_cycles(0x14000000), cost::kBranch);     // b .
  EXPECT_EQ(instruction_cycles(0xb4000000), cost::kBranch);     // cbz x0, .
  EXPECT_EQ(instruction_cycles(0xd65f03c0), cost::kBranch);     // ret
  EXPECT_EQ(instruction_cycles(0x9b027c20), cost::kMultiply);   // mul x0, x1, x2
  EXPECT_EQ(instruction_cycles(0x9ac20820), cost::kDivide);     // udiv x0, x1, x2
  EXPECT_EQ(instruction_cycles(0x1ac20c20), cost::kDivide);     // sdiv w0, w1, w2
  EXPECT_EQ(instruction_cycles(0x1e622820), cost::kFloat);      // fadd d0, d1, d2
  EXPECT_EQ(instruction_cycles(0xd4000001), cost::kExceptionInsn);  // svc #0
  EXPECT_EQ(instruction_cycles(0xd5033f9f), cost::kBarrier);    // dsb sy
  EXPECT_EQ(instruction_cycles(0xd5033fdf), cost::kBarrier);    // isb
  EXPECT_EQ(instruction_cycles(0xd53be020), cost::kSystem);     // mrs x0, cntpct_el0
  EXPECT_EQ(instruction_cycles(0xd503201f), cost::kAlu);        // nop
}

// Catches: a WFE/SEV/ERET/WFI that Unicorn runs as a NOP going unseen by the machine.
TEST(BlockInfo, FlagsInstructionsTheMachineMustSee) {
  const uint32_t spin[] = {0xf9400020, insn::WFE, 0x14000000};
  const BlockInfo a = analyse_block(spin);
  EXPECT_EQ(a.instructions, 3u);
  EXPECT_EQ(a.cycles, cost::kLoad + cost::kAlu + cost::kBranch);
  EXPECT_TRUE(a.wfe);
  EXPECT_FALSE(a.sev || a.sevl || a.eret || a.ends_in_wfi);
  const uint32_t release[] = {0xf9000020, insn::SEV, insn::ERET};
  const BlockInfo b = analyse_block(release);
  EXPECT_TRUE(b.sev && b.eret);
  EXPECT_FALSE(b.wfe || b.sevl);
  const uint32_t idle[] = {0x8b020020, insn::WFI};
  EXPECT_TRUE(analyse_block(idle).ends_in_wfi);
  const uint32_t not_last[] = {insn::WFI, 0x8b020020};
  EXPECT_FALSE(analyse_block(not_last).ends_in_wfi);
}

// Catches: a load-exclusive missed (the machine would never read the reservation a WFE waiter sleeps
// on) or LDAR/STLR taken for exclusives. Encodings from llvm-mc.
TEST(BlockInfo, TellsWhatExclusivesDoToTheMonitor) {
  for (uint32_t load : {0xc85f7c01u /* ldxr x1,[x0] */, 0x885ffc01u /* ldaxr w1,[x0] */, 0x485f7c01u /* ldxrh */,
                        0x085ffc01u /* ldaxrb */, 0xc87f0801u /* ldxp x1,x2,[x0] */, 0x887f8801u /* ldaxp w1,w2,[x0] */})
    EXPECT_EQ(exclusive_effect(load), ExclusiveEffect::Reserves) << std::hex << load;
  for (uint32_t release : {0xc8027c01u /* stxr w2,x1,[x0] */, 0x8802fc01u /* stlxr w2,w1,[x0] */,
                           0xc8230801u /* stxp w3,x1,x2,[x0] */, 0xd5033f5fu /* clrex */, 0xd503335fu /* clrex #3 */})
    EXPECT_EQ(exclusive_effect(release), ExclusiveEffect::Releases) << std::hex << release;
  for (uint32_t other : {0x88dffc01u /* ldar w1,[x0] */, 0x889ffc01u /* stlr w1,[x0] */, 0xf9400020u /* ldr */,
                         insn::WFE, insn::SEVL, 0xd5033fbfu /* dmb sy */})
    EXPECT_EQ(exclusive_effect(other), ExclusiveEffect::None) << std::hex << other;
  const uint32_t atomic_add[] = {0x885ffc01, 0x11000421 /* add w1,w1,#1 */, 0x8802fc01, 0x35ffffa2 /* cbnz w2 */};
  EXPECT_EQ(analyse_block(atomic_add).exclusive, ExclusiveEffect::Releases);
  const uint32_t wait[] = {insn::SEVL, insn::WFE, 0x885ffc01, 0x35000001 /* cbnz w1 */};
  EXPECT_EQ(analyse_block(wait).exclusive, ExclusiveEffect::Reserves);
}

// Catches: an FP/SIMD instruction missed (its lazy-switch trap would not fire) or an integer one
// taken for FP (a spurious trap).
// Encodings from llvm-mc. Catches: a kernel that unmasks IRQs for a few instructions (Linux's idle
// loop) never taking a raised interrupt, because chemu takes them only between slices.
TEST(BlockInfo, FlagsInstructionsThatMayUnmaskInterrupts) {
  EXPECT_TRUE(may_unmask_interrupts(0xd50342ff));   // msr daifclr, #2 (I)
  EXPECT_TRUE(may_unmask_interrupts(0xd50343ff));   // msr daifclr, #3 (I, F)
  EXPECT_TRUE(may_unmask_interrupts(0xd50341ff));   // msr daifclr, #1 (F)
  EXPECT_FALSE(may_unmask_interrupts(0xd50348ff));  // msr daifclr, #8 (D only)
  EXPECT_FALSE(may_unmask_interrupts(0xd50342df));  // msr daifset, #2
  EXPECT_TRUE(may_unmask_interrupts(0xd51b4223));   // msr daif, x3
  EXPECT_FALSE(may_unmask_interrupts(0xd53b4223));  // mrs x3, daif
  const uint32_t block[] = {0xd503201f, 0xd50342ff};
  EXPECT_TRUE(analyse_block(block).unmasks);
  EXPECT_EQ(analyse_block(block).flags() & block_flag::kUnmask, block_flag::kUnmask);
}

TEST(BlockInfo, FindsTheFirstFpInstruction) {
  for (uint32_t fp : {0x1e222820u /* fadd s0,s1,s2 */, 0x4ea28420u /* add v0.4s */, 0x3dc00020u /* ldr q0,[x1] */,
                      0x6dbf27e8u /* stp d8,d9,[sp,#-16]! */, 0x4c407000u /* ld1 {v0.16b},[x0] */,
                      0xd51b4400u /* msr fpcr,x0 */, 0xd53b4423u /* mrs x3,fpsr */, 0x9e670020u /* fmov d0,x1 */})
    EXPECT_TRUE(is_fp_instruction(fp)) << std::hex << fp;
  for (uint32_t integer : {0xf9400020u /* ldr x0,[x1] */, 0xc85f7c20u /* ldxr */, 0x8b020020u /* add */,
                           0xd53be020u /* mrs x0,cntpct_el0 */, 0xd5181040u /* msr cpacr_el1,x0 */, insn::WFI})
    EXPECT_FALSE(is_fp_instruction(integer)) << std::hex << integer;
  const uint32_t block[] = {0x8b020020, 0xf9400020, 0x1e222820, 0x4ea28420};
  EXPECT_EQ(analyse_block(block).first_fp, 2);
  const uint32_t none[] = {0x8b020020, 0xf9400020};
  EXPECT_EQ(analyse_block(none).first_fp, -1);
}

// Encodings from llvm-mc. Catches: an instruction with an effect beyond the core's general
// registers (a store, an exclusive, a system register, an exception, an event, FP/SIMD state) taken
// for one that only reads memory into registers: the spin skip would then skip a loop that is not
// at a fixed point.
// Catches: the MRS Unicorn answers at QEMU 5.0's wrong MDCCSR_EL0 encoding (S2_0_C0_C1_0) not found,
// so it runs where the A53 (and QEMU 7.2) raise UNDEFINED; or the real registers around it taken for it.
TEST(BlockInfo, FindsTheFirstInstructionChemuMakesUndefined) {
  constexpr uint32_t NOP = 0xd503201f;
  constexpr uint32_t MRS_X5_S2_0_C0_C1_0 = 0xd5300105, MRS_X5_MDCCSR_EL0 = 0xd5330105, MRS_X5_MDSCR_EL1 = 0xd5300245;
  EXPECT_TRUE(is_chemu_undefined(MRS_X5_S2_0_C0_C1_0));
  EXPECT_TRUE(is_chemu_undefined(0xd530011f));             // mrs xzr, s2_0_c0_c1_0
  EXPECT_FALSE(is_chemu_undefined(MRS_X5_MDCCSR_EL0));      // op1 = 3: the real one
  EXPECT_FALSE(is_chemu_undefined(MRS_X5_MDSCR_EL1));
  EXPECT_FALSE(is_chemu_undefined(0xd5100105));             // msr s2_0_c0_c1_0, x5: the engine refuses it
  const uint32_t block[] = {NOP, MRS_X5_S2_0_C0_C1_0, NOP, MRS_X5_S2_0_C0_C1_0};
  const BlockInfo b = analyse_block(block);
  EXPECT_EQ(b.first_undef, 1);
  EXPECT_TRUE(b.flags() & block_flag::kUndef);
  const uint32_t clean[] = {NOP, MRS_X5_MDSCR_EL1, MRS_X5_MDCCSR_EL0};
  EXPECT_EQ(analyse_block(clean).first_undef, -1);
  EXPECT_FALSE(analyse_block(clean).flags() & block_flag::kUndef);
}

TEST(OnlyReadsIntoRegisters, LoadsComputationAndBranchesOnly) {
  const uint32_t reads_only[] = {
      0xf9400020, 0xa94007e0, 0x88dffe81, 0x58000000,  // ldr x0,[x1]; ldp; ldar w1,[x20]; ldr x0, (literal)
      0xb9800420, 0xb85ff020, 0xf8627820, 0x38401420,  // ldrsw; ldur; ldr x0,[x1,x2,lsl #3]; ldrb w0,[x1],#1
      0x8b020020, 0xd28000a0, 0x9ac20820,              // add; mov x0,#5; udiv
      0x14000000, 0x94000000, 0xb4000000, 0x37200002, 0x54000001,  // b; bl; cbz; tbnz; b.ne
      0xd61f0060, 0xd63f0060, 0xd65f03c0,              // br x3; blr x3; ret
      0xd503201f, 0xd503203f, 0xd5033bbf, 0xd5033f9f, 0xd5033fdf,  // nop; yield; dmb ish; dsb sy; isb
  };
  for (uint32_t w : reads_only) EXPECT_TRUE(only_reads_into_registers(w)) << std::hex << w;
  const uint32_t more[] = {
      0xf9000020, 0xa9bf07e0, 0x889ffe81,              // str; stp (pre-index); stlr
      0xc85f7c20, 0x885ffc20, 0xc8027c20, 0xf8200041,  // ldxr; ldaxr; stxr; ldadd (LSE)
      0x3dc00020, 0x4c407020, 0x1e622820,              // ldr q0; ld1 {v0.16b}; fadd d0
      0xf9800020,                                      // prfm (not needed in a spin: left out)
      0xd53be020, 0xd50342ff, 0xd53b4200,              // mrs cntpct_el0; msr daifclr; mrs nzcv
      0xd4000001, 0xd45e0000, 0xd4200000,              // svc; hlt #0xf000; brk
      insn::WFE, insn::WFI, insn::SEV, insn::SEVL, insn::ERET,
      0xd50b7420, 0xd5033f5f, 0x00000000,              // dc zva; clrex; udf
  };
  for (uint32_t w : more) EXPECT_FALSE(only_reads_into_registers(w)) << std::hex << w;
}

// Catches: pct-comm missing a lock's store (its change points then never land where cores talk), or
// counting every load or plain store (then they land anywhere, as plain pct's do).
TEST(CommunicatingStore, ExclusiveAndReleaseStoresOnly) {
  const uint32_t talk[] = {
      0xc8027c20, 0x88027c20, 0xc802fc20, 0xc8220c20,  // stxr w2,x0,[x1]; stxr w2,w0; stlxr; stxp
      0x889ffe81, 0xc89ffc20, 0x089ffc20, 0x889f7c20,  // stlr w1,[x20]; stlr x0; stlrb; stllr
  };
  for (uint32_t w : talk) EXPECT_TRUE(is_communicating_store(w)) << std::hex << w;
  const uint32_t quiet[] = {
      0xc85f7c20, 0x885ffc20, 0x88dffe81, 0xc87f0c20,  // ldxr; ldaxr; ldar; ldxp
      0xf9000020, 0xa9bf07e0, 0xf9400020, 0x8b020020,  // str; stp; ldr; add
      0xf8200041, insn::SEV, insn::WFE, 0xd5033bbf,    // ldadd (LSE); sev and wfe (the block flag's); dmb ish
  };
  for (uint32_t w : quiet) EXPECT_FALSE(is_communicating_store(w)) << std::hex << w;
  EXPECT_TRUE(analyse_block(std::vector<uint32_t>{0xd503201f, insn::SEV}).communicates);
  EXPECT_TRUE(analyse_block(std::vector<uint32_t>{0xc85f7c20, 0xc8027c20, 0x35ffffc2}).communicates);  // a lock's loop
  EXPECT_FALSE(analyse_block(std::vector<uint32_t>{0xf9000020, 0xf9400020, 0xd65f03c0}).communicates);
}

// Catches: a block flagged as effect-free because only its first or last instruction was looked at.
TEST(BlockInfo, OneStoreMakesABlockMoreThanReads) {
  const uint32_t spin[] = {0x88dffe81, 0x34ffffe1};  // ldar w1, [x20]; cbz w1, .-4
  EXPECT_EQ(analyse_block(spin).flags(), 0u);
  const uint32_t counts[] = {0xb94002a1, 0x11000421, 0xb90002a1, 0x52800001, 0x34ffff62};  // ldr; add; str; mov; cbz
  EXPECT_EQ(analyse_block(counts).flags(), block_flag::kMoreThanReads);
}

}  // namespace
}  // namespace chemu
