// The ARM generic timer of one core, modelled by the host (Unicorn's own counters read the host clock).
// The system counter runs at 62.5 MHz (CNTFRQ_EL0 on QEMU's raspi3b) and derives from the core's virtual
// cycles at 1.2 GHz, so every value the guest reads is a function of retired instructions only.
#pragma once
#include <cstdint>

namespace chemu {

class GenericTimer {
 public:
  static constexpr uint64_t kFrequency = 62'500'000;   // CNTFRQ_EL0
  static constexpr uint64_t kCpuHz = 1'200'000'000;    // Cortex-A53 in the Pi 3
  static constexpr uint64_t count_at(uint64_t cycles) { return cycles * 5 / 96; }  // 62.5 MHz / 1.2 GHz
  // First cycle at which the counter reaches `count` (inverse of count_at, rounded up).
  static constexpr uint64_t cycle_of(uint64_t count) {
    return count > (~0ull - 4) / 96 ? ~0ull : (count * 96 + 4) / 5;
  }

  static constexpr uint64_t ENABLE = 1, IMASK = 2, ISTATUS = 4;  // CNTx_CTL bits
  struct Channel {
    uint64_t ctl = 0;   // ENABLE and IMASK as written; ISTATUS is computed on read
    uint64_t cval = 0;
    bool condition(uint64_t count) const { return (ctl & ENABLE) && count >= cval; }
    bool line(uint64_t count) const { return condition(count) && !(ctl & IMASK); }  // interrupt output
    uint64_t read_ctl(uint64_t count) const { return ctl | (condition(count) ? ISTATUS : 0); }
    uint64_t read_tval(uint64_t count) const { return uint32_t(cval - count); }
    void write_tval(uint64_t count, uint64_t v) { cval = count + uint64_t(int64_t(int32_t(uint32_t(v)))); }
  };
  Channel phys, virt;
  uint64_t cntkctl = 0;  // CNTKCTL_EL1: EL0 access rules
};

}  // namespace chemu
