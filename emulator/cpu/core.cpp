#include "cpu/core.h"

#include <array>
#include <cstring>
#include <span>
#include <utility>

#include <fmt/format.h>

#include "cpu/unicorn_compat.h"

namespace chemu {

namespace {
// `until` far from any code: Unicorn invalidates the block holding until-1 on every return.
constexpr uint64_t kUntil = 0xfffffffffffff000ull;
// Unicorn's exception numbers (QEMU's EXCP_*) as reported to UC_HOOK_INTR.
enum Excp : uint32_t { UDEF = 1, SWI = 2, PREFETCH_ABORT = 3, DATA_ABORT = 4, BKPT = 7, HVC = 11, SMC = 13 };
constexpr uint32_t kEcWfx = 0x01;  // ESR EC of a trapped WFI/WFE
constexpr uint32_t kEcSvc64 = 0x15;  // ESR EC of an SVC from AArch64
constexpr uint64_t kUnknownSyndrome = 0x02000000;  // EC 0x00 (UNDEFINED), IL

// A trapped MSR/MRS (EC 0x18) of the secure physical timer, CNTPS_TVAL/CTL/CVAL_EL1 (ISS: Op0 21:20,
// Op2 19:17, Op1 16:14, CRn 13:10, CRm 4:1). Unicorn (QEMU 5.0) raises that below EL3 where the
// architecture and QEMU 7.2 make these accesses UNDEFINED (Non-secure EL1, EL2); only Secure EL1 with
// SCR_EL3.ST clear traps them, to EL3, which stays as it is.
constexpr bool traps_secure_timer(uint32_t esr) {
  const uint32_t op0 = (esr >> 20) & 3, op1 = (esr >> 14) & 7, crn = (esr >> 10) & 15, crm = (esr >> 1) & 15;
  return (esr >> 26) == 0x18 && op0 == 3 && op1 == 7 && crn == 14 && crm == 2;
}
constexpr unsigned kStormLimit = 32;  // synchronous exceptions above EL0 with no ERET in between

}  // namespace

std::string_view core_state_name(CoreState s) {
  switch (s) {
    case CoreState::Running: return "running";
    case CoreState::SpinTable: return "spin-table";
    case CoreState::Wfi: return "wfi";
    case CoreState::Wfe: return "wfe";
    case CoreState::Halted: return "halted";
  }
  return "?";
}

Core::Core(int id, GuestRam& ram, CoreHost& host, uint32_t translation_buffer) : id_(id), ram_(ram), host_(host) {
  ucx::context_layout();  // the start-up self-check: refuses a Unicorn that behaves otherwise
  uc_ = ucx::open_cortex_a53(translation_buffer);
  translations_flush_at_ = ucx::translation_buffer_size(uc_) / 4;
  ucx::check(uc_context_alloc(uc_, &scratch_), "uc_context_alloc");
  ucx::check(uc_mem_map_ptr(uc_, 0, GuestRam::size(), UC_PROT_ALL, ram_.data()), "map guest RAM");
  windows_[0] = {this, kMmioBase};
  windows_[1] = {this, kLocalBase};
  ucx::check(uc_mmio_map(uc_, kMmioBase, kMmioSize, on_mmio_read, &windows_[0], on_mmio_write, &windows_[0]), "map peripherals");
  ucx::check(uc_mmio_map(uc_, kLocalBase, kLocalSize, on_mmio_read, &windows_[1], on_mmio_write, &windows_[1]), "map local peripherals");
  add_hooks();
  add_spin_hooks();
}

Core::~Core() {
  if (scratch_) uc_context_free(scratch_);
  if (uc_) uc_close(uc_);
}

void Core::add_hooks() {
  uc_hook h;
  auto fn = [](auto f) { return reinterpret_cast<void*>(f); };
  ucx::check(uc_hook_add(uc_, &h, UC_HOOK_BLOCK, fn(&Core::on_block), this, 1, 0), "hook blocks");
  ucx::check(uc_hook_add(uc_, &h, UC_HOOK_INTR, fn(&Core::on_intr), this, 1, 0), "hook exceptions");
  ucx::check(uc_hook_add(uc_, &h, UC_HOOK_INSN, fn(&Core::on_mrs), this, 1, 0, UC_ARM64_INS_MRS), "hook MRS");
  ucx::check(uc_hook_add(uc_, &h, UC_HOOK_INSN, fn(&Core::on_msr), this, 1, 0, UC_ARM64_INS_MSR), "hook MSR");
  ucx::check(uc_hook_add(uc_, &h, UC_HOOK_INSN, fn(&Core::on_sys), this, 1, 0, UC_ARM64_INS_SYS), "hook SYS");
  ucx::check(uc_hook_add(uc_, &h, UC_HOOK_MEM_UNMAPPED, fn(&Core::on_unmapped), this, 1, 0), "hook unmapped");
}

// The state QEMU's raspi3b leaves a core in: EL3 is the reset state (SCR_EL3 and HCR_EL2 zero, as
// for an ELF); at EL2, as its boot code leaves a raw image, Non-secure with EL2 and EL1 in AArch64
// and HVC enabled; at EL1 (chemu's --entry-el 1) both lower ELs in AArch64.
void Core::start_at(uint64_t entry, int el) {
  using namespace route;
  const uint64_t scr = el == 3 ? 0 : el == 2 ? SCR_RW | SCR_HCE | SCR_NS : SCR_RW | SCR_NS;
  ucx::write_sysreg(uc_, sysreg::SCR_EL3, scr);
  ucx::write_sysreg(uc_, sysreg::HCR_EL2, el == 3 ? 0 : HCR_RW);
  ucx::set_exception_level(uc_, el);
  refresh_copied_registers();
  set_reg(UC_ARM64_REG_PC, entry);
  state_ = CoreState::Running;
}

uint64_t Core::pc() const { return ucx::read_reg(uc_, UC_ARM64_REG_PC); }
uint32_t Core::pstate() const { return ucx::read_pstate(uc_); }
uint64_t Core::reg(int uc_reg) const { return ucx::read_reg(uc_, uc_reg); }
void Core::set_reg(int uc_reg, uint64_t value) { ucx::write_reg(uc_, uc_reg, value); }
uint64_t Core::read_sysreg(Sysreg r) const { return ucx::read_sysreg(uc_, r); }
std::string Core::where() const { return fmt::format("core {} pc={:#x}{} EL{}", id_, pc(), sym(pc()), el()); }

// ---- running a slice ------------------------------------------------------------------------

Core::SliceResult Core::run(uint64_t budget, uint64_t deadline, bool exact) {
  budget_ = budget;
  exact_budget_ = exact;
  deadline_ = deadline;
  slice_instructions_ = 0;
  slice_communications_ = 0;
  stop_.reset();
  apply_queued_maintenance();
  if (translated_estimate_ >= translations_flush_at_) [[unlikely]] drop_all_translations();
  for (;;) {
    entered_exception_ = false;
    if (!counted_tail_) wfi_resume_pc_ = ~0ull;
    spin_.reset();  // what it saw belongs to an earlier stretch (another slice, or before the engine returned)
    last_block_ = 0;
    // A pending trap runs the block only up to its instruction (`until` ends it there).
    const std::optional<PendingTrap> trap_at = std::exchange(trap_at_, std::nullopt);
    const std::optional<uint64_t> cut_at = std::exchange(cut_at_, std::nullopt);
    running_until_ = trap_at ? std::optional(trap_at->at) : cut_at;
    const uc_err err = uc_emu_start(uc_, pc(), running_until_.value_or(kUntil), 0, 0);
    running_until_.reset();
    note_stop_inside_block();
    const bool invalidated = std::exchange(own_code_stale_, false);  // an IC instruction stopped the engine
    if (invalidated) apply_queued_maintenance();
    const bool stepped = std::exchange(stepped_past_, false);  // a hook answered a register and moved PC
    if (stop_ == StopReason::Halt || stop_ == StopReason::Wfe) break;
    if (err != UC_ERR_OK) {
      fatal(fmt::format("the engine stopped: {}", uc_strerror(err)));
      break;
    }
    // The block hook found an instruction chemu traps, or the end of an exact budget: run up to it.
    if (trap_at_ || cut_at_) continue;
    if (cut_at && !entered_exception_ && !stop_ && pc() == *cut_at) {
      stop_ = StopReason::Budget;
      break;
    }
    if (trap_at && !entered_exception_ && !stop_ && pc() == trap_at->at) {
      take_pending_trap(*trap_at);
      continue;
    }
    if (!entered_exception_ && pc() == wfi_resume_pc_) {  // the last block ended in a WFI that ran
      stop_ = StopReason::Wfi;
      break;
    }
    if (stop_) break;  // budget, deadline or a timer write
    if (!entered_exception_ && !invalidated && !stepped) {
      fatal("the engine returned for no known reason");
      break;
    }
    // An exception entry, a semihosting call or a register chemu answers wrote PC, or this core's code
    // translations were dropped after an IC instruction: go on.
  }
  flush_sev();
  return {slice_instructions_, *stop_};
}

// The block holding the event is counted already: a budget of what has run ends the slice at the
// next block boundary, after the event (a device write's IPI included).
void Core::communication_event() {
  if (!count_communications_) return;
  ++slice_communications_;
  if (communication_limit_ && slice_communications_ >= communication_limit_) budget_ = std::min(budget_, slice_instructions_);
}

// With the instruction hook in, a stop requested in the middle of a block (an IC instruction, a device
// write ending the run) takes effect after the instruction, not at the block's end as without it. The
// block has been counted whole: the engine's next block, its rest, is not counted again.
void Core::note_stop_inside_block() {
  if (!code_hook_ || entered_exception_) return;
  const uint64_t at = pc();
  if (at > block_.first && at < block_.second) counted_tail_ = at;
}

void Core::queue_code_invalidation(std::optional<uint64_t> page) {
  constexpr size_t kMaxPages = 64;  // past this, dropping all code is cheaper than page by page
  if (!page || stale_code_pages_.size() >= kMaxPages) invalidate_all_code_ = true;
  else if (stale_code_pages_.empty() || stale_code_pages_.back() != *page) stale_code_pages_.push_back(*page);
}

// Maintenance other cores did since this core last ran (the cores never run at the same time, so
// applying it here, before the next slice, is exact).
void Core::apply_queued_maintenance() {
  if (flush_tlb_) ucx::flush_tlb(uc_), flush_tlb_ = false, code_pages_complete_ = false;
  if (!invalidate_all_code_ && stale_code_pages_.empty()) return;
  if (invalidate_all_code_) {
    drop_changed_code();
  } else {
    ucx::invalidate_code_pages(uc_, stale_code_pages_, kCodePage);
    for (uint64_t page : stale_code_pages_) code_pages_.erase(page);
    clear_block_cache();
  }
  invalidate_all_code_ = false;
  stale_code_pages_.clear();
}

// A code page's bytes when this engine first translated from it; translated again from other bytes,
// it is marked to be dropped at the next IC IALLU whatever its bytes are then.
void Core::note_code_page(uint64_t pa) {
  if (pa + kCodePage > GuestRam::size()) return void(code_pages_complete_ = false);  // not RAM: not compared
  auto [it, fresh] = code_pages_.try_emplace(pa);
  if (fresh) it->second.assign(ram_.data() + pa, ram_.data() + pa + kCodePage);
  else if (code_page_changed(*it)) it->second.clear();
}

// Whether a noted page's bytes differ from those it was translated from (always, once marked).
bool Core::code_page_changed(const std::pair<const uint64_t, std::vector<uint8_t>>& page) {
  return page.second.empty() || std::memcmp(page.second.data(), ram_.data() + page.first, kCodePage) != 0;
}

// IC IALLU(IS): the engines do not share translated code, so every core drops what another core's
// stores may have made stale. Dropping all of it made the upstream ChCore image (533 IC IALLUIS)
// translate 449,000 blocks and spend most of its time there; only the pages whose bytes changed since
// they were translated need to go. Translations from a page not in code_pages_ cannot be ruled out
// after a TLBI (a block cached by virtual address may now run from another page): then all code goes.
void Core::drop_changed_code() {
  if (!code_pages_complete_) {
    ucx::invalidate_code(uc_, 0, GuestRam::size());
    code_pages_.clear();
    code_pages_complete_ = true;
    return clear_block_cache();
  }
  std::vector<uint64_t> changed;  // ascending: code_pages_ is ordered
  for (auto it = code_pages_.begin(); it != code_pages_.end();) {
    if (code_page_changed(*it)) {
      changed.push_back(it->first);
      it = code_pages_.erase(it);
    } else {
      ++it;
    }
  }
  if (changed.empty()) return;
  ucx::invalidate_code_pages(uc_, changed, kCodePage);
  clear_block_cache();
}

void Core::flush_sev() {
  if (!(after_block_ & block_flag::kSev)) return;
  after_block_ &= ~block_flag::kSev;
  host_.send_event(id_);
}

void Core::stop(StopReason r) {
  if (!stop_ || r == StopReason::Halt) stop_ = r;
  uc_emu_stop(uc_);
}

void Core::fatal(const std::string& what) {
  if (stop_ == StopReason::Halt) return;  // the first report wins
  host_.fatal_guest_error(id_, fmt::format("{}: {}", where(), what));
  stop(StopReason::Halt);
}

void Core::trace(EventKind k, std::string details) { host_.tracer().emit(id_, cycles_, k, "{}", details); }

// Called before each translated block runs. Stopping here means the block does not run, so the
// budget is checked before the block is counted; what the previous block did (SEV, ERET) is settled
// first, because it has run by now. Everything rare is out of line: a cached block costs a few
// instructions.
void Core::on_block(uc_engine*, uint64_t addr, uint32_t size, void* self) {
  Core& c = *static_cast<Core*>(self);
  // The previous block ran an IC instruction: stop before this one, so its translations are dropped
  // first. (Stopping from the IC's own hook lost the PC: after a chain of direct branches the engine
  // reported the PC of the chain's start, and ran the chain and the IC again, forever.)
  if (c.own_code_stale_) [[unlikely]] return uc_emu_stop(c.uc_), c.pin_pc(addr);
  if (c.counted_tail_) [[unlikely]]
    if (std::exchange(c.counted_tail_, std::nullopt) == addr) return;  // the rest of a block already counted
  if (c.after_block_) [[unlikely]]
    if (c.settle_previous_block(addr)) return c.stop(StopReason::Budget), c.pin_pc(addr);
  if (c.slice_instructions_ >= c.budget_ || c.cycles_ >= c.deadline_) [[unlikely]] return c.stop(StopReason::Budget), c.pin_pc(addr);
  if (addr <= c.last_block_) [[unlikely]] c.at_backward_branch(addr);  // every loop has a backward branch
  c.last_block_ = addr;
  const BlockCache::Entry& b = c.block_info(addr, size);
  if (c.exact_budget_ && b.instructions() > c.budget_ - c.slice_instructions_) [[unlikely]] return c.cut_at_budget(addr);
  c.flags_seen_ |= b.flags;
  using namespace block_flag;
  if ((((b.flags & kFp) && c.fp_traps_armed()) || (b.flags & kUndef)) && c.trap_before(addr, size)) [[unlikely]] {
    if (c.trap_at_) c.pin_pc(addr);
    return;
  }
  if ((b.flags & (kWfe | kSevl)) && !c.pass_wfe(b.flags)) [[unlikely]] return c.pin_pc(addr);
  if (b.flags & (kReserves | kReleases)) c.slice_exclusive_ = (b.flags & kReserves) ? ExclusiveEffect::Reserves : ExclusiveEffect::Releases;
  c.slice_instructions_ += b.instructions();
  c.instructions_ += b.instructions();
  c.cycles_ += b.cycles;
  if ((b.flags & kCommunicates) && c.count_communications_) [[unlikely]] c.communication_event();
  // SEV signalled once the block has run: its earlier stores come first.
  c.after_block_ = uint8_t((b.flags & (kSev | kEret)) | ((b.flags & kUnmask) ? kAfterUnmask : 0));
  c.wfi_resume_pc_ = (b.flags & kEndsInWfi) ? addr + size : ~0ull;
  c.block_ = {addr, addr + size};
}

// With the instruction hook in (a debugger), the engine keeps the PC its hooks synchronised, not the
// block's start, when a block hook stops it before the block (TB chaining skips the PC store): put it
// back where the block starts, which is where the run goes on.
void Core::pin_pc(uint64_t block_start) {
  if (code_hook_) set_reg(UC_ARM64_REG_PC, block_start);
}

// The SEV or ERET that ended the block before the one at `addr`, or an MSR in it to a register chemu
// keeps a copy of. True when the block unmasked interrupts (MSR DAIF, ERET) while one is raised: the
// slice ends before `addr`, so the machine takes it there. Interrupts are only taken between slices,
// and a kernel that unmasks them for a few instructions (Linux's idle loop, after WFI) would
// otherwise never take one.
bool Core::settle_previous_block(uint64_t addr) {
  if (after_block_ & kAfterCopiedRegisterWrite) refresh_copied_registers();
  flush_sev();
  const bool unmasked = after_block_ & (kAfterUnmask | block_flag::kEret);
  after_block_ &= ~kAfterUnmask;
  settle_eret(addr);
  return unmasked && host_.irq_raised(id_) && irq_takeable();
}

void Core::settle_eret(uint64_t addr) {
  if (!(after_block_ & block_flag::kEret)) return;
  after_block_ &= ~block_flag::kEret;
  kernel_faults_ = 0;
  event_ = true;  // an exception return sets the event register (ARMv8-A)
  if (host_.tracer().listening()) trace(EventKind::Exception, "return to={:#x}{} EL{}", addr, sym(addr), el());
  if (kernel_observer_) kernel_observer_->on_eret(*this, addr, el());
}

// SEVL sets the event register; WFE then consumes it and falls through, or (none set) the core
// sleeps before the block: WFE may sleep early. False when the core sleeps.
bool Core::pass_wfe(uint16_t flags) {
  if (flags & block_flag::kSevl) event_ = true;
  if (!(flags & block_flag::kWfe)) return true;
  if (!event_) return stop(StopReason::Wfe), false;
  event_ = false;
  return true;
}

void Core::clear_block_cache() { blocks_.clear(); }

// Unicorn 2.1.1 crashes (SIGSEGV in tb_set_jmp_target) when its translated-code buffer fills in a
// run: it empties the buffer from inside its execution loop and then chains the block it ran last,
// which is gone (unicorn issues 1923, 2048; a 10^6-call syscall fuzz filled 1 GiB in 150 CPU s).
// So chemu empties it itself, between slices, long before it can fill: every translation the engine
// makes is of a block chemu then analyses anew (its block cache is cleared whenever translations are
// dropped), so the analyses since the last flush bound what the buffer holds, at a generous
// kHostBytesPerTranslation + kHostBytesPerInstruction each.
void Core::drop_all_translations() {
  ucx::check(uc_ctl_flush_tb(uc_), "uc_ctl_flush_tb");
  clear_block_cache();
  code_pages_.clear();
  code_pages_complete_ = true;
  translated_estimate_ = 0;
  ++translation_flushes_;
}

const BlockCache::Entry& Core::analyse_block_at(uint64_t va, uint32_t size) {
  translated_estimate_ += kHostBytesPerTranslation + kHostBytesPerInstruction * (size / 4);
  return blocks_.insert(va, size, read_and_analyse(va, size));
}

// An instruction in the block that chemu traps itself: FP/SIMD while CPACR_EL1/CPTR_ELx trap it at the
// current EL (Unicorn ignores them), or one chemu makes UNDEFINED (is_chemu_undefined). The block does
// not run; the first such exception is taken at once when its instruction comes first, else after the
// instructions before it have run (Core::run restarts the engine with `until` there). Rare: the cache
// keeps only that the block has one.
bool Core::trap_before(uint64_t addr, uint32_t size) {
  const BlockInfo info = read_and_analyse(addr, size);
  int at = info.first_fp >= 0 && fp_trap_target() ? info.first_fp : -1;
  const bool undefined = info.first_undef >= 0 && (at < 0 || info.first_undef < at);
  if (undefined) at = info.first_undef;
  if (at < 0) return false;
  const PendingTrap trap{addr + 4 * uint64_t(at), undefined};
  if (at == 0) take_pending_trap(trap);  // (the engine's PC may be stale in a block hook)
  else trap_at_ = trap;
  uc_emu_stop(uc_);
  return true;
}

// The block at `addr` would take an exact budget past its end: it does not run now; the engine is
// restarted with `until` at the budget's last instruction, so a shorter block is translated and runs
// (WFE, traps and costs decided on that block, as on any other). Checked before the WFE and trap
// checks, which would otherwise act on instructions past the budget.
void Core::cut_at_budget(uint64_t addr) {
  cut_at_ = addr + 4 * (budget_ - slice_instructions_);
  uc_emu_stop(uc_);
}

void Core::take_pending_trap(const PendingTrap& trap) {
  if (trap.undefined) return take_undefined(trap.at);
  if (const int target = fp_trap_target()) take_fp_trap(target, trap.at);
}

// UNDEFINED at `at` (ESR EC 0x00, IL): to EL1 from EL0 and EL1 (EL2 from EL0 under HCR_EL2.TGE), else
// at the current EL.
void Core::take_undefined(uint64_t at) {
  const int el = this->el();
  const bool tge = (read_sysreg(sysreg::SCR_EL3) & route::SCR_NS) && (read_sysreg(sysreg::HCR_EL2) & route::HCR_TGE);
  const int target = el == 0 ? (tge ? 2 : 1) : el;
  enter_sync({ExceptionKind::Sync, target, at, true, kUnknownSyndrome, false, 0}, el);
}

BlockInfo Core::read_and_analyse(uint64_t va, uint32_t size) {
  // Read the block's words, translating once per page (a block may cross into the next page).
  std::array<uint32_t, BlockCache::kMaxBytes / 4> words{};
  const size_t n = std::min<size_t>(size / 4, words.size());
  const TranslationRegs regs = translation_regs();
  const ReadPhys64 read64 = [this](uint64_t pa) { return ram_.load<uint64_t>(pa); };
  std::optional<uint64_t> page_pa;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t v = va + 4 * i;
    if (i == 0 || (v & 0xfff) == 0) {
      page_pa = chemu::translate(regs, v & ~0xfffull, read64);
      if (page_pa) note_code_page(*page_pa);
    }
    if (page_pa) words[i] = ram_.load<uint32_t>(*page_pa + (v & 0xfff)).value_or(0);
  }
  return analyse_block(std::span(words.data(), n));
}

// ---- exceptions -----------------------------------------------------------------------------

void Core::on_intr(uc_engine*, uint32_t intno, void* self) { static_cast<Core*>(self)->take_exception(intno); }

void Core::take_exception(uint32_t intno) {
  const uint64_t at = pc();
  const int from_el = el();
  if (intno == UDEF && read_u32(at) == insn::HLT_SEMIHOST) return handle_semihosting();
  const ucx::FaultInfo f = ucx::last_fault(uc_, scratch_);
  // Unicorn stops at `until` by translating a WFI there, which traps as a WFI would (EC 0x01, PC back
  // on the instruction before `until`, which has run) where WFI traps: EL0 with SCTLR_EL1.nTWI = 0,
  // HCR_EL2.TWI, SCR_EL3.TWI. That is the run reaching `until`, not a guest exception (a real WFI ends
  // its block, so it is never just before an `until` inside one; the word is checked all the same).
  if (intno == UDEF && running_until_ && at + 4 == *running_until_ && esr_class(f.syndrome) == kEcWfx &&
      read_u32(at) != insn::WFI && read_u32(at) != insn::WFE) {
    set_reg(UC_ARM64_REG_PC, *running_until_);
    return void(uc_emu_stop(uc_));
  }
  // The engine routes synchronous exceptions (SVC to EL1, HVC to EL2, SMC to EL3, ...); never below
  // the current EL.
  const int target = std::clamp(f.target_el, std::max(from_el, 1), 3);
  ucx::EntryRequest req{ExceptionKind::Sync, target, at, true, f.syndrome, false, 0};  // the engine's PC is exact here
  if (target < 3 && traps_secure_timer(f.syndrome)) req.esr = kUnknownSyndrome;
  switch (intno) {
    case UDEF: case SWI: case BKPT: case HVC: case SMC: break;  // SVC/HVC/SMC: PC is already past them
    case PREFETCH_ABORT: case DATA_ABORT: req.set_far = true, req.far = f.vaddress; break;
    default: return fatal(fmt::format("unexpected exception number {} from the engine", intno));
  }
  enter_sync(req, from_el);
}

// Takes a synchronous exception (from the engine or chemu's own checks), watching for storms.
void Core::enter_sync(const ucx::EntryRequest& req, int from_el) {
  const uint32_t ec = esr_class(req.esr);
  auto what = [&] {  // formatted only for a listener or a storm report
    return fmt::format("{} esr={:#x}{} from=EL{} pc={:#x}{}{}", exception_class_name(ec), req.esr,
                       req.set_far ? fmt::format(" far={:#x}", req.far) : "", from_el, req.return_pc, sym(req.return_pc),
                       req.target_el == 1 ? "" : fmt::format(" to=EL{}", req.target_el));
  };
  kernel_faults_ = from_el == 0 ? 0 : kernel_faults_ + 1;
  if (kernel_faults_ >= kStormLimit) {
    const std::string w = what();
    trace(EventKind::ExceptionStorm, w);
    return fatal(fmt::format("exception storm: {} exceptions above EL0 without a return; last {}", kernel_faults_, w));
  }
  if (host_.tracer().listening()) trace(EventKind::Exception, what());
  if (kernel_observer_ && from_el == 0 && ec == kEcSvc64) kernel_observer_->on_syscall(*this, req.return_pc);
  cycles_ += cost::kExceptionEntry;
  ucx::enter_exception(uc_, req);
  entered_exception_ = true;
}

// CPACR_EL1.FPEN, CPTR_EL2.TFP and CPTR_EL3.TFP, in that priority (ARM ARM D1.11.1): the EL an FP/SIMD
// instruction traps to at the current EL, or 0 when it runs. Unicorn ignores all three.
int Core::fp_trap_target() const {
  const int el = this->el();
  const uint64_t fpen = (fp_regs_.cpacr >> 20) & 3;
  if (el <= 1 && (fpen == 0 || fpen == 2 || (fpen == 1 && el == 0))) return 1;
  const bool non_secure = read_sysreg(sysreg::SCR_EL3) & route::SCR_NS;
  if (el <= 2 && non_secure && (fp_regs_.cptr_el2 & kTfp)) return 2;
  if (fp_regs_.cptr_el3 & kTfp) return 3;
  return 0;
}

// The FP/SIMD access trap, at the instruction (ESR as QEMU gives it: EC 0x07, IL, CV, COND = 0xe).
void Core::take_fp_trap(int target_el, uint64_t at) {
  constexpr uint64_t kFpAccessSyndrome = 0x1fe00000;
  enter_sync({ExceptionKind::Sync, target_el, at, true, kFpAccessSyndrome, false, 0}, el());
}

int Core::irq_target_el() const {
  return interrupt_target_el(read_sysreg(sysreg::SCR_EL3), read_sysreg(sysreg::HCR_EL2), false);
}

bool Core::irq_takeable() const { return interrupt_taken(pstate(), irq_target_el(), false); }

void Core::take_irq(uint32_t sources) {
  const int target = irq_target_el();
  if (after_block_) settle_previous_block(pc());  // an ERET just before: it returned before the IRQ came
  if (host_.tracer().listening())
    trace(EventKind::IrqDeliver, "sources={:#x} from=EL{} pc={:#x}{}{}", sources, el(), pc(), sym(pc()),
          target == 1 ? "" : fmt::format(" to=EL{}", target));
  if (kernel_observer_) kernel_observer_->on_irq(*this);
  kernel_faults_ = 0;
  cycles_ += cost::kExceptionEntry;
  ucx::enter_exception(uc_, {ExceptionKind::Irq, target, pc(), false, 0, false, 0});
}

uint32_t Core::timer_lines() const {
  const uint64_t now = counter_now();
  return (timer_.phys.line(now) ? 2u : 0u) | (timer_.virt.line(now) ? 8u : 0u);  // CNTPNS, CNTV
}

std::optional<uint64_t> Core::next_timer_deadline(uint32_t inputs) const {
  const uint64_t now = counter_now();
  std::optional<uint64_t> best;
  auto consider = [&](const GenericTimer::Channel& ch, uint32_t bit) {
    if (!(inputs & bit) || !(ch.ctl & GenericTimer::ENABLE) || (ch.ctl & GenericTimer::IMASK) || ch.cval <= now) return;
    const uint64_t at = GenericTimer::cycle_of(ch.cval);
    if (!best || at < *best) best = at;
  };
  consider(timer_.phys, 2u);
  consider(timer_.virt, 8u);
  return best;
}

// Semihosting (ARM "Semihosting for AArch32 and AArch64"): HLT #0xF000, w0 = operation, x1 = argument.
void Core::handle_semihosting() {
  enum Op : uint64_t { SYS_WRITEC = 0x03, SYS_WRITE0 = 0x04, SYS_WRITE = 0x05, SYS_EXIT = 0x18, SYS_EXIT_EXTENDED = 0x20 };
  constexpr uint64_t ADP_Stopped_ApplicationExit = 0x20026;
  const uint64_t op = reg(UC_ARM64_REG_X0) & 0xffffffff, arg = reg(UC_ARM64_REG_X1);
  auto read_byte = [&](uint64_t va) -> std::optional<uint8_t> {
    auto pa = translate(va);
    return pa ? ram_.load<uint8_t>(*pa) : std::nullopt;
  };
  auto write_bytes = [&](uint64_t va, uint64_t len) {
    std::string s;
    for (uint64_t i = 0; i < len && i < (1u << 20); ++i) {
      auto b = read_byte(va + i);
      if (!b || (len == ~0ull && *b == 0)) break;
      s.push_back(char(*b));
    }
    host_.console_write(id_, s);
  };
  uint64_t result = 0;
  switch (op) {
    case SYS_EXIT:
    case SYS_EXIT_EXTENDED: {
      const auto type = read_u64(arg), code = read_u64(arg + 8);
      // The whole 64-bit status: the machine decides what exit code a status past 8 bits gives.
      const int64_t status = type == ADP_Stopped_ApplicationExit ? int64_t(code.value_or(1)) : 1;
      trace(EventKind::SemihostExit, "status={}", status);
      host_.semihost_exit(id_, status);
      return stop(StopReason::Halt);
    }
    case SYS_WRITEC: write_bytes(arg, 1); break;
    case SYS_WRITE0: write_bytes(arg, ~0ull); break;
    case SYS_WRITE: {
      const auto handle = read_u64(arg), buf = read_u64(arg + 8), len = read_u64(arg + 16);
      if (handle && buf && len && (*handle == 1 || *handle == 2)) write_bytes(*buf, *len);
      else result = len.value_or(0);  // nothing written
      break;
    }
    default: result = ~0ull;  // -1: unsupported
  }
  set_reg(UC_ARM64_REG_X0, result);
  set_reg(UC_ARM64_REG_PC, pc() + 4);
  entered_exception_ = true;
}

// ---- system registers -----------------------------------------------------------------------

uint32_t Core::on_mrs(uc_engine* uc, uc_arm64_reg reg, const uc_arm64_cp_reg* cp, void* self) {
  Core& c = *static_cast<Core*>(self);
  const Sysreg r = Sysreg::of(*cp);
  if (is_missing_register(r)) return c.answer_missing_register(r, true, reg, 0) ? 1 : 0;
  if (!c.may_serve(r)) return 0;  // the engine's own check traps it
  auto v = c.serve_mrs(r);
  if (!v) return 0;  // an ordinary register: let the engine read it
  if (reg != UC_ARM64_REG_XZR) uc_reg_write(uc, reg, &*v);
  return 1;
}

uint32_t Core::on_msr(uc_engine*, uc_arm64_reg reg, const uc_arm64_cp_reg* cp, void* self) {
  Core& c = *static_cast<Core*>(self);
  const Sysreg r = Sysreg::of(*cp);
  if (is_missing_register(r)) return c.answer_missing_register(r, false, reg, cp->val) ? 1 : 0;
  if (!c.may_serve(r)) return 0;  // the engine's own check traps it
  return c.serve_msr(r, cp->val) ? 1 : 0;
}

// Whether the current EL may access a register chemu serves itself without a trap. The hooks run
// before the engine's own permission checks, so chemu serves only permitted accesses and hands the
// others back to the engine, whose checks raise the exception: UNDEFINED for MPIDR_EL1 at EL0, a
// trapped access (ESR EC 0x18) for the rules below, which the engine shares (CNTKCTL_EL1 is kept in
// step with it). CNTKCTL_EL1 decides which generic-timer registers EL0 may use: EL0PCTEN (bit 0) the
// physical count, EL0VCTEN (1) the virtual count, either of them CNTFRQ, EL0VTEN (8) CNTV_*, EL0PTEN
// (9) CNTP_*. PMCCNTR_EL0 (only read here) at EL0 needs PMUSERENR_EL0.CR (bit 2) or .EN (bit 0), and
// with EN alone MDCR_EL2/EL3.TPM may still send it up, as they do at EL1 (QEMU's pmreg_access_ccntr).
bool Core::may_serve(Sysreg r) const {
  const int el = this->el();
  if (r == sysreg::MPIDR_EL1) return el >= 1;
  if (r == sysreg::CBAR_EL1) return el >= 1;
  if (r == sysreg::PMCR_EL0) return (el > 0 || (read_sysreg(sysreg::PMUSERENR_EL0) & 1)) && !mdcr_trap_el(mdcr::TPM, mdcr::TPM);
  if (r == sysreg::PMCCNTR_EL0) {
    const uint64_t user = el == 0 ? read_sysreg(sysreg::PMUSERENR_EL0) : 0;
    if (el == 0 && (user & 4)) return true;
    if (el == 0 && !(user & 1)) return false;
    return !mdcr_trap_el(mdcr::TPM, mdcr::TPM);
  }
  if (r.op0 != 3 || r.op1 != 3 || r.crn != 14 || el != 0) return true;
  const uint64_t k = timer_.cntkctl;
  if (r == sysreg::CNTPCT_EL0) return k & 1;
  if (r == sysreg::CNTVCT_EL0) return k & 2;
  if (r == sysreg::CNTFRQ_EL0) return k & 3;
  if (r.crm == 2) return k & (1u << 9);  // CNTP_TVAL/CTL/CVAL
  if (r.crm == 3) return k & (1u << 8);  // CNTV_TVAL/CTL/CVAL
  return true;
}

uint64_t Core::read_system_counter() {
  cycles_ = host_.counter_read(id_, cycles_);
  return counter_now();
}

// chemu's copies of engine registers (the FP trap controls, CNTKCTL_EL1 for the EL0 timer rules,
// TTBR0_EL1 for the block cache) are re-read from the engine after an MSR to one of them, at the next
// block: the MSR hook runs before the engine's permission check, so the written value is not known to
// stick (an EL0 write of CPACR_EL1 is UNDEFINED and changes nothing; copying it from the hook made FP
// trap from then on). A system-register write ends its block, so nothing runs on the stale copy.
void Core::refresh_copied_registers() {
  after_block_ &= ~kAfterCopiedRegisterWrite;
  fp_regs_ = {read_sysreg(sysreg::CPACR_EL1), read_sysreg(sysreg::CPTR_EL2), read_sysreg(sysreg::CPTR_EL3)};
  timer_.cntkctl = read_sysreg(sysreg::CNTKCTL_EL1);
  blocks_.set_ttbr0(read_sysreg(sysreg::TTBR0_EL1));
}

// The breakpoint and watchpoint control registers (DBGBCRn_EL1, DBGWCRn_EL1) are kept here, not in
// the engine: a breakpoint armed in Unicorn (E = 1 with a byte-address select) crashes the host process,
// so the engine's copies stay 0 and guest breakpoints and watchpoints never fire (as with the debug
// exceptions disabled). Only the registers a Cortex-A53 has (6 breakpoints, 4 watchpoints) and only
// when the access is permitted: the hooks run before the engine's checks, and skipping an access the
// engine refuses (no such register, EL0, MDCR_ELx.TDA) would loop forever or run where it must trap
// (docs/unicorn.md). Everything else in the debug space (op0 = 2) is the engine's, checks included.
bool Core::is_kept_debug_register(Sysreg r) const {
  constexpr unsigned kBreakpoints = 6, kWatchpoints = 4;
  if (r.op0 != 2 || r.op1 != 0 || r.crn != 0) return false;
  if (!((r.op2 == 5 && r.crm < kBreakpoints) || (r.op2 == 7 && r.crm < kWatchpoints))) return false;
  return el() >= 1 && !mdcr_trap_el(mdcr::TDA, mdcr::TDA | mdcr::TDE);
}

// Where MDCR_EL2/MDCR_EL3 send an access from the current EL, or 0 if they let it through: to EL2
// (EL1 and EL0, EL2 enabled: Non-secure, as the A53 has no Secure EL2) when MDCR_EL2 has one of
// `el2_bits`, else to EL3 (below EL3) when MDCR_EL3 has one of `el3_bits`: TDA for the debug
// registers (and TDE in MDCR_EL2, which implies it), TPM for the performance monitors.
int Core::mdcr_trap_el(uint64_t el3_bits, uint64_t el2_bits) const {
  const int el = this->el();
  const bool el2_enabled = read_sysreg(sysreg::SCR_EL3) & route::SCR_NS;
  if (el < 2 && el2_enabled && (read_sysreg(sysreg::MDCR_EL2) & el2_bits)) return 2;
  if (el < 3 && (read_sysreg(sysreg::MDCR_EL3) & el3_bits)) return 3;
  return 0;
}

// ---- registers the engine lacks --------------------------------------------------------------
// Registers of the Cortex-A53 as QEMU 7.2 models it that Unicorn 2.1 (QEMU 5.0) does not have:
// MDCCSR_EL0, the A53's own L2CTLR/L2ECTLR/L2ACTLR/CPUACTLR/CPUECTLR/CPUMERRSR/L2MERRSR_EL1, and PMU
// event counters 4 and 5 (the A53 has 6; QEMU 5.0 modelled 4). The engine refuses them when it
// translates them, so the hooks answer them whole: the access rules as QEMU 7.2 checks them, the
// value, and the step past the instruction (after such a refusal the engine goes on wherever a hook
// put PC: docs/unicorn.md). Counters 4 and 5 keep what is written and do not count.
namespace {
constexpr Sysreg kImpDefRegisters[] = {{3, 1, 11, 0, 2}, {3, 1, 11, 0, 3}, {3, 1, 15, 0, 0}, {3, 1, 15, 2, 0},
                                       {3, 1, 15, 2, 1}, {3, 1, 15, 2, 2}, {3, 1, 15, 2, 3}};
// PMEVCNTR4/5_EL0 (CRm 8, op2 4/5) and PMEVTYPER4/5_EL0 (CRm 12): index 0-3 into Core::pmu_extra_.
constexpr int pmu_extra_index(Sysreg r) {
  if (r.op0 != 3 || r.op1 != 3 || r.crn != 14 || (r.crm != 8 && r.crm != 12) || (r.op2 != 4 && r.op2 != 5)) return -1;
  return (r.crm == 12 ? 2 : 0) + (r.op2 - 4);
}
}  // namespace

bool Core::is_missing_register(Sysreg r) {
  return r == sysreg::MDCCSR_EL0 || pmu_extra_index(r) >= 0 ||
         std::find(std::begin(kImpDefRegisters), std::end(kImpDefRegisters), r) != std::end(kImpDefRegisters);
}

// One MRS (`read`) or MSR of a register is_missing_register() names, Rt = `rt`, MSR value `value`.
// False hands it back to the engine, which raises UNDEFINED (EL0 for the EL1 registers, an MSR of
// MDCCSR_EL0); true when it ran (PC past it) or trapped (PC at the vector).
bool Core::answer_missing_register(Sysreg r, bool read, uc_arm64_reg rt, uint64_t value) {
  const int el = this->el();
  uint64_t result = 0;
  int trap_el = 0;
  if (r == sysreg::MDCCSR_EL0) {  // read-only, reads 0 (no debug communications channel); like QEMU 7.2,
    if (!read) return false;      // EL0 may read it whatever MDSCR_EL1.TDCC says
    trap_el = mdcr_trap_el(mdcr::TDA, mdcr::TDA | mdcr::TDE);
  } else if (const int i = pmu_extra_index(r); i >= 0) {  // QEMU 7.2's pmreg_access(_xevcntr)
    const uint64_t user = el == 0 ? read_sysreg(sysreg::PMUSERENR_EL0) : 0;
    const bool counter_read_allowed = read && i < 2 && (user & 8);  // PMUSERENR_EL0.ER: no further checks
    if (!counter_read_allowed) trap_el = el == 0 && !(user & 1) ? 1 : mdcr_trap_el(mdcr::TPM, mdcr::TPM);
    if (!trap_el && read) result = pmu_extra_[i];
    if (!trap_el && !read) pmu_extra_[i] = value & (i < 2 ? 0xffffffffu : 0xfe00ffffu);  // as QEMU 7.2 keeps them
  } else {  // the A53's own registers: EL1 and up, L2CTLR_EL1 says 4 cores, the rest read 0, writes ignored
    if (el == 0) return false;
    result = r == sysreg::L2CTLR_EL1 ? 3u << 24 : 0;
  }
  const uint64_t at = pc();  // the engine wrote the instruction's address before calling the hook
  if (trap_el) {             // a trapped MSR/MRS (EC 0x18), the register and Rt in the ISS
    const uint32_t rt_number = read_u32(at).value_or(0x1f) & 0x1f;
    const uint64_t iss = uint64_t(r.op0) << 20 | uint64_t(r.op2) << 17 | uint64_t(r.op1) << 14 | uint64_t(r.crn) << 10 |
                         rt_number << 5 | uint64_t(r.crm) << 1 | (read ? 1 : 0);
    enter_sync({ExceptionKind::Sync, trap_el, at, true, uint64_t(0x18) << 26 | 1u << 25 | iss, false, 0}, el);
    return true;
  }
  if (read && rt != UC_ARM64_REG_XZR) uc_reg_write(uc_, rt, &result);
  set_reg(UC_ARM64_REG_PC, at + 4);
  stepped_past_ = true;  // (the engine goes on from there, within this run or, if it returns, the next)
  return true;
}

std::optional<uint64_t> Core::serve_mrs(Sysreg r) {
  if (is_kept_debug_register(r)) {
    auto it = debug_regs_.find(r.key());
    return it == debug_regs_.end() ? 0 : it->second;  // reset value 0 (disabled)
  }
  const uint64_t now = is_generic_timer_register(r) ? read_system_counter() : counter_now();
  if (r == sysreg::MPIDR_EL1) return 0x80000000u | uint64_t(id_);  // uniprocessor bit clear, Aff0 = core
  if (r == sysreg::CNTFRQ_EL0) return GenericTimer::kFrequency;
  if (r == sysreg::CNTPCT_EL0 || r == sysreg::CNTVCT_EL0) return now;
  if (r == sysreg::PMCCNTR_EL0) return cycles_;
  // QEMU 7.2's Cortex-A53 on raspi3b (and the A53's TRM): PMCR_EL0.IDCODE = 3 and N = 6 event counters
  // (Unicorn says 0 and 4; the writable bits are the engine's), CBAR_EL1 = the peripheral base.
  if (r == sysreg::PMCR_EL0) return (read_sysreg(sysreg::PMCR_EL0) & ~uint64_t(0xfff800)) | 0x033000;
  if (r == sysreg::CBAR_EL1) return Core::kMmioBase;
  if (r == sysreg::CNTP_CTL_EL0) return timer_.phys.read_ctl(now);
  if (r == sysreg::CNTP_CVAL_EL0) return timer_.phys.cval;
  if (r == sysreg::CNTP_TVAL_EL0) return timer_.phys.read_tval(now);
  if (r == sysreg::CNTV_CTL_EL0) return timer_.virt.read_ctl(now);
  if (r == sysreg::CNTV_CVAL_EL0) return timer_.virt.cval;
  if (r == sysreg::CNTV_TVAL_EL0) return timer_.virt.read_tval(now);
  return std::nullopt;
}

bool Core::serve_msr(Sysreg r, uint64_t v) {
  if (is_kept_debug_register(r)) return debug_regs_[r.key()] = v, true;
  const uint64_t now = is_generic_timer_register(r) ? read_system_counter() : counter_now();
  if (r == sysreg::TTBR0_EL1 || r == sysreg::CPACR_EL1 || r == sysreg::CPTR_EL2 || r == sysreg::CPTR_EL3 ||
      r == sysreg::CNTKCTL_EL1)
    return after_block_ |= kAfterCopiedRegisterWrite, false;  // the engine writes it (or traps); the copy follows
  if (r == sysreg::SCTLR_EL1 || r == sysreg::TCR_EL1 || r == sysreg::TTBR1_EL1) clear_block_cache();
  GenericTimer::Channel* ch = (r == sysreg::CNTP_CTL_EL0 || r == sysreg::CNTP_CVAL_EL0 || r == sysreg::CNTP_TVAL_EL0) ? &timer_.phys
                            : (r == sysreg::CNTV_CTL_EL0 || r == sysreg::CNTV_CVAL_EL0 || r == sysreg::CNTV_TVAL_EL0) ? &timer_.virt
                                                                                                                  : nullptr;
  if (!ch) return false;
  if (r.op2 == 1) ch->ctl = v & (GenericTimer::ENABLE | GenericTimer::IMASK);
  else if (r.op2 == 2) ch->cval = v;
  else ch->write_tval(now, v);
  trace(EventKind::TimerProgram, "{} ctl={:#x} cval={}", ch == &timer_.phys ? "phys" : "virt", ch->ctl, ch->cval);
  stop(StopReason::Budget);  // end the slice so the machine sees the new deadline
  return true;
}

uint32_t Core::on_sys(uc_engine*, uc_arm64_reg, const uc_arm64_cp_reg* cp, void* self) {
  Core& c = *static_cast<Core*>(self);
  const Sysreg r = Sysreg::of(*cp);
  if (is_tlb_maintenance(r)) {
    c.trace(EventKind::Maintenance, "tlbi op1={} crm={} op2={}", r.op1, r.crm, r.op2);
    c.code_pages_complete_ = false;
    c.host_.tlb_maintenance(c.id_);
  }
  if (c.journal_ && r == Sysreg{1, 3, 7, 4, 1}) {  // DC ZVA zeroes a line without a store the write hook sees
    if (const std::optional<uint64_t> pa = c.translate(cp->val & ~63ull)) c.journal_->before_write(*pa, 64);
  }
  if (is_ic_maintenance(r)) {
    c.trace(EventKind::Maintenance, "ic op1={} crm={} op2={} x={:#x}", r.op1, r.crm, r.op2, cp->val);
    std::optional<uint64_t> page;  // IC IVAU names a line by VA: find its physical page
    if (r == sysreg::IC_IVAU) page = c.translate(cp->val).value_or(0) & ~0xfffull;
    c.host_.code_maintenance(c.id_, page);
    // And on this core, before its next instruction fetch (on_block stops the engine before the next
    // block; ISB ends this one): Unicorn 2.1 sees the first of the guest's stores to a page holding
    // translated code, not the later ones, so other translations in that page would run stale
    // (docs/unicorn.md).
    c.queue_code_invalidation(page);
    c.own_code_stale_ = true;
  }
  return 0;  // the engine performs it locally
}

// ---- debugger ----------------------------------------------------------------------------------

// The instruction hook runs before every instruction of the blocks translated after it is added, so
// the translations of all RAM are dropped when it is added (never while the engine runs: between slices). It only
// calls the observer: block boundaries, counts and cycles stay those of a run without it. Removed, it
// is not called any more (translations made with it call an empty hook list until they are replaced).
void Core::observe_instructions(bool on) {
  if (on == code_hook_.has_value()) return;
  if (!on) {
    uc_hook_del(uc_, *code_hook_);
    code_hook_.reset();
    return;
  }
  uc_hook h;
  ucx::check(uc_hook_add(uc_, &h, UC_HOOK_CODE, reinterpret_cast<void*>(&Core::on_code), this, 1, 0), "hook instructions");
  ucx::invalidate_code(uc_, 0, GuestRam::size());  // (uc_ctl_flush_tb would clear the whole code buffer: seconds)
  code_hook_ = h;
}

// Unicorn looks for memory hooks at each access (on its slow path), so this takes effect at once,
// even from inside another hook.
void Core::watch_memory(bool on) {
  if (on == data_hook_.has_value()) return;
  if (!on) {
    uc_hook_del(uc_, *data_hook_);
    data_hook_.reset();
    return;
  }
  uc_hook h;
  ucx::check(uc_hook_add(uc_, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, reinterpret_cast<void*>(&Core::on_data), this, 1, 0),
             "hook data accesses");
  data_hook_ = h;
}

void Core::on_code(uc_engine*, uint64_t addr, uint32_t, void* self) {
  Core& c = *static_cast<Core*>(self);
  c.observer_->before_instruction(c.id_, addr);
}

bool Core::on_data(uc_engine*, uc_mem_type type, uint64_t addr, int size, int64_t, void* self) {
  Core& c = *static_cast<Core*>(self);
  c.observer_->memory_access(c.id_, addr, unsigned(size), type == UC_MEM_WRITE);
  return true;
}

void Core::read_vreg(int i, uint8_t out[16]) const {
  alignas(16) uint8_t v[16] = {};  // Unicorn reads a Q register as 16 bytes, low half first
  ucx::check(uc_reg_read(uc_, UC_ARM64_REG_Q0 + i, v), "read V register");
  std::memcpy(out, v, 16);
}

void Core::write_vreg(int i, const uint8_t in[16]) {
  alignas(16) uint8_t v[16];
  std::memcpy(v, in, 16);
  ucx::check(uc_reg_write(uc_, UC_ARM64_REG_Q0 + i, v), "write V register");
}

// ---- memory ---------------------------------------------------------------------------------

TranslationRegs Core::translation_regs() const {
  return {read_sysreg(sysreg::SCTLR_EL1), read_sysreg(sysreg::TCR_EL1), read_sysreg(sysreg::TTBR0_EL1), read_sysreg(sysreg::TTBR1_EL1)};
}

std::optional<uint64_t> Core::translate(uint64_t va) const {
  return chemu::translate(translation_regs(), va, [this](uint64_t pa) { return ram_.load<uint64_t>(pa); });
}
std::optional<uint32_t> Core::read_u32(uint64_t va) const {
  auto pa = translate(va);
  return pa ? ram_.load<uint32_t>(*pa) : std::nullopt;
}
std::optional<uint64_t> Core::read_u64(uint64_t va) const {
  auto pa = translate(va);
  return pa ? ram_.load<uint64_t>(*pa) : std::nullopt;
}

// Unicorn reports the physical address (the MMU has translated it): nothing is there.
bool Core::on_unmapped(uc_engine*, uc_mem_type type, uint64_t addr, int size, int64_t, void* self) {
  Core& c = *static_cast<Core*>(self);
  const char* what = type == UC_MEM_FETCH_UNMAPPED ? "fetch" : type == UC_MEM_WRITE_UNMAPPED ? "write" : "read";
  c.fatal(fmt::format("{} of {} bytes at physical {:#x}: no RAM or device there", what, size, addr));
  return false;
}

uint64_t Core::on_mmio_read(uc_engine*, uint64_t offset, unsigned size, void* window) {
  auto* w = static_cast<MmioWindow*>(window);
  Core& c = *w->core;
  ++c.device_accesses_;  // a device register may read differently next time: no fixed point
  if (auto v = c.host_.mmio_read(c.id_, w->base + offset, size)) return *v;
  c.fatal(fmt::format("read of {} bytes at {:#x}: no device claims it", size, w->base + offset));
  return 0;
}

void Core::on_mmio_write(uc_engine*, uint64_t offset, unsigned size, uint64_t value, void* window) {
  auto* w = static_cast<MmioWindow*>(window);
  Core& c = *w->core;
  ++c.device_accesses_;
  if (!c.host_.mmio_write(c.id_, w->base + offset, size, value))
    c.fatal(fmt::format("write of {:#x} ({} bytes) at {:#x}: no device claims it", value, size, w->base + offset));
}

}  // namespace chemu
