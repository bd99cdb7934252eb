// The clock manager driven from outside: the rates Linux's clk-bcm2835 derives from its reset
// registers, the password rule, PLL lock and the clock generators' BUSY bit.
#include <gtest/gtest.h>

#include "dev/cprman.h"
#include "test_log.h"

namespace chemu {
namespace {

struct Fixture {
  CountingLog log;
  Cprman cm{log};
  uint32_t rd(uint64_t o) { return uint32_t(cm.read({0, o, 4})); }
  void wr(uint64_t o, uint32_t v) { cm.write({0, o, 4}, v); }
};

// clk-bcm2835's PLL rate: crystal x (NDIV + FRAC / 2^20) / PDIV, NDIV and FRAC doubled when the
// ANA1 feedback prescaler is on.
uint64_t linux_pll_hz(Fixture& f, uint64_t ctrl_reg, uint64_t frac_reg, uint64_t ana1_reg) {
  const uint32_t ctrl = f.rd(ctrl_reg);
  uint64_t ndiv = ctrl & 0x3ff, fdiv = f.rd(frac_reg) & 0xfffff;
  const uint64_t pdiv = (ctrl >> 12) & 7;
  if (f.rd(ana1_reg) & (1u << 14)) ndiv *= 2, fdiv *= 2;
  if (pdiv == 0) return 0;
  return Cprman::kCrystalHz * ((ndiv << 20) + fdiv) / pdiv >> 20;
}

// clk-bcm2835's bcm2835_round_rate for the UART clock: a rate within 0.1% under a round number
// (..999..) is rounded up to it.
uint64_t linux_round_up(uint64_t rate) {
  uint64_t scaler = 1;
  while (scaler < rate / 100000) scaler *= 10;
  if ((rate + scaler - 1) / scaler % 1000 == 0) rate = (rate + scaler - 1) / scaler * scaler;
  return rate;
}

// Catches: reset values that are not QEMU's (the PL011 driver then sees a 0 Hz clock and Linux
// WARNs in uart_get_baud_rate), or a UART clock not fed from PLLD's PER channel.
TEST(Cprman, UartClockFromResetRegistersIs48MHz) {
  Fixture f;
  const uint64_t plld = linux_pll_hz(f, Cprman::A2W_PLLD_CTRL, Cprman::A2W_PLLD_FRAC, Cprman::A2W_PLLD_ANA1);
  EXPECT_EQ(plld, 2000000024u);
  const uint32_t per_div = f.rd(Cprman::A2W_PLLD_PER) & 0xff;
  ASSERT_NE(per_div, 0u);
  ASSERT_FALSE(f.rd(Cprman::A2W_PLLD_PER) & 0x100);  // channel not disabled
  const uint64_t per = plld / per_div;
  const uint32_t ctl = f.rd(Cprman::CM_UARTCTL);
  EXPECT_EQ(ctl & 0xf, 6u);  // source 6: PLLD PER
  EXPECT_TRUE(ctl & Cprman::kEnable);
  const uint32_t div = f.rd(Cprman::CM_UARTDIV) & ((1u << 22) - 1);  // 10 integer bits, 12 fraction bits
  ASSERT_NE(div, 0u);
  const uint64_t uart = (per << 12) / div;
  EXPECT_EQ(uart, 47999625u);
  EXPECT_EQ(linux_round_up(uart), 48000000u);
  EXPECT_EQ(f.log.count, 0);
}

// Catches: writes without the 0x5a password taking effect, or the password kept in the register.
TEST(Cprman, WritesNeedThePassword) {
  Fixture f;
  f.wr(Cprman::CM_UARTDIV, 0x1000);
  EXPECT_EQ(f.rd(Cprman::CM_UARTDIV), 0xa6abu);
  EXPECT_EQ(f.log.count, 1);
  f.wr(Cprman::CM_UARTDIV, Cprman::kPassword | 0x1000);
  EXPECT_EQ(f.rd(Cprman::CM_UARTDIV), 0x1000u);
  f.wr(Cprman::A2W_PLLD_FRAC, 0xa5000123);  // another password
  EXPECT_EQ(f.rd(Cprman::A2W_PLLD_FRAC), 0x15556u);
  EXPECT_EQ(f.log.count, 2);
}

// Catches: CM_LOCK not following the PLLs (Linux's bcm2835_pll_on waits for the lock bit and times
// out with "couldn't lock PLL"), or a stored CM_LOCK write read back instead.
TEST(Cprman, PllLocksWhenPoweredAndOutOfReset) {
  Fixture f;
  EXPECT_EQ(f.rd(Cprman::CM_LOCK), 0x1f00u);  // all five locked, as QEMU reads at boot
  f.wr(Cprman::A2W_PLLD_CTRL, Cprman::kPassword | 0x21034 | Cprman::kPowerDown);
  EXPECT_EQ(f.rd(Cprman::CM_LOCK), 0x1700u);  // FLOCKD (bit 11) gone
  f.wr(Cprman::A2W_PLLD_CTRL, Cprman::kPassword | 0x21034);
  f.wr(Cprman::CM_PLLC, Cprman::kPassword | 0x228 | Cprman::kAnaRst);
  EXPECT_EQ(f.rd(Cprman::CM_LOCK), 0x1b00u);  // FLOCKC (bit 10) gone
  f.wr(Cprman::CM_LOCK, Cprman::kPassword);
  EXPECT_EQ(f.rd(Cprman::CM_LOCK), 0x1b00u);
}

// Catches: BUSY left set after a clock is disabled (Linux's bcm2835_clock_wait_busy spins until its
// timeout on every clock it turns off), or BUSY bits forced into registers that are not a CTL.
TEST(Cprman, BusyFollowsEnableOnClockControl) {
  Fixture f;
  EXPECT_TRUE(f.rd(Cprman::CM_UARTCTL) & Cprman::kBusy);
  f.wr(Cprman::CM_UARTCTL, Cprman::kPassword | (0x296 & ~Cprman::kEnable));
  EXPECT_EQ(f.rd(Cprman::CM_UARTCTL), 0x206u);
  f.wr(Cprman::CM_UARTCTL, Cprman::kPassword | 0x206 | Cprman::kEnable);
  EXPECT_EQ(f.rd(Cprman::CM_UARTCTL), 0x296u);
  f.wr(Cprman::CM_UARTDIV, Cprman::kPassword | 0x10);  // a DIV: kept as written
  EXPECT_EQ(f.rd(Cprman::CM_UARTDIV), 0x10u);
}

// Catches: byte or 64-bit accesses treated as 32-bit ones (QEMU accepts only 32-bit accesses).
TEST(Cprman, OnlyAlignedWordAccesses) {
  Fixture f;
  f.cm.write({0, Cprman::CM_UARTDIV, 1}, Cprman::kPassword | 0x10);
  EXPECT_EQ(f.cm.read({0, Cprman::CM_UARTDIV, 8}), 0u);
  EXPECT_EQ(f.rd(Cprman::CM_UARTDIV), 0xa6abu);
  EXPECT_EQ(f.log.count, 2);
}

}  // namespace
}  // namespace chemu
