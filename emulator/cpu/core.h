// One Cortex-A53 core: a Unicorn engine plus everything Unicorn does not do for a full system —
// exception entry, the generic timer and MPIDR, WFI/WFE/SEV, cache/TLB maintenance seen by the
// other cores, MMIO routed to the bus, semihosting, and an instruction budget per slice.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>
#include <string>
#include <string_view>
#include <memory>
#include <tuple>

#include <unicorn/unicorn.h>

#include "cpu/block_cache.h"
#include "cpu/block_info.h"
#include "cpu/exception.h"
#include "cpu/generic_timer.h"
#include "cpu/page_walk.h"
#include "cpu/spin_detector.h"
#include "cpu/sysreg.h"
#include "cpu/unicorn_compat.h"
#include "guest/kernel_observer.h"
#include "guest/symbols.h"
#include "machine/guest_ram.h"
#include "machine/ram_journal.h"
#include "trace/tracer.h"

namespace chemu {

enum class CoreState { Running, SpinTable, Wfi, Wfe, Halted };
std::string_view core_state_name(CoreState s);

enum class StopReason { Budget, Wfi, Wfe, Halt };

// What a core needs from the machine around it.
class CoreHost {
 public:
  virtual ~CoreHost() = default;
  virtual std::optional<uint64_t> mmio_read(int core, uint64_t pa, unsigned size) = 0;
  virtual bool mmio_write(int core, uint64_t pa, unsigned size, uint64_t value) = 0;
  virtual void send_event(int core) = 0;                                // SEV
  virtual void tlb_maintenance(int core) = 0;                         // TLBI: to be seen by the other cores
  virtual void code_maintenance(int core, std::optional<uint64_t> page) = 0;  // IC: a physical page, or all
  virtual void semihost_exit(int core, int64_t status) = 0;
  virtual void console_write(int core, std::string_view text) = 0;      // semihosting output
  virtual void fatal_guest_error(int core, const std::string& what) = 0;  // ends the run
  virtual Tracer& tracer() = 0;
  // The system counter is one for all cores: a core reading it at `cycle` must not see less than any
  // core has seen. Returns the cycle the reader has to be at (a core behind catches up, as a stalled
  // core would).
  virtual uint64_t counter_read(int core, uint64_t cycle) = 0;
  // An IRQ is raised for `core` now (asked after the core may have unmasked interrupts).
  virtual bool irq_raised(int /*core*/) { return false; }
};

// A debugger's view of one core (gdb/): told of every instruction before it runs and, while it
// watches memory, of every guest data access before it happens. It may hold the host thread inside
// these calls (the guest waits where it is), but never changes what the guest sees.
class CoreObserver {
 public:
  virtual ~CoreObserver() = default;
  virtual void before_instruction(int core, uint64_t pc) = 0;
  virtual void memory_access(int core, uint64_t pa, unsigned size, bool write) = 0;  // Unicorn gives the physical address
};

class Core {
 public:
  static constexpr uint64_t kMmioBase = 0x3f000000, kMmioSize = 0x01000000;      // SoC peripherals
  static constexpr uint64_t kLocalBase = 0x40000000, kLocalSize = 0x00040000;    // BCM2836 local block

  Core(int id, GuestRam& ram, CoreHost& host, uint32_t translation_buffer = 0);
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  int id() const { return id_; }
  CoreState state() const { return state_; }
  void set_state(CoreState s) { state_ = s; }

  // Start executing at `entry` at ELxh (x = 1, 2, 3) with interrupts masked and the MMU off.
  void start_at(uint64_t entry, int el);
  struct SliceResult {
    uint64_t instructions;
    StopReason reason;
  };
  // Runs until `budget` instructions retire or the cycle counter reaches `deadline` (both checked at
  // block boundaries), or the core waits or halts. An `exact` budget is never passed: the block that
  // would cross it runs only up to it (for --max-instructions; a slice's quantum may overshoot).
  SliceResult run(uint64_t budget, uint64_t deadline = ~0ull, bool exact = false);
  // Takes an IRQ now (between slices): the host's exception entry through VBAR_ELx + 0x80/0x280/0x480,
  // at the EL that SCR_EL3 and HCR_EL2 route it to.
  void take_irq(uint32_t sources);
  bool irq_takeable() const;  // an IRQ would be taken now (routing and PSTATE.I)
  void end_slice() { stop(StopReason::Budget); }  // from a device or listener: end the running slice

  uint64_t cycles() const { return cycles_; }
  uint64_t instructions() const { return instructions_; }
  uint64_t pc() const;
  uint32_t pstate() const;
  int el() const { return chemu::pstate::el(pstate()); }
  uint64_t reg(int uc_reg) const;
  void set_reg(int uc_reg, uint64_t value);
  uint64_t read_sysreg(Sysreg r) const;
  // "core N pc=0x... <symbol+off> EL1": how reports name where the guest was.
  std::string where() const;
  // The image's symbols, for every address this core prints (the Machine owns them; may be empty).
  void set_symbols(const Symbols* s) { symbols_ = s; }
  // A model of the guest kernel told of syscalls, IRQs and ERETs (nullptr: none, the default).
  void set_kernel_observer(KernelObserver* o) { kernel_observer_ = o; }
  // " <symbol+off>" for an address of the image, else empty.
  std::string sym(uint64_t addr) const { return symbols_ ? symbols_->suffix(addr) : std::string(); }

  bool event_register() const { return event_; }
  void set_event() { event_ = true; }

  // The exclusive monitor (core_monitor.cpp). A load-exclusive reserves the 64-byte granule (the
  // Cortex-A53's exclusives reservation granule) holding its address; another core's store there
  // clears the reservation, which is a WFE wake-up event. The machine calls settle_reservation()
  // after each slice of this core and lose_reservation_if_written() after each slice of another.
  static constexpr uint64_t kGranule = 64;
  void settle_reservation();
  bool lose_reservation_if_written();  // true once, when another core's store cleared it
  std::optional<uint64_t> reserved_granule() const { return reservation_ ? std::optional(reservation_->granule) : std::nullopt; }
  void queue_tlb_flush() { flush_tlb_ = true; }
  // Invalidate translated code of a physical page (or all code) before the next slice.
  void queue_code_invalidation(std::optional<uint64_t> page);
  // Timer outputs now, as LocalIntc::TimerBit bits (EL1 physical = CNTPNS, virtual = CNTV).
  uint32_t timer_lines() const;
  // First cycle at which one of the `inputs` timer outputs rises, if it is armed and not yet high.
  std::optional<uint64_t> next_timer_deadline(uint32_t inputs) const;
  // A waiting core's clock catches up with the machine when it wakes (never goes back).
  void advance_to(uint64_t cycle) { cycles_ = std::max(cycles_, cycle); }

  // Spin skip (cpu/spin_detector.h): a slice spent spinning at a fixed point ends without running
  // the spin, with the same instructions, cycles and registers. On unless turned off (--no-spin-skip).
  void set_spin_skip(bool on) { spin_skip_ = on; }
  uint64_t skipped_instructions() const { return skipped_instructions_; }  // charged without running
  uint64_t translation_flushes() const { return translation_flushes_; }    // times drop_all_translations emptied the buffer
  // pct-comm (sched/interleaver.h): count the events through which this core talks to the others
  // (blocks with a store-exclusive, store-release or SEV; IPIs, told by the machine). A slice given
  // a limit of n ends at the first block boundary after its n-th event. Off: nothing is counted.
  void count_communications(bool on) { count_communications_ = on; }
  void limit_communications(uint64_t n) { communication_limit_ = n; }  // for the next slice; 0: none
  uint64_t slice_communications() const { return slice_communications_; }
  void communication_event();

  // A debugger: told of instructions while observe_instructions is on (turned on between slices
  // only: the hook is compiled into translated code, which is dropped then), of data accesses while
  // watch_memory is on (any time). Both slow the core down.
  void set_observer(CoreObserver* observer) { observer_ = observer; }
  void observe_instructions(bool on);
  void watch_memory(bool on);
  // V0-V31 as 16 little-endian bytes.
  void read_vreg(int i, uint8_t out[16]) const;
  void write_vreg(int i, const uint8_t in[16]);

  // Snapshots (Machine::take_snapshot), between slices only. The engine's CPU state is a uc_context
  // (registers, system registers, PSTATE, the exclusive monitor); everything chemu keeps beside the
  // engine is in fields(). Restoring drops the engine's TLB, its translations of `rewritten` pages
  // (RAM the journal put back) and the block cache, which may describe code that is gone.
  struct ContextFree {
    void operator()(uc_context* c) const { uc_context_free(c); }
  };
  using EngineContext = std::unique_ptr<uc_context, ContextFree>;
  EngineContext save_engine() const;
  void restore_engine(uc_context* saved, const std::vector<uint64_t>& rewritten);
  auto fields() {
    return std::tie(state_, timer_, cycles_, instructions_, slice_instructions_, budget_, deadline_, stop_, event_,
                    entered_exception_, after_block_, flush_tlb_, invalidate_all_code_, stepped_past_, own_code_stale_,
                    stale_code_pages_, wfi_resume_pc_, last_block_, flags_seen_, device_accesses_, exceptions_,
                    skipped_instructions_, spin_, kernel_faults_, fp_regs_, pmu_extra_, debug_regs_, trap_at_,
                    exact_budget_, cut_at_, running_until_, block_, counted_tail_, slice_exclusive_, reservation_,
                    communication_limit_, slice_communications_);
  }
  // Every guest store to RAM is told to `journal` before it happens (nullptr: stop telling).
  void track_writes(RamJournal* journal);

  // Guest memory through this core's current translation (nullopt if unmapped or not RAM).
  std::optional<uint64_t> translate(uint64_t va) const;
  std::optional<uint32_t> read_u32(uint64_t va) const;
  std::optional<uint64_t> read_u64(uint64_t va) const;

 private:
  static void on_code(uc_engine* uc, uint64_t addr, uint32_t size, void* self);
  static bool on_data(uc_engine* uc, uc_mem_type type, uint64_t addr, int size, int64_t value, void* self);
  static bool on_ram_write(uc_engine* uc, uc_mem_type type, uint64_t addr, int size, int64_t value, void* self);
  static void on_block(uc_engine* uc, uint64_t addr, uint32_t size, void* self);
  static void on_intr(uc_engine* uc, uint32_t intno, void* self);
  static uint32_t on_mrs(uc_engine* uc, uc_arm64_reg reg, const uc_arm64_cp_reg* cp, void* self);
  static uint32_t on_msr(uc_engine* uc, uc_arm64_reg reg, const uc_arm64_cp_reg* cp, void* self);
  static uint32_t on_sys(uc_engine* uc, uc_arm64_reg reg, const uc_arm64_cp_reg* cp, void* self);
  static bool on_unmapped(uc_engine* uc, uc_mem_type type, uint64_t addr, int size, int64_t value, void* self);
  static uint64_t on_mmio_read(uc_engine* uc, uint64_t offset, unsigned size, void* window);
  static void on_mmio_write(uc_engine* uc, uint64_t offset, unsigned size, uint64_t value, void* window);

  void add_hooks();
  // The hit path is inline; a miss reads and analyses the block out of line.
  const BlockCache::Entry& block_info(uint64_t va, uint32_t size) {
    if (const BlockCache::Entry* e = blocks_.find(va, size)) [[likely]] return *e;
    return analyse_block_at(va, size);
  }
  [[gnu::noinline]] const BlockCache::Entry& analyse_block_at(uint64_t va, uint32_t size);
  void drop_all_translations();
  // Host code per translated block, over-estimated (drop_all_translations says why).
  static constexpr uint64_t kHostBytesPerTranslation = 1024, kHostBytesPerInstruction = 512;
  uint64_t translated_estimate_ = 0;  // bytes of the engine's code buffer used since it was last emptied, at most
  uint64_t translations_flush_at_ = 0;
  BlockInfo read_and_analyse(uint64_t va, uint32_t size);
  static constexpr uint64_t kCodePage = 0x1000;  // the granule code maintenance works in
  void note_code_page(uint64_t pa);
  bool code_page_changed(const std::pair<const uint64_t, std::vector<uint8_t>>& page);
  void drop_changed_code();
  [[gnu::noinline]] bool trap_before(uint64_t addr, uint32_t size);
  struct PendingTrap {
    uint64_t at;     // the instruction
    bool undefined;  // UNDEFINED (is_chemu_undefined), else the FP/SIMD access trap
  };
  void take_pending_trap(const PendingTrap& trap);
  void cut_at_budget(uint64_t addr);
  void take_undefined(uint64_t at);
  bool settle_previous_block(uint64_t addr);
  void settle_eret(uint64_t addr);
  bool pass_wfe(uint16_t flags);
  struct Reservation {
    uint64_t granule;                      // physical, 64-byte aligned
    std::array<uint8_t, kGranule> bytes;   // as they were when the reservation was taken or last settled
  };
  std::optional<Reservation> read_reservation() const;
  // Spin skip (core_spin.cpp).
  void at_backward_branch(uint64_t head) {
    if (spin_skip_) [[likely]]
      if (const SpinDetector::Action a = spin_.arrive(head); a != SpinDetector::Action::None) examine_loop(a);
  }
  [[gnu::noinline]] void examine_loop(SpinDetector::Action a);
  void skip_spin(const SpinDetector::Iteration& it);
  SpinDetector::Registers loop_registers() const;
  SpinDetector::Progress progress() const { return {slice_instructions_, cycles_, device_accesses_, exceptions_}; }
  void add_spin_hooks();
  static void count_exception(uc_engine* uc, uint32_t intno, void* self);
  void take_exception(uint32_t intno);
  void enter_sync(const ucx::EntryRequest& req, int from_el);
  int irq_target_el() const;
  int fp_trap_target() const;
  bool fp_traps_armed() const { return ((fp_regs_.cpacr >> 20) & 3) != 3 || ((fp_regs_.cptr_el2 | fp_regs_.cptr_el3) & kTfp); }
  void take_fp_trap(int target_el, uint64_t at);
  void refresh_copied_registers();
  void handle_semihosting();
  void flush_sev();
  void clear_block_cache();
  void apply_queued_maintenance();
  std::optional<uint64_t> serve_mrs(Sysreg r);
  bool serve_msr(Sysreg r, uint64_t value);
  bool may_serve(Sysreg r) const;
  bool is_kept_debug_register(Sysreg r) const;
  int mdcr_trap_el(uint64_t el3_bits, uint64_t el2_bits) const;
  static bool is_missing_register(Sysreg r);
  bool answer_missing_register(Sysreg r, bool read, uc_arm64_reg rt, uint64_t value);
  void stop(StopReason r);
  void fatal(const std::string& what);
  void trace(EventKind k, std::string details);
  // Formats the details only if someone listens to the trace.
  template <typename... Args>
  void trace(EventKind k, fmt::format_string<Args...> details, Args&&... args) {
    host_.tracer().emit(id_, cycles_, k, details, std::forward<Args>(args)...);
  }
  uint64_t counter_now() const { return GenericTimer::count_at(cycles_); }
  uint64_t read_system_counter();  // counter_now() after catching up with the other cores' reads
  TranslationRegs translation_regs() const;

  struct MmioWindow {
    Core* core;
    uint64_t base;
  };

  const int id_;
  GuestRam& ram_;
  CoreHost& host_;
  const Symbols* symbols_ = nullptr;
  KernelObserver* kernel_observer_ = nullptr;
  uc_engine* uc_ = nullptr;
  uc_context* scratch_ = nullptr;
  MmioWindow windows_[2];
  CoreState state_ = CoreState::Halted;
  GenericTimer timer_;

  uint64_t cycles_ = 0, instructions_ = 0;
  uint64_t slice_instructions_ = 0, budget_ = 0, deadline_ = ~0ull;
  std::optional<StopReason> stop_;
  bool event_ = false, entered_exception_ = false;
  ExclusiveEffect slice_exclusive_ = ExclusiveEffect::None;  // of the last exclusive run this slice
  std::optional<Reservation> reservation_;
  uint8_t after_block_ = 0;  // block_flag::kSev / kEret of the block that ran last, settled at the next
  // Not a block flag: an MSR to a register chemu keeps a copy of ran (refresh_copied_registers).
  static constexpr uint8_t kAfterCopiedRegisterWrite = 0x80;
  static constexpr uint8_t kAfterUnmask = 0x40;  // the block may have unmasked interrupts (BlockInfo::unmasks)
  bool flush_tlb_ = false, invalidate_all_code_ = false;
  bool stepped_past_ = false;  // answer_missing_register moved PC past an instruction
  bool own_code_stale_ = false;  // this core ran an IC instruction: drop its translations before going on
  std::vector<uint64_t> stale_code_pages_;  // physical pages whose translated code is to be dropped
  // The physical pages this engine has translated code from since they were last dropped, with their
  // bytes then (empty: translated again from other bytes since). An IC IALLU(IS) drops only the pages
  // whose bytes changed (drop_changed_code). Incomplete after a TLBI or a snapshot restore: a block
  // cache hit may then hide a translation from a page not listed, so the next IC IALLU drops all code.
  std::map<uint64_t, std::vector<uint8_t>> code_pages_;
  bool code_pages_complete_ = true;
  uint64_t wfi_resume_pc_ = ~0ull;  // PC after the WFI ending the last block run, if it ended in one

  BlockCache blocks_;

  // Spin skip: where the last block started, which block_flag bits the blocks since the detector's
  // mark had, and the device accesses and exceptions it compares.
  bool spin_skip_ = true;
  uint64_t last_block_ = 0;
  uint16_t flags_seen_ = 0;
  uint64_t device_accesses_ = 0, exceptions_ = 0, skipped_instructions_ = 0;
  uint64_t translation_flushes_ = 0;  // a statistic only: nothing in the run depends on it
  SpinDetector spin_;
  bool count_communications_ = false;
  uint64_t communication_limit_ = 0, slice_communications_ = 0;
  unsigned kernel_faults_ = 0;  // synchronous exceptions above EL0 since the last ERET
  // What decides FP/SIMD traps (copied from the engine: Unicorn itself never traps FP/SIMD).
  static constexpr uint64_t kTfp = 1u << 10;  // CPTR_EL2/EL3.TFP
  struct FpTrapRegs {
    uint64_t cpacr = 0, cptr_el2 = 0, cptr_el3 = 0;
  } fp_regs_;
  std::array<uint64_t, 4> pmu_extra_{};  // PMEVCNTR4/5_EL0, PMEVTYPER4/5_EL0 (answer_missing_register)
  std::map<uint16_t, uint64_t> debug_regs_;  // written DBGBCRn/DBGWCRn_EL1 (is_kept_debug_register), by Sysreg::key()
  std::optional<PendingTrap> trap_at_;  // an instruction chemu traps, after the instructions before it
  bool exact_budget_ = false;      // this slice's budget must not be passed (cut_at_budget)
  std::optional<uint64_t> cut_at_;  // an exact budget ends the slice here, inside a block
  std::optional<uint64_t> running_until_;  // the `until` of the engine run in progress, if not kUntil
  CoreObserver* observer_ = nullptr;
  std::pair<uint64_t, uint64_t> block_{};       // the last block counted: [start, end)
  std::optional<uint64_t> counted_tail_;         // the engine goes on here, inside block_ (counted already)
  void pin_pc(uint64_t block_start);
  void note_stop_inside_block();
  std::optional<uc_hook> code_hook_, data_hook_;  // while the observer looks
  RamJournal* journal_ = nullptr;                 // track_writes
  std::optional<uc_hook> journal_hook_;
};

}  // namespace chemu
