#include "cpu/unicorn_compat.h"

#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include <fmt/format.h>

namespace chemu::ucx {

void check(uc_err err, const char* what) {
  if (err != UC_ERR_OK) throw UnicornMismatch(fmt::format("unicorn: {} failed: {}", what, uc_strerror(err)));
}

uint64_t read_reg(uc_engine* uc, int reg) {
  uint64_t v = 0;
  check(uc_reg_read(uc, reg, &v), "uc_reg_read");
  return v;
}
void write_reg(uc_engine* uc, int reg, uint64_t value) { check(uc_reg_write(uc, reg, &value), "uc_reg_write"); }
uint32_t read_pstate(uc_engine* uc) {
  uint32_t v = 0;
  check(uc_reg_read(uc, UC_ARM64_REG_PSTATE, &v), "read PSTATE");
  return v;
}

static uc_arm64_cp_reg cp_of(Sysreg r) {
  uc_arm64_cp_reg cp{};
  cp.op0 = r.op0, cp.op1 = r.op1, cp.crn = r.crn, cp.crm = r.crm, cp.op2 = r.op2;
  return cp;
}
uint64_t read_sysreg(uc_engine* uc, Sysreg r) {
  uc_arm64_cp_reg cp = cp_of(r);
  check(uc_reg_read(uc, UC_ARM64_REG_CP_REG, &cp), "read system register");
  return cp.val;
}
void write_sysreg(uc_engine* uc, Sysreg r, uint64_t value) {
  uc_arm64_cp_reg cp = cp_of(r);
  cp.val = value;
  check(uc_reg_write(uc, UC_ARM64_REG_CP_REG, &cp), "write system register");
}

uc_engine* open_cortex_a53(uint32_t translation_buffer) {
  uc_engine* uc = nullptr;
  check(uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc), "uc_open(ARM64)");
  // Both before the engine initialises itself (its first other call).
  uc_err e = uc_ctl_set_cpu_model(uc, UC_CPU_ARM64_A53);
  if (e == UC_ERR_OK && translation_buffer) e = uc_ctl_set_tcg_buffer_size(uc, translation_buffer);
  if (e != UC_ERR_OK) {
    uc_close(uc);
    check(e, "uc_ctl_set_cpu_model(A53) / uc_ctl_set_tcg_buffer_size");
  }
  // Unicorn resets SCR_EL3.RW and HCR_EL2.RW to 0, so EL1 would translate with the AArch32 regime.
  write_sysreg(uc, sysreg::SCR_EL3, read_sysreg(uc, sysreg::SCR_EL3) | (1u << 10) | 1u);  // RW, NS
  write_sysreg(uc, sysreg::HCR_EL2, read_sysreg(uc, sysreg::HCR_EL2) | (1ull << 31));    // RW
  return uc;
}

constexpr uint64_t kNoReservation = ~0ull;  // QEMU's exclusive_addr after CLREX or a store-exclusive

static uint32_t blob_u32(const uc_context* ctx, size_t off) {
  uint32_t v;
  std::memcpy(&v, reinterpret_cast<const uint8_t*>(ctx) + off, 4);
  return v;
}
static uint64_t blob_u64(const uc_context* ctx, size_t off) {
  uint64_t v;
  std::memcpy(&v, reinterpret_cast<const uint8_t*>(ctx) + off, 8);
  return v;
}

FaultInfo last_fault(uc_engine* uc, uc_context* scratch) {
  const ContextLayout& l = context_layout();
  check(uc_context_save(uc, scratch), "uc_context_save");
  return {blob_u32(scratch, l.syndrome), blob_u64(scratch, l.vaddress), int(blob_u32(scratch, l.target_el))};
}

std::optional<uint64_t> exclusive_address(uc_engine* uc, uc_context* scratch) {
  const ContextLayout& l = context_layout();
  check(uc_context_save(uc, scratch), "uc_context_save");
  const uint64_t va = blob_u64(scratch, l.exclusive_addr);
  if (va == kNoReservation) return std::nullopt;
  return va;
}

void set_exception_level(uc_engine* uc, int el) {
  uint32_t ps = (uint32_t(el) << pstate::kElShift) | pstate::kSpSel | pstate::kDaif;
  check(uc_reg_write(uc, UC_ARM64_REG_PSTATE, &ps), "write PSTATE");
  // A PSTATE write leaves the engine's cached EL state (hflags) as it was; every system-register
  // write through UC_ARM64_REG_CP_REG rebuilds it.
  write_sysreg(uc, sysreg::VBAR_ELx(el), read_sysreg(uc, sysreg::VBAR_ELx(el)));
}

// The SP banks as Unicorn names them (SP_EL0..SP_EL3 are the banked copies; SP is the live one).
static int sp_reg(int bank) { return UC_ARM64_REG_SP_EL0 + bank; }

void enter_exception(uc_engine* uc, const EntryRequest& req) {
  const uint32_t ps = read_pstate(uc);
  const EntryPlan plan = plan_entry(ps, req.target_el, req.kind);
  if (plan.sp_from != plan.sp_to) {  // Unicorn does not bank SP on a host PSTATE write.
    write_reg(uc, sp_reg(plan.sp_from), read_reg(uc, UC_ARM64_REG_SP));
    write_reg(uc, UC_ARM64_REG_SP, read_reg(uc, sp_reg(plan.sp_to)));
  }
  uint32_t np = plan.new_pstate;
  check(uc_reg_write(uc, UC_ARM64_REG_PSTATE, &np), "write PSTATE");
  // These system-register writes also rebuild the cached EL state, so they come after PSTATE.
  const int el = plan.target_el;
  write_sysreg(uc, sysreg::SPSR_ELx(el), ps);
  write_sysreg(uc, sysreg::ELR_ELx(el), req.return_pc);
  if (req.set_esr) write_sysreg(uc, sysreg::ESR_ELx(el), req.esr);
  if (req.set_far) write_sysreg(uc, sysreg::FAR_ELx(el), req.far);
  write_reg(uc, UC_ARM64_REG_PC, read_sysreg(uc, sysreg::VBAR_ELx(el)) + plan.vector_offset);
}

uint32_t translation_buffer_size(uc_engine* uc) {
  uint32_t bytes = 0;
  check(uc_ctl_get_tcg_buffer_size(uc, &bytes), "uc_ctl_get_tcg_buffer_size");
  return bytes;
}

void flush_tlb(uc_engine* uc) {
  // A host write of TLBI VMALLE1 runs QEMU's own TLB flush for this engine (uc_ctl_flush_tlb would
  // drop all translated code as well).
  write_sysreg(uc, sysreg::TLBI_VMALLE1, 0);
}
void invalidate_code(uc_engine* uc, uint64_t pa, uint64_t len) {
  // uc_ctl_remove_cache translates the start of its range through the engine's own MMU; with the
  // MMU off for the moment (a raw SCTLR write, TLB flushed before and after) the range is physical.
  const uint64_t sctlr = read_sysreg(uc, sysreg::SCTLR_EL1);
  const bool mmu_on = sctlr & 1;
  if (mmu_on) write_sysreg(uc, sysreg::SCTLR_EL1, sctlr & ~1ull), flush_tlb(uc);
  check(uc_ctl_remove_cache(uc, pa, pa + len), "invalidate translated code");
  if (mmu_on) write_sysreg(uc, sysreg::SCTLR_EL1, sctlr), flush_tlb(uc);
}
void invalidate_code_pages(uc_engine* uc, const std::vector<uint64_t>& pages, uint64_t page_size) {
  if (pages.empty()) return;
  const uint64_t sctlr = read_sysreg(uc, sysreg::SCTLR_EL1);
  const bool mmu_on = sctlr & 1;
  if (mmu_on) write_sysreg(uc, sysreg::SCTLR_EL1, sctlr & ~1ull), flush_tlb(uc);
  for (size_t i = 0; i < pages.size();) {
    size_t j = i + 1;
    while (j < pages.size() && pages[j] == pages[j - 1] + page_size) ++j;
    check(uc_ctl_remove_cache(uc, pages[i], pages[j - 1] + page_size), "invalidate translated code");
    i = j;
  }
  if (mmu_on) write_sysreg(uc, sysreg::SCTLR_EL1, sctlr), flush_tlb(uc);
}

// ---------------------------------------------------------------------------------------------
// The self-check: a probe program on a scratch engine with 2 MiB of RAM.
namespace {

constexpr uint64_t kProbeRam = 2 << 20;
constexpr uint64_t kSvcAt = 0x1f7ab0;       // `svc #0x1234`: an unusual PC that is easy to find in the blob
constexpr uint32_t kSvcSyndrome = 0x56001234;  // EC=0x15 (SVC64), IL=1, imm16
constexpr uint64_t kMmuCode = 0x2000, kEl0Code = 0x3000, kVbar = 0x4000, kTables = 0x10000;
constexpr uint64_t kFaultVa = 0x40001238;   // not mapped by the probe's page tables
constexpr uint32_t SVC_1234 = 0xd4024681, SVC_1 = 0xd4000021, SVC_2 = 0xd4000041;
constexpr uint64_t kExclusiveCode = 0x5000, kReservedAt = 0x1f7ac8;  // another unusual value for the blob
constexpr uint32_t LDXR_X1_X0 = 0xc85f7c01, MOV_X0_0 = 0xd2800000, MOV_X1_0 = 0xd2800001, CLREX = 0xd5033f5f;

struct Probe {
  uc_engine* uc = nullptr;
  uc_context* ctx = nullptr;
  std::vector<uint8_t> ram = std::vector<uint8_t>(kProbeRam);
  uint32_t last_intno = 0;
  uint64_t last_pc = 0;
  uint32_t last_pstate = 0;
  bool saved = false;

  Probe() {
    uc = open_cortex_a53();
    check(uc_mem_map_ptr(uc, 0, kProbeRam, UC_PROT_ALL, ram.data()), "map probe RAM");
    check(uc_mem_map(uc, kFaultVa & ~0xfffull, 0x1000, UC_PROT_ALL), "map probe fault page");
    check(uc_context_alloc(uc, &ctx), "uc_context_alloc");
    uc_hook h;
    check(uc_hook_add(uc, &h, UC_HOOK_INTR, reinterpret_cast<void*>(&Probe::on_intr), this, 1, 0), "hook INTR");
  }
  ~Probe() {
    if (ctx) uc_context_free(ctx);
    if (uc) uc_close(uc);
  }
  static void on_intr(uc_engine* uc, uint32_t intno, void* self) {
    auto* p = static_cast<Probe*>(self);
    p->last_intno = intno;
    p->last_pc = read_reg(uc, UC_ARM64_REG_PC);
    p->last_pstate = read_pstate(uc);
    p->saved = uc_context_save(uc, p->ctx) == UC_ERR_OK;
    uc_emu_stop(uc);
  }
  void put(uint64_t pa, std::initializer_list<uint32_t> words) {
    for (uint32_t w : words) std::memcpy(&ram[pa], &w, 4), pa += 4;
  }
  void put64(uint64_t pa, uint64_t v) { std::memcpy(&ram[pa], &v, 8); }
  // Runs until an exception is reported; returns its intno.
  uint32_t run_to_exception(uint64_t from) {
    last_intno = 0, saved = false;
    check(uc_emu_start(uc, from, 0xfffffffffffff000ull, 0, 1000), "probe run");
    return last_intno;
  }
};

[[noreturn]] void mismatch(const std::string& what) {
  throw UnicornMismatch("installed Unicorn does not behave as chemu expects (built for Unicorn 2.1): " + what);
}

// Finds the only 4-byte aligned offset where the blob holds `value` (2.1.1's blob puts 8-byte fields
// at offsets that are 4 mod 8).
template <typename T>
std::optional<size_t> unique_offset(const uc_context* ctx, size_t size, T value) {
  std::optional<size_t> found;
  for (size_t off = 0; off + sizeof(T) <= size; off += 4) {
    T v;
    std::memcpy(&v, reinterpret_cast<const uint8_t*>(ctx) + off, sizeof(T));
    if (v != value) continue;
    if (found) return std::nullopt;
    found = off;
  }
  return found;
}

ContextLayout run_self_check() {
  Probe p;
  ContextLayout l;
  l.blob_size = uc_context_size(p.uc);

  // 1. An SVC: find env->pc and env->exception.syndrome in the blob.
  p.put(kSvcAt, {SVC_1234});
  if (p.run_to_exception(kSvcAt) != 2 || p.last_pc != kSvcAt + 4 || !p.saved)
    mismatch(fmt::format("SVC reported as intno {} at pc {:#x}", p.last_intno, p.last_pc));
  auto pc = unique_offset<uint64_t>(p.ctx, l.blob_size, kSvcAt + 4);
  auto syn = unique_offset<uint32_t>(p.ctx, l.blob_size, kSvcSyndrome);
  if (!pc || !syn) mismatch("cannot locate pc/syndrome in the saved context");
  l.pc = *pc, l.syndrome = *syn, l.vaddress = *syn + 8, l.target_el = *syn + 16;  // {syndrome, fsr, vaddress, target_el}
  if (blob_u32(p.ctx, l.target_el) != 1) mismatch("an SVC at EL1 is not routed to EL1 in the saved context");

  // 1b. A load-exclusive (registers cleared after it, so only the monitor holds its address), then CLREX.
  p.put(kExclusiveCode, {LDXR_X1_X0, MOV_X0_0, MOV_X1_0, SVC_1, CLREX, SVC_1});
  write_reg(p.uc, UC_ARM64_REG_X0, kReservedAt);
  if (p.run_to_exception(kExclusiveCode) != 2 || !p.saved) mismatch("load-exclusive probe");
  auto reserved = unique_offset<uint64_t>(p.ctx, l.blob_size, kReservedAt);
  if (!reserved) mismatch("cannot locate the exclusive monitor's address in the saved context");
  l.exclusive_addr = *reserved;
  if (p.run_to_exception(kExclusiveCode + 16) != 2 || blob_u64(p.ctx, l.exclusive_addr) != kNoReservation)
    mismatch("CLREX does not clear the exclusive monitor's address in the saved context");

  // 2. MMU on (1 GiB identity block, EL0+EL1 read/execute), then a load from an unmapped VA.
  p.put64(kTables, 0x0 | 0x1 | (3u << 6) | (3u << 8) | (1u << 10));  // block, AP=RO at EL0/EL1, SH, AF
  p.put(kMmuCode, {0xd5182001, 0xd5182042, 0xd518a203, 0xd5033fdf,    // msr ttbr0,x1; tcr,x2; mair,x3; isb
                   0xd5381000, 0xb2400000, 0xd5181000, 0xd5033fdf,    // sctlr |= M; isb
                   0xf9400085, 0xd69f03e0});                          // ldr x5,[x4]; eret
  write_reg(p.uc, UC_ARM64_REG_X1, kTables);
  write_reg(p.uc, UC_ARM64_REG_X2, 25 | (1u << 8) | (1u << 10) | (3u << 12) | (1u << 23));  // 39-bit VA, 4K, no TTBR1
  write_reg(p.uc, UC_ARM64_REG_X3, 0xff);
  write_reg(p.uc, UC_ARM64_REG_X4, kFaultVa);
  if (p.run_to_exception(kMmuCode) != 4 || p.last_pc != kMmuCode + 32)
    mismatch(fmt::format("translation fault reported as intno {} at pc {:#x}", p.last_intno, p.last_pc));
  const uint32_t dabt = blob_u32(p.ctx, l.syndrome);
  if (esr_class(dabt) != 0x25 || (dabt & 0x3f) != 0x05 || blob_u64(p.ctx, l.vaddress) != kFaultVa)
    mismatch(fmt::format("data abort syndrome {:#x} / address {:#x}", dabt, blob_u64(p.ctx, l.vaddress)));

  // 3. ERET to EL0 and an SVC there.
  write_sysreg(p.uc, sysreg::ELR_EL1, kEl0Code);
  write_sysreg(p.uc, sysreg::SPSR_EL1, 0);  // EL0t
  p.put(kEl0Code, {SVC_1});
  if (p.run_to_exception(kMmuCode + 36) != 2 || pstate::el(p.last_pstate) != 0) mismatch("ERET to EL0 then SVC");

  // 4. The real entry path: EL0 -> EL1 vector, where an EL1-only MRS must work (it would UNDEF at EL0).
  p.put(kVbar + 0x400, {0xd5381000, SVC_2});  // mrs x0, sctlr_el1; svc #2
  write_reg(p.uc, UC_ARM64_REG_VBAR_EL1, kVbar);
  enter_exception(p.uc, {ExceptionKind::Sync, 1, p.last_pc, true, kSvcSyndrome, false, 0});
  const uint64_t vector = read_reg(p.uc, UC_ARM64_REG_PC);
  if (p.run_to_exception(vector) != 2 || pstate::el(p.last_pstate) != 1 || (read_reg(p.uc, UC_ARM64_REG_X0) & 1) == 0 ||
      read_sysreg(p.uc, sysreg::ELR_EL1) != kEl0Code + 4)
    mismatch(fmt::format("host exception entry to EL1 (intno {}, pstate {:#x})", p.last_intno, p.last_pstate));
  return l;
}

}  // namespace

const ContextLayout& context_layout() {
  static const ContextLayout layout = run_self_check();
  return layout;
}

}  // namespace chemu::ucx
