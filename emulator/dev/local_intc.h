// BCM2836 per-core local peripherals ("ARM control", QA7) at 0x40000000: routing of each core's
// generic-timer outputs, of the GPU (BCM2835 controller) IRQ/FIQ and of the local timer; the 16
// inter-core mailboxes; each core's IRQ/FIQ source registers; the core timer and its controls.
//
//   0x00 CONTROL        core timer clock source (bit 9) and increment (bit 8): kept, read back
//   0x08 PRESCALER      core timer prescaler: kept, read back (0x80000000, divide by 1, as the firmware leaves it)
//   0x0c GPU_ROUTING    bits 0-1: core that gets the GPU IRQ, bits 2-3: core that gets the GPU FIQ
//   0x10/0x14 PMU routing write-set / write-clear (bits 0-3 IRQ, 4-7 FIQ per core); reads give the routing
//   0x1c CORE_TIMER_LS  0x20 CORE_TIMER_MS: the 64-bit core timer; reading LS latches MS
//   0x24 LOCAL_TIMER_ROUTING  bits 0-1: core, bit 2: FIQ instead of IRQ
//   0x34 LOCAL_TIMER_CONTROL  bits 0-27 reload value (38.4 MHz ticks), 28 enable, 29 interrupt enable,
//                             31 interrupt flag (read); the register keeps what was written, as on QEMU
//   0x38 LOCAL_TIMER_IRQ      write bit 31: clear the flag, bit 30: reload now; reads 0
//   0x40 + 4n  core n timer interrupt control: bits 0-3 route CNTPS, CNTPNS, CNTHP, CNTV to IRQ, 4-7 to FIQ
//   0x50 + 4n  core n mailbox interrupt control: bit m routes mailbox m to IRQ, bit 4+m to FIQ
//   0x60 + 4n  core n IRQ source (read-only)    0x70 + 4n  core n FIQ source (read-only)
//              bits 0-3 timers, 4-7 mailboxes 0-3, 8 GPU, 9 PMU, 11 local timer
//   0x80 + 16n + 4m  core n mailbox m write-set (bits OR in)
//   0xc0 + 16n + 4m  core n mailbox m read / write-1s-to-clear
// Inputs are level signals sampled when a source is computed: the cores' generic timers, the GPU IRQ
// and FIQ lines of the BCM2835 controller, the local timer (counted from the machine's Clock). A local
// source routed to FIQ is not also an IRQ (FIQ wins); the GPU IRQ and FIQ are separate lines, routed
// separately. Only 32-bit accesses are valid.
// Against QEMU 7.2 (the reference): the local timer, routing, mailboxes and sources behave as there
// (the local timer runs at 38.4 MHz and reloads periodically). QEMU does not implement CONTROL,
// PRESCALER, the core timer or PMU routing (they read 0 there); chemu follows QA7 for them: the core
// timer reads the system counter the generic timers count (62.5 MHz, CNTPCT), whatever the prescaler
// says; writing it is not modelled. chemu has no PMU interrupt, so the routing is only kept.
#pragma once
#include <tuple>
#include <array>
#include <functional>
#include <optional>

#include "dev/device.h"

namespace chemu {

class LocalIntc final : public Device {
 public:
  static constexpr uint64_t kBase = 0x40000000, kSize = 0x100;
  static constexpr int kCores = 4;
  enum Reg : uint64_t {
    CONTROL = 0x00, PRESCALER = 0x08, GPU_ROUTING = 0x0c, PMU_SET = 0x10, PMU_CLEAR = 0x14,
    CORE_TIMER_LS = 0x1c, CORE_TIMER_MS = 0x20,
    LOCAL_TIMER_ROUTING = 0x24, LOCAL_TIMER_CONTROL = 0x34, LOCAL_TIMER_IRQ = 0x38,
    TIMER_CONTROL = 0x40, MAILBOX_CONTROL = 0x50, IRQ_SOURCE = 0x60, FIQ_SOURCE = 0x70,
    MAILBOX_SET = 0x80, MAILBOX_CLEAR = 0xc0,
  };
  // Timer input bits (QEMU 7.2 numbering): secure physical, non-secure physical, hypervisor, virtual.
  enum TimerBit : uint32_t { CNTPS = 1, CNTPNS = 2, CNTHP = 4, CNTV = 8 };
  static constexpr uint32_t kMailboxShift = 4, kGpuBit = 1u << 8, kPmuBit = 1u << 9, kLocalTimerBit = 1u << 11;
  // LOCAL_TIMER_CONTROL and LOCAL_TIMER_IRQ bits.
  static constexpr uint32_t kLtFlag = 1u << 31, kLtReload = 1u << 30, kLtIntEnable = 1u << 29, kLtEnable = 1u << 28,
                            kLtValueMask = 0x0fffffff;
  static constexpr uint64_t kLocalTimerHz = 38'400'000;

  struct GpuLines {
    bool irq = false, fiq = false;
  };
  using TimerLines = std::function<uint32_t(int core)>;  // current timer outputs of a core
  using GpuInputs = std::function<GpuLines()>;           // the BCM2835 controller's outputs
  using MailboxListener = std::function<void(int from, int to, int mailbox, uint32_t bits)>;
  LocalIntc(GuestErrorLog& log, TimerLines timers, GpuInputs gpu = {}, Clock clock = {})
      : log_(log), timers_(std::move(timers)), gpu_(std::move(gpu)), clock_(std::move(clock)) {
    reset();
  }
  void set_mailbox_listener(MailboxListener l) { on_mailbox_ = std::move(l); }

  std::string_view name() const override { return "local-intc"; }
  void reset() override;
  uint64_t read(const MmioAccess& a) override;
  void write(const MmioAccess& a, uint64_t value) override;

  uint32_t irq_source(int core) const { return sources(core).irq; }
  uint32_t fiq_source(int core) const { return sources(core).fiq; }
  bool irq_pending(int core) const { return irq_source(core) != 0; }
  // Which timer inputs of `core` can raise an interrupt at all (routed to IRQ or FIQ).
  uint32_t routed_timers(int core) const { return (timer_control_[size_t(core)] | timer_control_[size_t(core)] >> 4) & 0xf; }
  int gpu_irq_core() const { return int(gpu_routing_ & 3); }
  int gpu_fiq_core() const { return int(gpu_routing_ >> 2 & 3); }
  // The cycle at which the local timer raises a source of `core`, if it is routed there and its
  // interrupt enabled: its first expiry not yet latched in the flag, which may be behind the clock
  // (a waiting core wakes at that cycle, not at the time someone looked).
  std::optional<uint64_t> local_timer_deadline(int core) const;

  // What changes as the guest runs, for machine snapshots (Machine::take_snapshot).
  auto fields() { return std::tie(control_, prescaler_, gpu_routing_, pmu_routing_, local_timer_routing_, lt_control_, lt_start_, lt_next_, core_timer_ms_latch_, timer_control_, mailbox_control_, mailbox_); }

 private:
  struct Sources {
    uint32_t irq = 0, fiq = 0;
  };
  Sources sources(int core) const;
  uint64_t now() const { return clock_ ? clock_() : 0; }
  // Local timer: counting since lt_start_ with period reload x 1/38.4 MHz; lt_next_ numbers the next expiry.
  bool lt_counting() const { return (lt_control_ & kLtEnable) && (lt_control_ & kLtValueMask); }
  uint64_t lt_expiry(uint64_t n) const;
  bool lt_flag(uint64_t t) const { return (lt_control_ & kLtFlag) || (lt_counting() && t >= lt_expiry(lt_next_)); }
  void lt_catch_up(uint64_t t);
  void lt_start(uint64_t t) { lt_start_ = t, lt_next_ = 1; }
  void write_local_timer_control(int core, uint32_t v);
  void write_local_timer_irq(uint32_t v);
  uint64_t read_core_timer(uint64_t offset);

  GuestErrorLog& log_;
  TimerLines timers_;
  GpuInputs gpu_;
  Clock clock_;
  MailboxListener on_mailbox_;
  uint32_t control_ = 0, prescaler_ = 0, gpu_routing_ = 0, pmu_routing_ = 0, local_timer_routing_ = 0;
  uint32_t lt_control_ = 0;
  uint64_t lt_start_ = 0, lt_next_ = 1;
  uint32_t core_timer_ms_latch_ = 0;
  std::array<uint32_t, kCores> timer_control_{}, mailbox_control_{};
  std::array<std::array<uint32_t, 4>, kCores> mailbox_{};
};

}  // namespace chemu
