#include "dev/local_intc.h"

#include <fmt/format.h>

#include "cpu/generic_timer.h"

namespace chemu {

void LocalIntc::reset() {
  control_ = gpu_routing_ = pmu_routing_ = local_timer_routing_ = lt_control_ = core_timer_ms_latch_ = 0;
  prescaler_ = 0x80000000;  // divide by 1
  lt_start_ = 0, lt_next_ = 1;
  timer_control_ = {};
  mailbox_control_ = {};
  mailbox_ = {};
}

// Every asserted source of `core`, split into what reaches its IRQ and its FIQ (QA7 4.10-4.12).
LocalIntc::Sources LocalIntc::sources(int core) const {
  const size_t c = size_t(core);
  Sources s;
  auto route = [&s](uint32_t bit, uint32_t control, unsigned input) {  // FIQ wins over IRQ
    if (control >> (4 + input) & 1) s.fiq |= bit;
    else if (control >> input & 1) s.irq |= bit;
  };
  const uint32_t timers = timers_ ? timers_(core) : 0;
  for (unsigned t = 0; t < 4; ++t)
    if (timers >> t & 1) route(1u << t, timer_control_[c], t);
  for (unsigned m = 0; m < 4; ++m)
    if (mailbox_[c][m]) route(1u << (kMailboxShift + m), mailbox_control_[c], m);
  const GpuLines gpu = gpu_ ? gpu_() : GpuLines{};
  if (gpu.irq && gpu_irq_core() == core) s.irq |= kGpuBit;
  if (gpu.fiq && gpu_fiq_core() == core) s.fiq |= kGpuBit;
  if ((lt_control_ & kLtIntEnable) && int(local_timer_routing_ & 3) == core && lt_flag(now()))
    (local_timer_routing_ & 4 ? s.fiq : s.irq) |= kLocalTimerBit;
  return s;
}

// ---- local timer --------------------------------------------------------------------------------

// The cycle of expiry n (1, 2, ...) since the timer was started: n x reload ticks of 38.4 MHz
// (31.25 cycles each at 1.2 GHz), rounded up to a whole cycle. 128-bit: n x reload can pass 2^64.
uint64_t LocalIntc::lt_expiry(uint64_t n) const {
  using u128 = unsigned __int128;
  const u128 ticks = u128(n) * (lt_control_ & kLtValueMask);
  const u128 cycles = (ticks * GenericTimer::kCpuHz + kLocalTimerHz - 1) / kLocalTimerHz;
  const u128 at = lt_start_ + cycles;
  return at > ~uint64_t(0) ? ~uint64_t(0) : uint64_t(at);
}

// Latches the flag if an expiry has passed by `t`, and moves lt_next_ to the first expiry after `t`
// (the timer reloads by itself and keeps counting).
void LocalIntc::lt_catch_up(uint64_t t) {
  if (!lt_counting() || t < lt_expiry(lt_next_)) return;
  lt_control_ |= kLtFlag;
  using u128 = unsigned __int128;
  const u128 period_num = u128(lt_control_ & kLtValueMask) * GenericTimer::kCpuHz;  // cycles x 38.4 MHz
  lt_next_ = uint64_t(u128(t - lt_start_) * kLocalTimerHz / period_num) + 1;  // expiries so far, plus one
}

std::optional<uint64_t> LocalIntc::local_timer_deadline(int core) const {
  if (!lt_counting() || !(lt_control_ & kLtIntEnable) || int(local_timer_routing_ & 3) != core) return std::nullopt;
  if (lt_control_ & kLtFlag) return std::nullopt;  // raised and latched: nothing to wait for
  return lt_expiry(lt_next_);  // the first expiry not latched yet (it may be behind the clock)
}

// As QEMU: the register takes the value written (flag bit included), and enabling (re)starts the count.
void LocalIntc::write_local_timer_control(int core, uint32_t v) {
  lt_control_ = v;
  if ((v & kLtEnable) && !(v & kLtValueMask))
    log_.guest_error(core, name(), "local timer enabled with a reload value of 0: it never fires");
  if (lt_counting()) lt_start(now());
}

void LocalIntc::write_local_timer_irq(uint32_t v) {
  const uint64_t t = now();
  lt_catch_up(t);
  if (v & kLtFlag) lt_control_ &= ~kLtFlag;
  if ((v & kLtReload) && lt_counting()) lt_start(t);
}

// ---- core timer ---------------------------------------------------------------------------------

uint64_t LocalIntc::read_core_timer(uint64_t offset) {
  if (offset == CORE_TIMER_MS) return core_timer_ms_latch_;
  const uint64_t count = GenericTimer::count_at(now());
  core_timer_ms_latch_ = uint32_t(count >> 32);  // QA7: reading LS latches MS, so LS then MS is one value
  return uint32_t(count);
}

// ---- registers ----------------------------------------------------------------------------------

uint64_t LocalIntc::read(const MmioAccess& a) {
  if (a.size != 4) log_.guest_error(a.core, name(), fmt::format("{}-byte read at {:#x} (only 32-bit is valid)", a.size, a.offset));
  const uint64_t o = a.offset;
  const int n = int((o >> 2) & 3);
  if (o >= TIMER_CONTROL && o < TIMER_CONTROL + 16) return timer_control_[size_t(n)];
  if (o >= MAILBOX_CONTROL && o < MAILBOX_CONTROL + 16) return mailbox_control_[size_t(n)];
  if (o >= IRQ_SOURCE && o < IRQ_SOURCE + 16) return irq_source(n);
  if (o >= FIQ_SOURCE && o < FIQ_SOURCE + 16) return fiq_source(n);
  if (o >= MAILBOX_SET && o < MAILBOX_SET + 64) return 0;  // write-only
  if (o >= MAILBOX_CLEAR && o < MAILBOX_CLEAR + 64) return mailbox_[(o - MAILBOX_CLEAR) / 16][(o / 4) & 3];
  switch (o) {
    case CONTROL: return control_;
    case PRESCALER: return prescaler_;
    case GPU_ROUTING: return gpu_routing_;
    case PMU_SET: case PMU_CLEAR: return pmu_routing_;
    case CORE_TIMER_LS: case CORE_TIMER_MS: return read_core_timer(o);
    case LOCAL_TIMER_ROUTING: return local_timer_routing_;
    case LOCAL_TIMER_CONTROL: return lt_control_ | (lt_flag(now()) ? kLtFlag : 0);
    case LOCAL_TIMER_IRQ: return 0;
    default:
      log_.guest_error(a.core, name(), fmt::format("read of unknown register {:#x}", o));
      return 0;
  }
}

void LocalIntc::write(const MmioAccess& a, uint64_t value) {
  if (a.size != 4) log_.guest_error(a.core, name(), fmt::format("{}-byte write at {:#x} (only 32-bit is valid)", a.size, a.offset));
  const uint64_t o = a.offset;
  const uint32_t v = uint32_t(value);
  const size_t n = (o >> 2) & 3;
  if (o >= TIMER_CONTROL && o < TIMER_CONTROL + 16) return void(timer_control_[n] = v & 0xff);
  if (o >= MAILBOX_CONTROL && o < MAILBOX_CONTROL + 16) return void(mailbox_control_[n] = v & 0xff);
  if (o >= MAILBOX_SET && o < MAILBOX_SET + 64) {
    const size_t to = (o - MAILBOX_SET) / 16;
    mailbox_[to][n] |= v;
    if (on_mailbox_) on_mailbox_(a.core, int(to), int(n), v);
    return;
  }
  if (o >= MAILBOX_CLEAR && o < MAILBOX_CLEAR + 64) return void(mailbox_[(o - MAILBOX_CLEAR) / 16][n] &= ~v);
  switch (o) {
    case CONTROL: control_ = v & 0x300; return;
    case PRESCALER: prescaler_ = v; return;
    case GPU_ROUTING: gpu_routing_ = v & 0xf; return;
    case PMU_SET: pmu_routing_ |= v & 0xff; return;
    case PMU_CLEAR: pmu_routing_ &= ~v; return;
    case CORE_TIMER_LS: case CORE_TIMER_MS:
      log_.guest_error(a.core, name(), fmt::format("write of {:#x} to the core timer ignored: it is the system counter, which chemu derives from virtual time", v));
      return;
    case LOCAL_TIMER_ROUTING: local_timer_routing_ = v & 7; return;
    case LOCAL_TIMER_CONTROL: return write_local_timer_control(a.core, v);
    case LOCAL_TIMER_IRQ: return write_local_timer_irq(v);
    default:
      log_.guest_error(a.core, name(), fmt::format("write of {:#x} to unknown register {:#x}", v, o));
  }
}

}  // namespace chemu
