// BCM2835 system timer at 0x3f003000: a free-running 64-bit counter at 1 MHz and four 32-bit compares.
//
//   0x00 CS    bit n: compare n matched (write 1 to clear; the interrupt line follows the bit)
//   0x04 CLO   counter, low 32 bits (read-only)     0x08 CHI   counter, high 32 bits (read-only)
//   0x0c C0    0x10 C1    0x14 C2    0x18 C3        compare values (read/write)
// The counter is virtual time: the machine's Clock in cycles / 1200 (1.2 GHz). As on QEMU 7.2, writing
// a compare arms one match at the next time the low 32 bits of the counter equal it (at once if they
// already do); the match sets its CS bit, which stays until cleared, and raises GPU interrupt n
// (0-3) of the BCM2835 interrupt controller. The GPU firmware uses C0 and C2 on a real Pi; here all
// four are the guest's. Matches are found lazily from the clock, so nothing needs ticking.
#pragma once
#include <tuple>
#include <array>
#include <optional>

#include "dev/device.h"

namespace chemu {

class SysTimer final : public Device {
 public:
  static constexpr uint64_t kBase = 0x3f003000, kSize = 0x20;
  static constexpr unsigned kCompares = 4, kGpuIrq0 = 0;  // compare n raises GPU interrupt n
  enum Reg : uint64_t { CS = 0x00, CLO = 0x04, CHI = 0x08, C0 = 0x0c, C3 = 0x18 };

  SysTimer(GuestErrorLog& log, Clock clock) : log_(log), clock_(std::move(clock)) { reset(); }
  std::string_view name() const override { return "sys-timer"; }
  void reset() override { cs_ = 0, compares_ = {}; }
  uint64_t read(const MmioAccess& a) override;
  void write(const MmioAccess& a, uint64_t value) override;

  uint32_t lines() const { return status(now()); }  // bit n: compare n's interrupt line
  // The first cycle at which one of the compares in `mask` (bit n = compare n) matches, if armed and
  // not latched in CS yet (it may be behind the clock): a core waiting for it wakes at that cycle.
  std::optional<uint64_t> next_match_cycle(uint32_t mask) const;
  static uint64_t micros(uint64_t cycles) { return cycles / kCyclesPerMicrosecond; }

  // What changes as the guest runs, for machine snapshots (Machine::take_snapshot).
  auto fields() { return std::tie(cs_, compares_); }

 private:
  struct Compare {
    uint32_t value = 0;
    std::optional<uint64_t> match_us;  // armed: the counter value (in us) at which it matches
  };
  uint64_t now() const { return clock_ ? clock_() : 0; }
  uint32_t status(uint64_t t) const;  // CS as of cycle t
  void latch(uint64_t t);             // moves matches that have happened by t into cs_
  void write_compare(unsigned n, uint32_t value);

  GuestErrorLog& log_;
  Clock clock_;
  uint32_t cs_ = 0;
  std::array<Compare, kCompares> compares_{};
};

}  // namespace chemu
