// The AUX mini UART driven from outside, as QEMU's qtests do: transmit, receive, FIFO status, interrupts.
#include <gtest/gtest.h>

#include "dev/aux.h"
#include "test_log.h"

namespace chemu {
namespace {

struct Fixture {
  Console console{nullptr};
  CountingLog log;
  AuxMiniUart aux{console, log};
  uint64_t rd(uint64_t o) { return aux.read({0, o, 4}); }
  void wr(uint64_t o, uint32_t v) { aux.write({0, o, 4}, v); }
};

// Catches: mini UART output not reaching the console, or its lines not told apart from the PL011's.
TEST(AuxMiniUart, TransmitsToTheConsoleAsTheMiniUart) {
  Fixture f;
  std::vector<std::pair<std::string, UartPort>> lines;
  f.console.set_line_listener([&](int, std::string_view l, UartPort p) { lines.emplace_back(l, p); });
  EXPECT_EQ(f.rd(AuxMiniUart::MU_LSR) & 0x20, 0x20u);  // transmitter empty: a polling driver may write
  for (char c : std::string("mu\n")) f.wr(AuxMiniUart::MU_IO, uint8_t(c));
  f.console.put(1, 'p');
  f.console.put(1, '\n');
  EXPECT_EQ(f.console.output(), "mu\np\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], std::make_pair(std::string("mu"), UartPort::Mini));
  EXPECT_EQ(lines[1], std::make_pair(std::string("p"), UartPort::Pl011));
}

// Catches: LSR/STAT/IIR disagreeing with the receive FIFO (QEMU 7.2's values), or a FIFO deeper than 8.
TEST(AuxMiniUart, ReceiveFifoShowsInLsrStatAndIir) {
  Fixture f;
  EXPECT_EQ(f.rd(AuxMiniUart::MU_LSR), 0x60u);
  EXPECT_EQ(f.rd(AuxMiniUart::MU_STAT), 0x30eu);
  EXPECT_EQ(f.rd(AuxMiniUart::MU_IIR), 0xc3u);
  f.console.feed_input("abcdefghij");
  EXPECT_EQ(f.rd(AuxMiniUart::MU_LSR), 0x61u);
  EXPECT_EQ(f.rd(AuxMiniUart::MU_STAT), 0x8030fu);  // 8 bytes in the FIFO
  EXPECT_EQ(f.rd(AuxMiniUart::MU_IIR), 0xc5u);      // receive data, nothing pending (IER = 0)
  EXPECT_EQ(f.rd(AuxMiniUart::MU_IO), uint64_t('a'));
  f.wr(AuxMiniUart::MU_IIR, 2);                      // clear the receive FIFO: b..i go
  EXPECT_EQ(f.rd(AuxMiniUart::MU_STAT), 0x1030fu);  // j, and nothing else, is left
  EXPECT_EQ(f.rd(AuxMiniUart::MU_IO), uint64_t('j'));
  EXPECT_EQ(f.rd(AuxMiniUart::MU_LSR), 0x60u);
}

// Catches: IER bits swapped (bit 0 is receive, as QEMU 7.2 and the datasheet errata have it), AUX_IRQ
// not following the line, or the transmit interrupt not always pending while enabled.
TEST(AuxMiniUart, InterruptFollowsEnablesAndData) {
  Fixture f;
  f.wr(AuxMiniUart::MU_IER, AuxMiniUart::IER_RX);
  EXPECT_EQ(f.rd(AuxMiniUart::MU_IER), 0xc1u);
  EXPECT_FALSE(f.aux.interrupt());
  EXPECT_EQ(f.rd(AuxMiniUart::AUX_IRQ), 0u);
  f.console.feed_input("x");
  EXPECT_TRUE(f.aux.interrupt());
  EXPECT_EQ(f.rd(AuxMiniUart::AUX_IRQ), 1u);
  EXPECT_EQ(f.rd(AuxMiniUart::MU_IIR), 0xc4u);
  f.rd(AuxMiniUart::MU_IO);
  EXPECT_FALSE(f.aux.interrupt());
  f.wr(AuxMiniUart::MU_IER, 0xff);
  EXPECT_EQ(f.rd(AuxMiniUart::MU_IER), 0xc3u);
  EXPECT_TRUE(f.aux.interrupt());                    // transmit FIFO empty
  EXPECT_EQ(f.rd(AuxMiniUart::MU_IIR), 0xc2u);
}

// Catches: registers QEMU does not implement reading back (a guest tested on QEMU sees 0 there),
// or AUX SPI offsets silently accepted.
TEST(AuxMiniUart, UnmodelledRegistersReadAsOnQemu) {
  Fixture f;
  f.wr(AuxMiniUart::MU_SCRATCH, 0x55);
  f.wr(AuxMiniUart::MU_BAUD, 270);
  f.wr(AuxMiniUart::MU_CNTL, 0);
  EXPECT_EQ(f.rd(AuxMiniUart::MU_SCRATCH), 0u);
  EXPECT_EQ(f.rd(AuxMiniUart::MU_BAUD), 0u);
  EXPECT_EQ(f.rd(AuxMiniUart::MU_CNTL), 3u);
  EXPECT_EQ(f.rd(AuxMiniUart::AUX_ENABLES), 1u);
  EXPECT_EQ(f.log.count, 0);
  EXPECT_EQ(f.rd(0x80), 0u);  // AUX SPI 1
  EXPECT_EQ(f.log.count, 1);
}

}  // namespace
}  // namespace chemu
