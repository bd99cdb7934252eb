// What chemu needs to know about a translated block before it runs: its size, its cost in cycles and
// whether it contains an instruction Unicorn executes as a NOP but chemu must see (WFE, SEV, SEVL)
// or one that changes exception level (ERET), and where its first FP/SIMD instruction is. Computed once per block and cached by the core.
#pragma once
#include <cstdint>
#include <span>

namespace chemu {

namespace insn {
constexpr uint32_t WFE = 0xd503205f, WFI = 0xd503207f, SEV = 0xd503209f, SEVL = 0xd50320bf;
constexpr uint32_t ERET = 0xd69f03e0, HLT_SEMIHOST = 0xd45e0000;  // HLT #0xF000
}  // namespace insn

// What a block's last exclusive instruction leaves this core's exclusive monitor holding: a
// reservation (a load-exclusive: LDXR, LDAXR, LDXP, LDAXP) or none (a store-exclusive or CLREX). The
// machine wakes a core waiting in WFE when another core clears its reservation (docs/timing.md).
enum class ExclusiveEffect : uint8_t { None, Reserves, Releases };

// The same facts as bits, for the core's block cache (BlockInfo::flags()).
namespace block_flag {
constexpr uint8_t kWfe = 1, kSev = 2, kSevl = 4, kEret = 8, kEndsInWfi = 16;
constexpr uint8_t kMoreThanReads = 32;  // some instruction may do more than read memory into registers
constexpr uint8_t kFp = 64;             // holds an FP/SIMD instruction (BlockInfo::first_fp says where)
constexpr uint8_t kUndef = 128;         // holds an instruction chemu makes UNDEFINED (BlockInfo::first_undef)
constexpr uint16_t kUnmask = 256;       // may unmask IRQ or FIQ (BlockInfo::unmasks)
constexpr uint16_t kCommunicates = 512;   // BlockInfo::communicates (pct-comm's events)
constexpr uint16_t kReserves = 1024;      // its last exclusive is a load-exclusive (BlockInfo::exclusive)
constexpr uint16_t kReleases = 2048;      // its last exclusive is a store-exclusive or CLREX
}  // namespace block_flag

struct BlockInfo {
  uint32_t instructions = 0;
  uint32_t cycles = 0;
  bool wfe = false;  // parks the core after the block unless the event register is set
  bool sev = false;   // SEV: signals an event to every core
  bool sevl = false;  // SEVL: sets this core's event register
  bool eret = false;
  bool ends_in_wfi = false;  // the engine returns after the WFI: the core then waits
  bool only_reads = true;    // every instruction satisfies only_reads_into_registers()
  bool unmasks = false;      // MSR DAIFClr clearing I or F, or MSR DAIF, Xt: a pending interrupt may be takeable after it
  int16_t first_fp = -1;     // index of the first FP/SIMD instruction (traps while CPACR/CPTR say so)
  int16_t first_undef = -1;  // index of the first instruction chemu makes UNDEFINED (is_chemu_undefined)
  ExclusiveEffect exclusive = ExclusiveEffect::None;  // of the block's last exclusive instruction
  bool communicates = false;  // a store other cores synchronise on (is_communicating_store) or SEV: pct-comm's events

  uint16_t flags() const {
    using namespace block_flag;
    const uint16_t monitor = exclusive == ExclusiveEffect::Reserves   ? kReserves
                             : exclusive == ExclusiveEffect::Releases ? kReleases
                                                                      : 0;
    return uint16_t(monitor | (communicates ? kCommunicates : 0) | (unmasks ? kUnmask : 0) | (wfe ? kWfe : 0) | (sev ? kSev : 0) | (sevl ? kSevl : 0) | (eret ? kEret : 0) |
                   (ends_in_wfi ? kEndsInWfi : 0) | (only_reads ? 0 : kMoreThanReads) | (first_fp >= 0 ? kFp : 0) |
                   (first_undef >= 0 ? kUndef : 0));
  }
};

// FP/SIMD data processing, SIMD&FP loads and stores, and MRS/MSR of FPCR/FPSR: what CPACR_EL1.FPEN
// and CPTR_ELx.TFP trap (Unicorn runs them regardless).
bool is_fp_instruction(uint32_t word);
// A store cores synchronise through: store-exclusive (STXR, STLXR, STXP, STLXP: taking a lock, an
// atomic update) or store-release (STLR, STLLR: releasing one, publishing data). pct-comm counts them.
bool is_communicating_store(uint32_t word);
// Instructions Unicorn (QEMU 5.0) runs that the Cortex-A53, as QEMU 7.2 models it, does not have: chemu
// raises UNDEFINED at them itself. MRS of S2_0_C0_C1_0, where QEMU 5.0 put MDCCSR_EL0 (it is op1 = 3).
bool is_chemu_undefined(uint32_t word);
// Load-exclusive (LDXR, LDAXR, LDXRB/H, LDXP, LDAXP and the acquire forms), store-exclusive (STXR,
// STLXR, STXP, STLXP and byte/halfword forms), CLREX: what they do to the exclusive monitor.
ExclusiveEffect exclusive_effect(uint32_t word);
// MSR DAIFClr, #imm with I or F in imm, or MSR DAIF, Xt: an instruction after which a pending IRQ or
// FIQ may be taken (chemu takes interrupts between slices, so such a block ends the slice then).
bool may_unmask_interrupts(uint32_t word);

// Cycle costs for an in-order Cortex-A53 at 1.2 GHz with warm caches (docs/timing.md explains them).
namespace cost {
constexpr uint32_t kAlu = 1, kBranch = 2, kLoad = 3, kStore = 1, kMultiply = 3, kDivide = 12, kFloat = 2;
constexpr uint32_t kSystem = 4, kBarrier = 8, kExceptionInsn = 4;
constexpr uint32_t kExceptionEntry = 40;  // taking an exception or interrupt (pipeline flush, vector fetch)
}  // namespace cost

// Cycle cost of one instruction (see docs/timing.md).
uint32_t instruction_cycles(uint32_t word);
// True if the instruction can only read memory (plain loads: no exclusive, no SIMD/FP register) and
// write general registers and flags: integer data processing, branches (not ERET), NOP, YIELD, DMB,
// DSB, ISB. Everything else (stores, exclusives, system registers, exception-generating, WFE/WFI/SEV,
// FP/SIMD, unallocated) is false. A loop of such instructions depends only on registers and memory.
bool only_reads_into_registers(uint32_t word);
BlockInfo analyse_block(std::span<const uint32_t> words);

}  // namespace chemu
