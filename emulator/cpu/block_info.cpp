#include "cpu/block_info.h"

namespace chemu {

// Decoding by the A64 top-level encoding groups (ARM ARM C4.1). The table is documented in
// docs/timing.md; it approximates an in-order, dual-issue Cortex-A53 with warm caches.
uint32_t instruction_cycles(uint32_t w) {
  if ((w >> 24) == 0xd4) return cost::kExceptionInsn;            // SVC, HVC, SMC, BRK, HLT
  if ((w & 0xfffff01f) == 0xd503301f) return cost::kBarrier;     // DSB, DMB, ISB (CRm = option)
  if ((w & 0xfffff01f) == 0xd503201f) return cost::kAlu;         // hints: NOP, YIELD, WFE, SEV...
  if ((w >> 22) == 0x354) return cost::kSystem;                  // MSR, MRS, SYS
  if (((w >> 25) & 0x5) == 0x4) {                                // loads and stores
    const bool load = (w >> 22) & 1;
    return load ? cost::kLoad : cost::kStore;
  }
  if (((w >> 26) & 0x7) == 0x5) return cost::kBranch;            // branches
  if (((w >> 24) & 0x1f) == 0x1b) return cost::kMultiply;        // data-processing (3 source): MADD, UMULH...
  if ((w & 0x7fe0f800) == 0x1ac00800) return cost::kDivide;      // UDIV, SDIV
  if (((w >> 25) & 0x7) == 0x7) return cost::kFloat;             // FP and Advanced SIMD
  return cost::kAlu;
}

bool is_fp_instruction(uint32_t w) {
  if (((w >> 25) & 0x7) == 0x7) return true;                          // data processing, SIMD and FP
  if (((w >> 25) & 0x5) == 0x4 && ((w >> 26) & 1)) return true;       // loads and stores with V = 1
  return (w & 0xffdfffc0) == 0xd51b4400;                               // MSR/MRS FPCR, FPSR
}

BlockInfo analyse_block(std::span<const uint32_t> words) {
  BlockInfo b;
  b.instructions = uint32_t(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    const uint32_t w = words[i];
    if (b.first_fp < 0 && is_fp_instruction(w)) b.first_fp = int16_t(i);
    b.cycles += instruction_cycles(w);
    b.wfe |= w == insn::WFE;
    b.sev |= w == insn::SEV;
    b.sevl |= w == insn::SEVL;
    b.eret |= w == insn::ERET;
  }
  b.ends_in_wfi = !words.empty() && words.back() == insn::WFI;
  return b;
}

}  // namespace chemu
