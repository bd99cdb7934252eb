// BCM2835 GPIO controller at 0x3f200000: 54 pins, their function selects and output levels.
//
//   0x00-0x14 GPFSEL0-5   function select, 3 bits per pin, 10 pins a register (GPFSEL5: pins 50-53)
//   0x1c/0x20 GPSET0/1    write 1s: drive pins high (write-only, read 0)
//   0x28/0x2c GPCLR0/1    write 1s: drive pins low  (write-only, read 0)
//   0x34/0x38 GPLEV0/1    pin levels (read-only)
//   0x40/0x44 GPEDS0/1    event detect status        0x4c/0x50 GPREN0/1  rising-edge detect enable
//   0x58/0x5c GPFEN0/1    falling-edge detect enable 0x64/0x68 GPHEN0/1  high-level detect enable
//   0x70/0x74 GPLEN0/1    low-level detect enable    0x7c/0x80 GPAREN0/1 async rising-edge enable
//   0x88/0x8c GPAFEN0/1   async falling-edge enable  0x94 GPPUD  pull-up/down control
//   0x98/0x9c GPPUDCLK0/1 pull-up/down clock
// As on QEMU 7.2 (the reference): nothing is attached to the pins, so a level is whatever GPSET/GPCLR
// last made it, whatever the pin's function (GPLEV1 keeps all 32 bits written to GPSET1, as QEMU's
// does), no event is ever detected and there is no GPIO interrupt. The event-detect enables, GPPUD and
// GPPUDCLK are kept as written (pull_config() shows them) but read as 0, which is what QEMU returns.
#pragma once
#include <tuple>
#include <array>

#include "dev/device.h"

namespace chemu {

class Gpio final : public Device {
 public:
  static constexpr uint64_t kBase = 0x3f200000, kSize = 0x1000;
  static constexpr unsigned kPins = 54;
  enum Reg : uint64_t {
    GPFSEL0 = 0x00, GPFSEL5 = 0x14, GPSET0 = 0x1c, GPSET1 = 0x20, GPCLR0 = 0x28, GPCLR1 = 0x2c,
    GPLEV0 = 0x34, GPLEV1 = 0x38, GPEDS0 = 0x40, GPAFEN1 = 0x8c, GPPUD = 0x94, GPPUDCLK0 = 0x98, GPPUDCLK1 = 0x9c,
  };

  explicit Gpio(GuestErrorLog& log) : log_(log) { reset(); }
  std::string_view name() const override { return "gpio"; }
  void reset() override;
  uint64_t read(const MmioAccess& a) override;
  void write(const MmioAccess& a, uint64_t value) override;

  unsigned function(unsigned pin) const { return fsel_[pin]; }  // 0 input, 1 output, 2-7 alternate
  // The stored value of a write-only-on-QEMU register (GPEDS0 .. GPPUDCLK1), for tests and debugging.
  uint32_t stored(uint64_t offset) const { return detect_and_pull_[index_of(offset)]; }

  // What changes as the guest runs, for machine snapshots (Machine::take_snapshot).
  auto fields() { return std::tie(fsel_, lev0_, lev1_, detect_and_pull_); }

 private:
  // GPEDS0 .. GPAFEN1 come in pairs followed by a reserved word (0x48, 0x54, ..., 0x90); then GPPUD, GPPUDCLK0/1.
  static bool is_detect_or_pull(uint64_t o) {
    if (o % 4 || o < GPEDS0 || o > GPPUDCLK1) return false;
    return o >= GPPUD || (o - GPEDS0) % 12 != 8;
  }
  static size_t index_of(uint64_t o) { return size_t((o - GPEDS0) / 4); }
  uint32_t read_fsel(unsigned reg) const;
  void write_fsel(unsigned reg, uint32_t value);

  GuestErrorLog& log_;
  std::array<uint8_t, kPins> fsel_{};
  uint32_t lev0_ = 0, lev1_ = 0;
  std::array<uint32_t, (GPPUDCLK1 - GPEDS0) / 4 + 1> detect_and_pull_{};  // GPEDS0 .. GPPUDCLK1, by word
};

}  // namespace chemu
