#include "dev/local_intc.h"

#include <fmt/format.h>

namespace chemu {

void LocalIntc::reset() {
  control_ = gpu_routing_ = pmu_routing_ = local_timer_routing_ = local_timer_control_ = 0;
  prescaler_ = 0x80000000;  // divide by 1
  timer_control_ = {};
  mailbox_control_ = {};
  mailbox_ = {};
}

// All asserted sources of `core`, with those routed to FIQ marked in to_fiq.
uint32_t LocalIntc::raw_sources(int core, uint32_t& to_fiq) const {
  const size_t c = size_t(core);
  const uint32_t timers = timers_ ? timers_(core) : 0;
  uint32_t src = timers & routed_timers(core);
  to_fiq = timers & (timer_control_[c] >> 4) & 0xf;
  for (unsigned m = 0; m < 4; ++m) {
    if (mailbox_[c][m] == 0) continue;
    const uint32_t bit = 1u << (kMailboxShift + m);
    if (mailbox_control_[c] & (1u << (4 + m))) src |= bit, to_fiq |= bit;
    else if (mailbox_control_[c] & (1u << m)) src |= bit;
  }
  return src;
}

uint32_t LocalIntc::irq_source(int core) const {
  uint32_t fiq = 0;
  return raw_sources(core, fiq) & ~fiq;
}
uint32_t LocalIntc::fiq_source(int core) const {
  uint32_t fiq = 0;
  raw_sources(core, fiq);
  return fiq;
}

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
    case LOCAL_TIMER_ROUTING: return local_timer_routing_;
    case LOCAL_TIMER_CONTROL: return local_timer_control_;
    case PMU_SET: case PMU_CLEAR: return pmu_routing_;
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
    case CONTROL: control_ = v; return;
    case PRESCALER: prescaler_ = v; return;
    case GPU_ROUTING: gpu_routing_ = v & 0xf; return;
    case PMU_SET: pmu_routing_ |= v & 0xff; return;
    case PMU_CLEAR: pmu_routing_ &= ~v; return;
    case LOCAL_TIMER_ROUTING: local_timer_routing_ = v & 7; return;
    case LOCAL_TIMER_CONTROL: local_timer_control_ = v; return;
    case LOCAL_TIMER_IRQ: return;
    default:
      log_.guest_error(a.core, name(), fmt::format("write of {:#x} to unknown register {:#x}", v, o));
  }
}

}  // namespace chemu
