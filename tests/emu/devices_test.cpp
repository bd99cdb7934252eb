#include <gtest/gtest.h>

#include "dev/pl011.h"
#include "dev/vc_mailbox.h"

namespace chemu {
namespace {

struct CountingLog final : GuestErrorLog {
  void guest_error(int, std::string_view, std::string_view) override { ++count; }
  int count = 0;
};

// Catches: a driver that polls FR hanging (TXFF stuck) or reading garbage (RXFE wrong).
TEST(Pl011, TransmitsBytesAndReportsFifoFlags) {
  Console console(nullptr);
  CountingLog log;
  Pl011 uart(console, log);
  EXPECT_EQ(uart.read({0, Pl011::FR, 4}) & Pl011::FR_TXFF, 0u);
  EXPECT_NE(uart.read({0, Pl011::FR, 4}) & Pl011::FR_RXFE, 0u);
  for (char c : std::string("hi\n")) uart.write({1, Pl011::DR, 4}, uint8_t(c));
  EXPECT_EQ(console.output(), "hi\n");
  console.feed_input("k");
  EXPECT_EQ(uart.read({0, Pl011::FR, 4}) & Pl011::FR_RXFE, 0u);
  EXPECT_EQ(uart.read({0, Pl011::DR, 4}), uint64_t('k'));
  EXPECT_NE(uart.read({0, Pl011::FR, 4}) & Pl011::FR_RXFE, 0u);
  EXPECT_EQ(log.count, 0);
}

TEST(Pl011, ReceiveInterruptFollowsMaskAndInput) {
  Console console(nullptr);
  CountingLog log;
  Pl011 uart(console, log);
  uart.write({0, Pl011::IMSC, 4}, Pl011::INT_RX);
  EXPECT_FALSE(uart.interrupt());
  console.feed_input("x");
  EXPECT_TRUE(uart.interrupt());
  EXPECT_EQ(uart.read({0, Pl011::MIS, 4}), uint64_t(Pl011::INT_RX));
  uart.read({0, Pl011::DR, 4});
  EXPECT_FALSE(uart.interrupt());
}

TEST(Pl011, UnknownRegisterIsAGuestErrorNotACrash) {
  Console console(nullptr);
  CountingLog log;
  Pl011 uart(console, log);
  EXPECT_EQ(uart.read({0, 0x800, 4}), 0u);
  uart.write({0, 0x804, 4}, 1);
  EXPECT_EQ(log.count, 2);
  EXPECT_EQ(uart.read({0, 0xfe0, 4}), 0x11u);  // PeriphID0
}

// Catches: a kernel sizing its memory wrongly because the VC memory tag answer is off.
TEST(VcMailbox, AnswersMemoryAndRevisionTags) {
  GuestRam ram;
  CountingLog log;
  VcMailbox mbox(ram, log);
  const uint32_t buf = 0x1000;
  const uint32_t words[] = {4 * 15, 0, VcMailbox::GET_VC_MEMORY, 8, 0, 0, 0,
                            VcMailbox::GET_BOARD_REVISION, 4, 0, 0, 0x12345, 4, 0, 0};
  for (size_t i = 0; i < std::size(words); ++i) ram.store<uint32_t>(buf + 4 * i, words[i]);
  EXPECT_NE(mbox.read({0, VcMailbox::STATUS, 4}) & VcMailbox::kEmpty, 0u);
  mbox.write({0, VcMailbox::WRITE, 4}, buf | 8);
  EXPECT_EQ(mbox.read({0, VcMailbox::STATUS, 4}) & VcMailbox::kEmpty, 0u);
  EXPECT_EQ(mbox.read({0, VcMailbox::READ, 4}), uint64_t(buf | 8));
  EXPECT_EQ(*ram.load<uint32_t>(buf + 4), 0x80000000u);
  EXPECT_EQ(*ram.load<uint32_t>(buf + 16), 0x80000008u);
  EXPECT_EQ(*ram.load<uint32_t>(buf + 20), VcMailbox::kVcMemBase);
  EXPECT_EQ(*ram.load<uint32_t>(buf + 24), VcMailbox::kVcMemSize);
  EXPECT_EQ(*ram.load<uint32_t>(buf + 40), VcMailbox::kBoardRevision);
  EXPECT_EQ(log.count, 1);  // the unknown tag 0x12345 is reported
}

}  // namespace
}  // namespace chemu
