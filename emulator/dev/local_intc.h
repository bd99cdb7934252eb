// BCM2836 per-core local peripherals ("ARM control", QA7) at 0x40000000: routing of each core's
// generic-timer outputs, the 16 inter-core mailboxes, and each core's IRQ/FIQ source registers.
//
//   0x00 CONTROL       0x08 PRESCALER     0x0c GPU_ROUTING     0x10/0x14 PMU routing set/clear
//   0x24 LOCAL_TIMER_ROUTING  0x34 LOCAL_TIMER_CONTROL  0x38 LOCAL_TIMER_IRQ (write: clear/reload)
//   0x40 + 4n  core n timer interrupt control: bits 0-3 route CNTPS, CNTPNS, CNTHP, CNTV to IRQ, 4-7 to FIQ
//   0x50 + 4n  core n mailbox interrupt control: bit m routes mailbox m to IRQ, bit 4+m to FIQ
//   0x60 + 4n  core n IRQ source (read-only)    0x70 + 4n  core n FIQ source (read-only)
//              bits 0-3 timers, 4-7 mailboxes 0-3, 8 GPU, 9 PMU, 11 local timer
//   0x80 + 16n + 4m  core n mailbox m write-set (bits OR in)
//   0xc0 + 16n + 4m  core n mailbox m read / write-1s-to-clear
// Timer inputs are level signals sampled from the cores' generic timers when a source is computed.
// A source routed to FIQ is not also an IRQ (FIQ wins). Only 32-bit accesses are valid.
#pragma once
#include <array>
#include <functional>

#include "dev/device.h"

namespace chemu {

class LocalIntc final : public Device {
 public:
  static constexpr uint64_t kBase = 0x40000000, kSize = 0x100;
  static constexpr int kCores = 4;
  enum Reg : uint64_t {
    CONTROL = 0x00, PRESCALER = 0x08, GPU_ROUTING = 0x0c, PMU_SET = 0x10, PMU_CLEAR = 0x14,
    LOCAL_TIMER_ROUTING = 0x24, LOCAL_TIMER_CONTROL = 0x34, LOCAL_TIMER_IRQ = 0x38,
    TIMER_CONTROL = 0x40, MAILBOX_CONTROL = 0x50, IRQ_SOURCE = 0x60, FIQ_SOURCE = 0x70,
    MAILBOX_SET = 0x80, MAILBOX_CLEAR = 0xc0,
  };
  // Timer input bits (QEMU 7.2 numbering): secure physical, non-secure physical, hypervisor, virtual.
  enum TimerBit : uint32_t { CNTPS = 1, CNTPNS = 2, CNTHP = 4, CNTV = 8 };
  static constexpr uint32_t kMailboxShift = 4, kGpuBit = 1u << 8;

  using TimerLines = std::function<uint32_t(int core)>;  // current timer outputs of a core
  using MailboxListener = std::function<void(int from, int to, int mailbox, uint32_t bits)>;
  LocalIntc(GuestErrorLog& log, TimerLines timers) : log_(log), timers_(std::move(timers)) { reset(); }
  void set_mailbox_listener(MailboxListener l) { on_mailbox_ = std::move(l); }

  std::string_view name() const override { return "local-intc"; }
  void reset() override;
  uint64_t read(const MmioAccess& a) override;
  void write(const MmioAccess& a, uint64_t value) override;

  uint32_t irq_source(int core) const;
  uint32_t fiq_source(int core) const;
  bool irq_pending(int core) const { return irq_source(core) != 0; }
  // Which timer inputs of `core` can raise an interrupt at all (routed to IRQ or FIQ).
  uint32_t routed_timers(int core) const { return (timer_control_[size_t(core)] | timer_control_[size_t(core)] >> 4) & 0xf; }

 private:
  uint32_t raw_sources(int core, uint32_t& to_fiq) const;
  GuestErrorLog& log_;
  TimerLines timers_;
  MailboxListener on_mailbox_;
  uint32_t control_ = 0, prescaler_ = 0, gpu_routing_ = 0, pmu_routing_ = 0, local_timer_routing_ = 0, local_timer_control_ = 0;
  std::array<uint32_t, kCores> timer_control_{}, mailbox_control_{};
  std::array<std::array<uint32_t, 4>, kCores> mailbox_{};
};

}  // namespace chemu
