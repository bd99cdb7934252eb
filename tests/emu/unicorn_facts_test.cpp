// What chemu relies on in Unicorn 2.1.x, one test per fact (docs/unicorn.md lists them). Each test
// runs a few hand-encoded instructions on bare engines, so a Unicorn that behaves otherwise fails
// here with the fact's name, not somewhere deep inside a guest run.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "cpu/exception.h"
#include "cpu/sysreg.h"
#include "cpu/unicorn_compat.h"

namespace chemu {
namespace {

constexpr uint64_t kRam = 2 << 20;
constexpr uint64_t kUntil = 0xfffffffffffff000ull;
// Instruction words (assembly beside each).
constexpr uint32_t MOV_X0_1 = 0xd2800020, MOV_X0_2 = 0xd2800040;  // mov x0, #1 / #2
constexpr uint32_t MRS_X0_SCTLR = 0xd5381000;                     // mrs x0, sctlr_el1
constexpr uint32_t MRS_X0_CURRENTEL = 0xd5384240;                 // mrs x0, currentel
constexpr uint32_t LDR_X5_X4 = 0xf9400085;                        // ldr x5, [x4]
constexpr uint32_t LDXR_X1_X0 = 0xc85f7c01, STXR_W2_X1_X0 = 0xc8027c01;
constexpr uint32_t FMOV_D0_X1 = 0x9e670020;                       // fmov d0, x1
constexpr uint32_t MRS_X0_CNTPCT = 0xd53be020, MSR_TPIDR_X1 = 0xd518d081;
constexpr uint32_t WFI = 0xd503207f, WFE = 0xd503205f, SEV = 0xd503209f, SVC_0 = 0xd4000001;
constexpr uint32_t ERET = 0xd69f03e0, NOP = 0xd503201f;
constexpr uint32_t MSR_HCR_X6 = 0xd51c1106, MSR_SPSR_EL3_X3 = 0xd51e4003, MSR_ELR_EL3_X4 = 0xd51e4024;

// One engine with an exception hook that stops at the first exception.
struct Engine {
  uc_engine* uc = ucx::open_cortex_a53();
  uint32_t intno = 0;
  Engine(std::vector<uint8_t>& ram) {
    ucx::check(uc_mem_map_ptr(uc, 0, kRam, UC_PROT_ALL, ram.data()), "map");
    uc_hook h;
    ucx::check(uc_hook_add(uc, &h, UC_HOOK_INTR, reinterpret_cast<void*>(&Engine::on_intr), this, 1, 0), "hook");
  }
  ~Engine() { uc_close(uc); }
  static void on_intr(uc_engine* uc, uint32_t n, void* self) {
    static_cast<Engine*>(self)->intno = n;
    uc_emu_stop(uc);
  }
  uc_err run(uint64_t from, size_t count = 0) {
    intno = 0;
    return uc_emu_start(uc, from, kUntil, 0, count);
  }
  uint64_t x(int n) const { return ucx::read_reg(uc, UC_ARM64_REG_X0 + n); }
  uint64_t pc() const { return ucx::read_reg(uc, UC_ARM64_REG_PC); }
};

struct UnicornFacts : ::testing::Test {
  std::vector<uint8_t> ram = std::vector<uint8_t>(kRam);
  void put(uint64_t pa, std::initializer_list<uint32_t> words) {
    for (uint32_t w : words) std::memcpy(&ram[pa], &w, 4), pa += 4;
  }
  void put64(uint64_t pa, uint64_t v) { std::memcpy(&ram[pa], &v, 8); }
  uint64_t get64(uint64_t pa) const {
    uint64_t v;
    std::memcpy(&v, &ram[pa], 8);
    return v;
  }
  // MMU on at EL1, 39-bit VAs, 4 KiB granule: TTBR0's and TTBR1's tables each map one 1 GiB block at
  // PA 0, so VA x and VA 0xffffff80'00000000 + x are both PA x. Host-written, as a guest's would be.
  static constexpr uint64_t kTtbr0Table = 0x10000, kTtbr1Table = 0x11000, kHigh = 0xffffff8000000000ull;
  static constexpr uint64_t kBlockAtZero = 0x1 | (1u << 10);  // block, AF; AP=0 (EL1 RW), executable
  void mmu_on(uc_engine* uc) {
    put64(kTtbr0Table, kBlockAtZero);
    put64(kTtbr1Table, kBlockAtZero);
    const uint64_t tcr = 25 | (25ull << 16) | (2ull << 30);     // T0SZ = T1SZ = 25, TG0 = TG1 = 4 KiB
    ucx::write_sysreg(uc, {3, 0, 10, 2, 0}, 0xff);              // MAIR_EL1: attr 0 normal WB
    ucx::write_sysreg(uc, sysreg::TCR_EL1, tcr);
    ucx::write_sysreg(uc, sysreg::TTBR0_EL1, kTtbr0Table);
    ucx::write_sysreg(uc, sysreg::TTBR1_EL1, kTtbr1Table);
    ucx::write_sysreg(uc, sysreg::SCTLR_EL1, ucx::read_sysreg(uc, sysreg::SCTLR_EL1) | 1);
  }
};

// Catches: an engine that starts elsewhere than EL1h with DAIF masked (Core::start_at assumes it).
TEST_F(UnicornFacts, FreshEngineStartsAtEl1hMasked) {
  Engine e(ram);
  const uint32_t ps = ucx::read_pstate(e.uc);
  EXPECT_EQ(pstate::el(ps), 1);
  EXPECT_EQ(ps & pstate::kDaif, pstate::kDaif);
}

// Catches: dropping the AArch64-regime fix in open_cortex_a53. Unicorn resets SCR_EL3 and HCR_EL2 to
// 0, which makes EL1 AArch32 (and an ERET to AArch64 EL1 illegal).
TEST_F(UnicornFacts, OpenCortexA53MakesEl1AArch64) {
  uc_engine* raw = nullptr;
  ASSERT_EQ(uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &raw), UC_ERR_OK);
  ASSERT_EQ(uc_ctl_set_cpu_model(raw, UC_CPU_ARM64_A53), UC_ERR_OK);
  EXPECT_EQ(ucx::read_sysreg(raw, sysreg::SCR_EL3) & (1u << 10), 0u);
  EXPECT_EQ(ucx::read_sysreg(raw, sysreg::HCR_EL2) & (1ull << 31), 0u);
  uc_close(raw);
  Engine e(ram);
  EXPECT_NE(ucx::read_sysreg(e.uc, sysreg::SCR_EL3) & (1u << 10), 0u);
  EXPECT_NE(ucx::read_sysreg(e.uc, sysreg::HCR_EL2) & (1ull << 31), 0u);
}

// Catches: the EL-switch mechanism of ucx::enter_el1. A host PSTATE write alone leaves the cached EL
// state stale (EL0 still runs an EL1-only MRS); a system-register write through CP_REG rebuilds it.
TEST_F(UnicornFacts, HostPstateWriteTakesEffectAfterASysregWrite) {
  Engine e(ram);
  put(0x1000, {MRS_X0_SCTLR, SVC_0});
  uint32_t el0 = 0;
  ASSERT_EQ(uc_reg_write(e.uc, UC_ARM64_REG_PSTATE, &el0), UC_ERR_OK);
  e.run(0x1000);
  EXPECT_EQ(e.intno, 2u) << "stale EL1 state: the MRS ran";
  ASSERT_EQ(uc_reg_write(e.uc, UC_ARM64_REG_PSTATE, &el0), UC_ERR_OK);
  ucx::write_sysreg(e.uc, sysreg::VBAR_EL1, 0);  // any CP_REG write
  e.run(0x1000);
  EXPECT_EQ(e.intno, 1u) << "EL0 must not read SCTLR_EL1";
  EXPECT_EQ(e.pc(), 0x1000u);  // UNDEF: PC at the instruction
}

// Catches: losing what Issue 10's boot modes rest on: from a host-set EL3, the engine runs the
// guest's own ERET down to EL1 (here EL1t) once the guest made EL1 AArch64 in HCR_EL2.
TEST_F(UnicornFacts, GuestEretFromEl3ReachesEl1) {
  Engine e(ram);
  put(0x1000, {MSR_HCR_X6, MSR_SPSR_EL3_X3, MSR_ELR_EL3_X4, ERET});
  put(0x1100, {MRS_X0_CURRENTEL, SVC_0});
  uint32_t el3h = (3u << pstate::kElShift) | pstate::kSpSel | pstate::kDaif;
  ASSERT_EQ(uc_reg_write(e.uc, UC_ARM64_REG_PSTATE, &el3h), UC_ERR_OK);
  ucx::write_sysreg(e.uc, sysreg::VBAR_EL1, 0);
  ucx::write_reg(e.uc, UC_ARM64_REG_X6, 1ull << 31);  // HCR_EL2.RW
  ucx::write_reg(e.uc, UC_ARM64_REG_X3, 4);           // SPSR: EL1t
  ucx::write_reg(e.uc, UC_ARM64_REG_X4, 0x1100);
  e.run(0x1000);
  EXPECT_EQ(e.intno, 2u);
  EXPECT_EQ(e.x(0), 4u) << "CurrentEL after the ERET";
}

// Catches: a return of 2.0.1's virtual-address region check (which needed RAM aliased at the
// kernel's VA base): with the MMU on, code and data at a high VA reach RAM through the tables alone.
TEST_F(UnicornFacts, HighVirtualAddressesNeedNoRegion) {
  Engine e(ram);
  mmu_on(e.uc);
  put(0x2000, {LDR_X5_X4, SVC_0});
  put64(0x3000, 0x1122334455667788);
  ucx::write_reg(e.uc, UC_ARM64_REG_X4, kHigh + 0x3000);
  EXPECT_EQ(e.run(kHigh + 0x2000), UC_ERR_OK);
  EXPECT_EQ(e.intno, 2u);
  EXPECT_EQ(e.x(5), 0x1122334455667788u);
}

// Catches: code relying on memory hooks seeing virtual addresses (2.0.1 did); 2.1 reports physical
// ones, which is what a gdb watchpoint on a physical location needs.
TEST_F(UnicornFacts, MemoryHooksReportPhysicalAddresses) {
  Engine e(ram);
  mmu_on(e.uc);
  put(0x2000, {LDR_X5_X4, SVC_0});
  ucx::write_reg(e.uc, UC_ARM64_REG_X4, kHigh + 0x3008);
  uint64_t seen = 0;
  uc_hook h;
  auto cb = +[](uc_engine*, uc_mem_type, uint64_t addr, int, int64_t, void* out) { *static_cast<uint64_t*>(out) = addr; };
  ASSERT_EQ(uc_hook_add(e.uc, &h, UC_HOOK_MEM_READ, reinterpret_cast<void*>(cb), &seen, 1, 0), UC_ERR_OK);
  e.run(kHigh + 0x2000);
  EXPECT_EQ(seen, 0x3008u);
}

// Catches: missing cross-core code coherence. Engines share RAM bytes but not translated code: an
// engine keeps running its old translation of patched code until ucx::invalidate_code drops it.
TEST_F(UnicornFacts, PatchedCodeNeedsInvalidationPerEngine) {
  Engine a(ram);
  put(0x1000, {MOV_X0_1, SVC_0});
  a.run(0x1000);
  ASSERT_EQ(a.x(0), 1u);
  put(0x1000, {MOV_X0_2});  // another core's store
  a.run(0x1000);
  EXPECT_EQ(a.x(0), 1u) << "Unicorn now sees stores to code: invalidation may be unnecessary";
  ucx::invalidate_code(a.uc, 0x1000, 0x1000);
  a.run(0x1000);
  EXPECT_EQ(a.x(0), 2u);
}

// Catches: trusting the engine to see the guest's own stores to code. Two translated routines share a
// page; the guest overwrites both: the first store drops the translation it overlaps, the second
// store is not seen and the second routine runs stale. chemu drops the issuing core's translations on
// IC instructions too (snippet stale_code_same_core).
TEST_F(UnicornFacts, OnlyTheFirstGuestStoreToATranslatedPageIsSeen) {
  Engine e(ram);
  constexpr uint32_t MOV_X1_1 = 0xd2800021, MOV_X1_2 = 0xd2800041, RET = 0xd65f03c0;
  put(0x1000, {MOV_X0_1, RET});
  put(0x1100, {MOV_X1_1, RET});
  // bl 0x1000; bl 0x1100; str w3, [x4]; str w5, [x6]; dsb ish; isb; bl 0x1000; bl 0x1100; svc #0
  put(0x2000, {0x97fffc00, 0x97fffc3f, 0xb9000083, 0xb90000c5, 0xd5033b9f, 0xd5033fdf, 0x97fffbfa, 0x97fffc39, SVC_0});
  ucx::write_reg(e.uc, UC_ARM64_REG_X3, MOV_X0_2);
  ucx::write_reg(e.uc, UC_ARM64_REG_X4, 0x1000);
  ucx::write_reg(e.uc, UC_ARM64_REG_X5, MOV_X1_2);
  ucx::write_reg(e.uc, UC_ARM64_REG_X6, 0x1100);
  e.run(0x2000);
  ASSERT_EQ(e.intno, 2u);
  EXPECT_EQ(e.x(0), 2u) << "the first store was not seen either";
  EXPECT_EQ(e.x(1), 1u) << "Unicorn now sees every store to code: chemu's own-core invalidation may be unnecessary";
}

// Catches: missing cross-core TLB maintenance: a page-table entry made invalid is not seen until the
// engine's TLB is flushed (another core's TLBI ...IS does not reach it).
TEST_F(UnicornFacts, ChangedMappingNeedsTlbFlushPerEngine) {
  Engine e(ram);
  mmu_on(e.uc);
  put(0x2000, {LDR_X5_X4, SVC_0});
  put64(0x3000, 111);
  ucx::write_reg(e.uc, UC_ARM64_REG_X4, 0x3000);  // data through TTBR0, code through TTBR1
  e.run(kHigh + 0x2000);
  ASSERT_EQ(e.x(5), 111u);
  put64(kTtbr0Table, 0);  // unmap the data
  put64(0x3000, 222);
  e.run(kHigh + 0x2000);
  EXPECT_EQ(e.intno, 2u) << "no stale TLB entry: the flush may be unnecessary";
  EXPECT_EQ(e.x(5), 222u);
  ucx::flush_tlb(e.uc);
  e.run(kHigh + 0x2000);
  EXPECT_EQ(e.intno, 4u) << "after the flush the invalid entry gives a data abort";
}

// Catches: Core's WFI detection (the engine returns right after a WFI, PC past it, no exception).
TEST_F(UnicornFacts, WfiReturnsWithPcAfterIt) {
  Engine e(ram);
  put(0x1000, {NOP, WFI, MOV_X0_1, SVC_0});
  EXPECT_EQ(e.run(0x1000), UC_ERR_OK);
  EXPECT_EQ(e.intno, 0u);
  EXPECT_EQ(e.pc(), 0x1008u);
}

// Catches: relying on the engine for WFE/SEV: they run as NOPs, so Core must see them itself.
TEST_F(UnicornFacts, WfeAndSevRunAsNops) {
  Engine e(ram);
  put(0x1000, {WFE, SEV, WFE, MOV_X0_1, SVC_0});
  e.run(0x1000);
  EXPECT_EQ(e.intno, 2u);
  EXPECT_EQ(e.x(0), 1u);
}

// Catches: exclusives that ignore other engines. The monitor compares values at STXR time, so a
// store by another engine in between makes the STXR fail.
TEST_F(UnicornFacts, ExclusiveStoreFailsAfterAnotherEngineWrote) {
  Engine a(ram);
  put(0x1000, {LDXR_X1_X0, SVC_0, STXR_W2_X1_X0, SVC_0});  // each SVC returns to the host
  put64(0x3000, 5);
  ucx::write_reg(a.uc, UC_ARM64_REG_X0, 0x3000);
  a.run(0x1000);
  a.run(a.pc());
  EXPECT_EQ(a.x(2), 0u) << "an undisturbed LDXR/STXR pair failed";
  a.run(0x1000);
  put64(0x3000, 6);  // another core's store, between this core's LDXR and STXR
  a.run(a.pc());
  EXPECT_EQ(a.x(2), 1u) << "STXR succeeded after another writer";
}

// Catches: an engine whose exclusive monitor chemu cannot see. A load-exclusive leaves its virtual
// address in the context (the machine wakes a WFE waiter when another core writes there); a
// store-exclusive, failed or not, leaves none.
TEST_F(UnicornFacts, ExclusiveMonitorAddressIsInTheContext) {
  Engine a(ram);
  uc_context* ctx = nullptr;
  ASSERT_EQ(uc_context_alloc(a.uc, &ctx), UC_ERR_OK);
  EXPECT_EQ(ucx::exclusive_address(a.uc, ctx), std::nullopt) << "a fresh engine holds a reservation";
  put(0x1000, {LDXR_X1_X0, SVC_0, STXR_W2_X1_X0, SVC_0});
  ucx::write_reg(a.uc, UC_ARM64_REG_X0, 0x3008);
  a.run(0x1000);
  EXPECT_EQ(ucx::exclusive_address(a.uc, ctx), 0x3008u);
  put64(0x3008, 7);  // another core's store: the STXR fails, and still clears the monitor
  a.run(a.pc());
  EXPECT_EQ(a.x(2), 1u);
  EXPECT_EQ(ucx::exclusive_address(a.uc, ctx), std::nullopt);
  uc_context_free(ctx);
}

// Catches: the MRS/MSR hooks chemu's generic timer and MPIDR stand on: an MRS hook that returns 1
// serves the value; an MSR hook sees the value written.
TEST_F(UnicornFacts, SysregHooksServeMrsAndSeeMsr) {
  Engine e(ram);
  put(0x1000, {MRS_X0_CNTPCT, MSR_TPIDR_X1, SVC_0});
  ucx::write_reg(e.uc, UC_ARM64_REG_X1, 0xabcd);
  struct Seen { uint64_t msr = 0; } seen;
  uc_hook h;
  auto mrs = +[](uc_engine* uc, uc_arm64_reg reg, const uc_arm64_cp_reg*, void*) -> uint32_t {
    uint64_t v = 42;
    uc_reg_write(uc, reg, &v);
    return 1;
  };
  auto msr = +[](uc_engine*, uc_arm64_reg, const uc_arm64_cp_reg* cp, void* s) -> uint32_t {
    static_cast<Seen*>(s)->msr = cp->val;
    return 0;
  };
  ASSERT_EQ(uc_hook_add(e.uc, &h, UC_HOOK_INSN, reinterpret_cast<void*>(mrs), nullptr, 1, 0, UC_ARM64_INS_MRS), UC_ERR_OK);
  ASSERT_EQ(uc_hook_add(e.uc, &h, UC_HOOK_INSN, reinterpret_cast<void*>(msr), &seen, 1, 0, UC_ARM64_INS_MSR), UC_ERR_OK);
  e.run(0x1000);
  EXPECT_EQ(e.x(0), 42u);
  EXPECT_EQ(seen.msr, 0xabcdu);
}

// Catches: a hook that skips (returns 1) an MRS/MSR of an encoding the engine refuses when it
// translates it (no such register, or not accessible at this EL). The translation has already ended
// in the UNDEF exception, so the skipped path runs into the block's exit-request tail, which restarts
// the block at its first instruction: the guest loops there forever (chemu hung on the first MSR to a
// debug-space encoding that does not exist). The hooks must hand such accesses back to the engine.
TEST_F(UnicornFacts, SkippingARefusedSysregAccessRerunsTheBlock) {
  Engine e(ram);
  constexpr uint32_t ADD_X2_1 = 0x91000442, MSR_S2_0_C0_C0_0_X0 = 0xd5100000;  // add x2, x2, #1; msr s2_0_c0_c0_0, x0
  put(0x1000, {ADD_X2_1, MSR_S2_0_C0_C0_0_X0, SVC_0});
  struct Seen { unsigned blocks = 0; } seen;
  uc_hook h;
  auto msr = +[](uc_engine*, uc_arm64_reg, const uc_arm64_cp_reg*, void*) -> uint32_t { return 1; };
  auto block = +[](uc_engine* uc, uint64_t, uint32_t, void* s) {
    if (++static_cast<Seen*>(s)->blocks == 100) uc_emu_stop(uc);
  };
  ASSERT_EQ(uc_hook_add(e.uc, &h, UC_HOOK_INSN, reinterpret_cast<void*>(msr), nullptr, 1, 0, UC_ARM64_INS_MSR), UC_ERR_OK);
  ASSERT_EQ(uc_hook_add(e.uc, &h, UC_HOOK_BLOCK, reinterpret_cast<void*>(block), &seen, 1, 0), UC_ERR_OK);
  e.run(0x1000);
  EXPECT_EQ(e.intno, 0u) << "neither the UNDEF nor the SVC after it was reached";
  EXPECT_EQ(seen.blocks, 100u);
  EXPECT_EQ(e.x(2), 99u) << "the block restarted at its first instruction each time (the 100th did not run)";
  EXPECT_EQ(e.pc(), 0x1000u);
}

// Catches: a change in how chemu answers registers the engine lacks (MDCCSR_EL0, the A53's own
// L2CTLR_EL1...): after skipping an access it refused when translating, the engine goes on wherever the
// hook put PC (its exit-request tail keeps a PC the host wrote), not at the block's start.
TEST_F(UnicornFacts, SkippingARefusedSysregAccessAfterAPcWriteGoesOnThere) {
  Engine e(ram);
  constexpr uint32_t ADD_X2_1 = 0x91000442, MRS_X0_S3_1_C11_C0_2 = 0xd539b040;  // mrs x0, l2ctlr_el1
  put(0x1000, {ADD_X2_1, MRS_X0_S3_1_C11_C0_2, ADD_X2_1, SVC_0});
  uc_hook h;
  auto mrs = +[](uc_engine* uc, uc_arm64_reg reg, const uc_arm64_cp_reg*, void*) -> uint32_t {
    const uint64_t v = 0x3000000, next = ucx::read_reg(uc, UC_ARM64_REG_PC) + 4;
    uc_reg_write(uc, reg, &v);
    uc_reg_write(uc, UC_ARM64_REG_PC, &next);
    return 1;
  };
  ASSERT_EQ(uc_hook_add(e.uc, &h, UC_HOOK_INSN, reinterpret_cast<void*>(mrs), nullptr, 1, 0, UC_ARM64_INS_MRS), UC_ERR_OK);
  e.run(0x1000);
  EXPECT_EQ(e.intno, 2u) << "the SVC after the MRS was not reached";
  EXPECT_EQ(e.x(0), 0x3000000u);
  EXPECT_EQ(e.x(2), 2u) << "each ADD ran once";
}

// Catches: trusting the engine for FP traps: with CPACR_EL1.FPEN = 0 an FP instruction still runs.
TEST_F(UnicornFacts, FpRunsWhateverCpacrSays) {
  Engine e(ram);
  ucx::write_sysreg(e.uc, {3, 0, 1, 0, 2}, 0);  // CPACR_EL1.FPEN = 0: EL0 and EL1 FP trapped
  put(0x1000, {FMOV_D0_X1, MOV_X0_1, SVC_0});
  e.run(0x1000);
  EXPECT_EQ(e.intno, 2u) << "the FP instruction trapped: chemu's own trap may be redundant";
  EXPECT_EQ(e.x(0), 1u);
}

}  // namespace
}  // namespace chemu
