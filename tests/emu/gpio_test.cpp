// The GPIO block driven from outside, register by register, as QEMU's qtests do.
#include <gtest/gtest.h>

#include "dev/gpio.h"
#include "test_log.h"

namespace chemu {
namespace {

uint64_t rd(Gpio& g, uint64_t o) { return g.read({0, o, 4}); }
void wr(Gpio& g, uint64_t o, uint32_t v) { g.write({0, o, 4}, v); }

// Catches: function selects packed at the wrong bit positions, or GPFSEL5 keeping bits of pins past 53
// (a driver's read-modify-write of GPFSEL1 for the UART pins 14/15 must get back what it wrote).
TEST(Gpio, FunctionSelectsReadBackThreeBitsPerPin) {
  CountingLog log;
  Gpio gpio(log);
  wr(gpio, 0x04, (2u << 12) | (2u << 15));  // pins 14, 15: ALT5 (mini UART)
  EXPECT_EQ(rd(gpio, 0x04), (2u << 12) | (2u << 15));
  EXPECT_EQ(gpio.function(14), 2u);
  EXPECT_EQ(gpio.function(15), 2u);
  wr(gpio, Gpio::GPFSEL5, 0xffffffff);
  EXPECT_EQ(rd(gpio, Gpio::GPFSEL5), 0xfffu);  // pins 50-53 only
  EXPECT_EQ(log.count, 0);
}

// Catches: GPSET/GPCLR not reaching GPLEV, clearing the wrong bank, or reading back as non-zero.
TEST(Gpio, SetAndClearDriveTheLevels) {
  CountingLog log;
  Gpio gpio(log);
  wr(gpio, Gpio::GPSET0, 0x00010001);
  wr(gpio, Gpio::GPSET1, 0xffffffff);
  wr(gpio, Gpio::GPCLR0, 0x00000001);
  wr(gpio, Gpio::GPCLR1, 0x00000002);
  EXPECT_EQ(rd(gpio, Gpio::GPLEV0), 0x00010000u);
  EXPECT_EQ(rd(gpio, Gpio::GPLEV1), 0xfffffffdu);  // QEMU keeps all 32 bits of bank 1
  EXPECT_EQ(rd(gpio, Gpio::GPSET0), 0u);
  EXPECT_EQ(rd(gpio, Gpio::GPCLR1), 0u);
  wr(gpio, Gpio::GPLEV0, 0);                        // read-only: ignored
  EXPECT_EQ(rd(gpio, Gpio::GPLEV0), 0x00010000u);
}

// Catches: the detect enables and pull registers lost (not stored) or reading back where QEMU reads 0,
// and reserved words between them accepted silently.
TEST(Gpio, DetectAndPullRegistersAreKeptButReadAsZero) {
  CountingLog log;
  Gpio gpio(log);
  wr(gpio, 0x4c, 0x8);         // GPREN0
  wr(gpio, Gpio::GPPUD, 2);    // pull-up
  wr(gpio, Gpio::GPPUDCLK0, 3u << 14);
  EXPECT_EQ(gpio.stored(0x4c), 0x8u);
  EXPECT_EQ(gpio.stored(Gpio::GPPUD), 2u);
  EXPECT_EQ(gpio.stored(Gpio::GPPUDCLK0), 3u << 14);
  EXPECT_EQ(rd(gpio, 0x4c), 0u);
  EXPECT_EQ(rd(gpio, Gpio::GPPUDCLK0), 0u);
  EXPECT_EQ(log.count, 0);
  wr(gpio, 0x48, 1);           // reserved
  EXPECT_EQ(rd(gpio, 0xa0), 0u);
  EXPECT_EQ(log.count, 2);
  gpio.reset();
  EXPECT_EQ(gpio.stored(0x4c), 0u);
}

}  // namespace
}  // namespace chemu
