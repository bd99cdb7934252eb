// BCM2835 clock manager (CPRMAN) at 0x3f101000, 0x2000 bytes: the clock generators (CM_*) and the
// analogue PLL block (A2W_*). It only holds registers: chemu's devices do not run from these clocks,
// but Linux's clk-bcm2835 driver computes every rate from them (the PL011's base_baud among them), so
// they read at reset as QEMU 7.2's bcm2835_cprman presents them (values QEMU took from a Pi 3 B).
//
//   0x000-0x1d4 CM_<clk>CTL / CM_<clk>DIV pairs  CTL: SRC(0-3) ENABLE(4) KILL(5) BUSY(7) MASH(9-10)
//                                                DIV: integer part from bit 12, fraction below it
//   0x104 CM_PLLA  0x108 CM_PLLC  0x10c CM_PLLD  0x110 CM_PLLH  0x170 CM_PLLB   ANARST(8): PLL in reset
//   0x114 CM_LOCK   read-only view: FLOCKA(8) B(9) C(10) D(11) H(12), a PLL locks at once when it is
//                   powered (A2W ctrl PWRDN clear) and out of reset (CM_PLLx ANARST clear)
//   0x1010+0x20n A2W_PLLx_ANA0..3    ANA1 bit 14 (PLLH: bit 11): feedback prescaler, doubles NDIV
//   0x1100+0x20n A2W_PLLx_CTRL       NDIV(0-9) PDIV(12-14) PWRDN(16) PRST_DISABLE(17)
//   0x1200+0x20n A2W_PLLx_FRAC       FRAC(0-19), 20 fraction bits of the multiplier
//   0x1300-0x1660 A2W PLL channels   DIV(0-7) DISABLE(8)
// (n: 0 PLLA, 1 PLLC, 2 PLLD, 3 PLLH, 7 PLLB.) Crystal 19.2 MHz. Every write must carry the password
// 0x5a in bits 24-31 (one without it is ignored, a guest error) and the password is not kept. Writing a
// clock's CTL makes BUSY follow ENABLE, as QEMU does: the clock stops at once when disabled, so Linux's
// wait for BUSY to clear ends. Only 32-bit accesses (QEMU's too); others are guest errors.
#pragma once
#include <array>
#include <tuple>

#include "dev/device.h"

namespace chemu {

class Cprman final : public Device {
 public:
  static constexpr uint64_t kBase = 0x3f101000, kSize = 0x2000;
  enum Reg : uint64_t {
    CM_VPUCTL = 0x008, CM_TIMERCTL = 0x0e8, CM_UARTCTL = 0x0f0, CM_UARTDIV = 0x0f4, CM_EMMCCTL = 0x1c0,
    CM_PLLA = 0x104, CM_PLLC = 0x108, CM_PLLD = 0x10c, CM_PLLH = 0x110, CM_LOCK = 0x114, CM_PLLB = 0x170,
    A2W_PLLD_ANA1 = 0x1054, A2W_PLLD_CTRL = 0x1140, A2W_PLLD_FRAC = 0x1240, A2W_PLLD_PER = 0x1540,
  };
  static constexpr uint32_t kPassword = 0x5a000000, kPasswordMask = 0xff000000;
  static constexpr uint32_t kEnable = 1u << 4, kBusy = 1u << 7, kAnaRst = 1u << 8, kPowerDown = 1u << 16;
  static constexpr uint64_t kCrystalHz = 19200000;

  explicit Cprman(GuestErrorLog& log) : log_(log) { reset(); }
  std::string_view name() const override { return "cprman"; }
  void reset() override;
  uint64_t read(const MmioAccess& a) override;
  void write(const MmioAccess& a, uint64_t value) override;

  // What changes as the guest runs, for machine snapshots (Machine::take_snapshot).
  auto fields() { return std::tie(regs_); }

 private:
  uint32_t& reg(uint64_t offset) { return regs_[offset / 4]; }
  uint32_t lock_bits() const;
  static bool is_clock_ctl(uint64_t offset);
  bool bad_access(const MmioAccess& a, const char* what);
  GuestErrorLog& log_;
  std::array<uint32_t, kSize / 4> regs_{};
};

}  // namespace chemu
