// BCM2835 power management block at 0x3f100000: the reset controller and the watchdog.
//
//   0x1c PM_RSTC  reset control; bits 4-5 WRCFG: 0x20 = full reset (reset value 0x102)
//   0x20 PM_RSTS  reset status; the boot partition in bits 0, 2, 4, 6, 8, 10 (reset value 0x1000)
//   0x24 PM_WDOG  watchdog time-out in 16 us ticks (reset value 0)
// Every write must carry the password 0x5a in bits 24-31; one without it is ignored (a guest error),
// and the password is not kept. As on QEMU 7.2, a write to RSTC with bit 5 set acts at once (the
// watchdog does not count down): if RSTS names partition 63 (bits 0-11 = 0x555, the Raspberry Pi
// firmware's and Linux's "halt" convention) it is a power-off, otherwise a reset. chemu reports either
// to the machine, which ends the run (it does not reboot). Other offsets read 0 (QEMU's do too).
#pragma once
#include <tuple>
#include <functional>

#include "dev/device.h"

namespace chemu {

class PowerManager final : public Device {
 public:
  static constexpr uint64_t kBase = 0x3f100000, kSize = 0x200;
  enum Reg : uint64_t { RSTC = 0x1c, RSTS = 0x20, WDOG = 0x24 };
  static constexpr uint32_t kPassword = 0x5a000000, kPasswordMask = 0xff000000;
  static constexpr uint32_t kFullReset = 0x20, kHaltPartition = 0x555;

  // Called on a full-reset request: power_off is true for the halt partition.
  using ResetListener = std::function<void(int core, bool power_off, uint32_t rsts)>;
  PowerManager(GuestErrorLog& log, ResetListener on_reset) : log_(log), on_reset_(std::move(on_reset)) { reset(); }
  std::string_view name() const override { return "pm-wdog"; }
  void reset() override { rstc_ = 0x102, rsts_ = 0x1000, wdog_ = 0; }
  uint64_t read(const MmioAccess& a) override;
  void write(const MmioAccess& a, uint64_t value) override;

  // What changes as the guest runs, for machine snapshots (Machine::take_snapshot).
  auto fields() { return std::tie(rstc_, rsts_, wdog_); }

 private:
  GuestErrorLog& log_;
  ResetListener on_reset_;
  uint32_t rstc_ = 0, rsts_ = 0, wdog_ = 0;
};

}  // namespace chemu
