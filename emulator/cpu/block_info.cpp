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

bool is_chemu_undefined(uint32_t w) { return (w & 0xffffffe0) == 0xd5300100; }

// Load/store exclusive group: bits 29:24 = 001000 with o2 (bit 23) clear; L (bit 22) tells load from
// store. o2 set is LDAR/STLR and friends (no monitor). CLREX is a system instruction with any CRm.
ExclusiveEffect exclusive_effect(uint32_t w) {
  if ((w & 0x3f800000) == 0x08000000) return (w & (1u << 22)) ? ExclusiveEffect::Reserves : ExclusiveEffect::Releases;
  if ((w & 0xfffff0ff) == 0xd503305f) return ExclusiveEffect::Releases;  // CLREX
  return ExclusiveEffect::None;
}

bool is_fp_instruction(uint32_t w) {
  if (((w >> 25) & 0x7) == 0x7) return true;                          // data processing, SIMD and FP
  if (((w >> 25) & 0x5) == 0x4 && ((w >> 26) & 1)) return true;       // loads and stores with V = 1
  return (w & 0xffdfffc0) == 0xd51b4400;                               // MSR/MRS FPCR, FPSR
}

namespace {

// Branches, exception generation and system instructions (op0 = 101x).
bool is_plain_branch_or_hint(uint32_t w) {
  if ((w & 0x7c000000) == 0x14000000) return true;         // B, BL
  if ((w & 0x7c000000) == 0x34000000) return true;         // CBZ, CBNZ, TBZ, TBNZ
  if ((w & 0xff000010) == 0x54000000) return true;         // B.cond
  const uint32_t br = w & 0xfffffc1f;
  if (br == 0xd61f0000 || br == 0xd63f0000 || br == 0xd65f0000) return true;  // BR, BLR, RET
  if (w == 0xd503201f || w == 0xd503203f) return true;     // NOP, YIELD
  const uint32_t barrier = w & 0xfffff0ff;
  return barrier == 0xd503309f || barrier == 0xd50330bf || barrier == 0xd50330df;  // DSB, DMB, ISB
}

// A general-register load: the opc field of LDR/LDUR/LDTR and friends (size = bits 31:30).
bool is_register_load_opc(uint32_t w) {
  const uint32_t size = w >> 30, opc = (w >> 22) & 3;
  if (opc == 1) return true;                  // LDR, LDRB, LDRH (zero-extending)
  if (opc == 0) return false;                 // a store
  return size < 2 || (size == 2 && opc == 2);  // LDRSB, LDRSH, LDRSW (not PRFM, not unallocated)
}

// Loads and stores (op0 = x1x0), general registers only.
bool is_plain_load(uint32_t w) {
  if (w & (1u << 26)) return false;  // SIMD and FP registers
  switch ((w >> 27) & 7) {           // bits 29:27
    case 1:                          // exclusives, LDAR, STLR: only LDAR (o2 = 1, L = 1, o1 = 0, o0 = 1)
      return ((w >> 24) & 3) == 0 && ((w >> 21) & 7) == 6 && (w & (1u << 15));
    case 3:                          // LDR (literal), LDRSW (literal), PRFM (literal)
      return ((w >> 24) & 3) == 0;
    case 5:                          // pairs: L (bit 22) set, opc not 11
      return (w & (1u << 22)) && (w >> 30) != 3;
    case 7:                          // single register: immediate, unscaled, pre/post-index, register offset
      if (w & (1u << 24)) return is_register_load_opc(w);                       // unsigned offset
      if (!(w & (1u << 21))) return is_register_load_opc(w);                    // unscaled, indexed, LDTR
      return ((w >> 10) & 3) == 2 && is_register_load_opc(w);                   // register offset (not atomics)
    default:
      return false;
  }
}

}  // namespace

// Decoding by the A64 top-level encoding groups (op0 = bits 28:25, ARM ARM C4.1).
bool only_reads_into_registers(uint32_t w) {
  const uint32_t op0 = (w >> 25) & 0xf;
  if ((op0 & 0xe) == 0x8) return true;                        // 100x: data processing, immediate
  if ((op0 & 0x7) == 0x5) return true;                        // x101: data processing, register
  if ((op0 & 0xe) == 0xa) return is_plain_branch_or_hint(w);  // 101x
  if ((op0 & 0x5) == 0x4) return is_plain_load(w);            // x1x0
  return false;                                               // SIMD and FP, unallocated
}

// The load/store exclusive group (bits 29:24 = 001000) with L (bit 22) clear: the exclusive and
// ordered stores. Register pairs and every size alike.
bool is_communicating_store(uint32_t w) { return (w & 0x3f400000) == 0x08000000; }
bool may_unmask_interrupts(uint32_t word) {
  constexpr uint32_t kMsrDaifClr = 0xd50340ff, kMsrDaif = 0xd51b4220;  // CRm (the #imm) in bits 11:8; Rt in 4:0
  constexpr uint32_t kIrqOrFiq = 0x3 << 8;
  if ((word & ~uint32_t(0xf00)) == kMsrDaifClr) return (word & kIrqOrFiq) != 0;
  return (word & ~uint32_t(0x1f)) == kMsrDaif;
}

BlockInfo analyse_block(std::span<const uint32_t> words) {
  BlockInfo b;
  b.instructions = uint32_t(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    const uint32_t w = words[i];
    if (b.first_fp < 0 && is_fp_instruction(w)) b.first_fp = int16_t(i);
    if (b.first_undef < 0 && is_chemu_undefined(w)) b.first_undef = int16_t(i);
    b.cycles += instruction_cycles(w);
    b.wfe |= w == insn::WFE;
    b.sev |= w == insn::SEV;
    b.sevl |= w == insn::SEVL;
    b.eret |= w == insn::ERET;
    b.only_reads &= only_reads_into_registers(w);
    if (const ExclusiveEffect e = exclusive_effect(w); e != ExclusiveEffect::None) b.exclusive = e;
    b.communicates |= w == insn::SEV || is_communicating_store(w);
    b.unmasks |= may_unmask_interrupts(w);
  }
  b.ends_in_wfi = !words.empty() && words.back() == insn::WFI;
  return b;
}

}  // namespace chemu
