// The BCM2835 interrupt controller driven from outside: device lines in, pending registers and the
// IRQ/FIQ outputs out (values checked against QEMU 7.2 runs of the intc guest).
#include <gtest/gtest.h>

#include "dev/armctrl.h"
#include "test_log.h"

namespace chemu {
namespace {

struct Fixture {
  CountingLog log;
  InterruptLevels lines;
  ArmCtrl ic{log, [this] { return lines; }};
  uint64_t rd(uint64_t o) { return ic.read({0, o, 4}); }
  void wr(uint64_t o, uint32_t v) { ic.write({0, o, 4}, v); }
};

// Catches: pending registers showing lines that are not enabled (or hiding enabled ones), or the
// IRQ output ignoring the enables.
TEST(ArmCtrl, PendingIsLineAndEnable) {
  Fixture f;
  f.lines.gpu = 0x2;  // system timer compare 1
  EXPECT_EQ(f.rd(ArmCtrl::IRQ_PENDING_1), 0u);
  EXPECT_EQ(f.rd(ArmCtrl::IRQ_BASIC_PENDING), 0u);
  EXPECT_FALSE(f.ic.irq());
  f.wr(ArmCtrl::ENABLE_IRQS_1, 0x2);
  EXPECT_EQ(f.rd(ArmCtrl::IRQ_PENDING_1), 0x2u);
  EXPECT_EQ(f.rd(ArmCtrl::IRQ_BASIC_PENDING), 0x100u);
  EXPECT_TRUE(f.ic.irq());
  f.lines.gpu = 0;  // the device lowered its line (CS cleared)
  EXPECT_FALSE(f.ic.irq());
  EXPECT_EQ(f.rd(ArmCtrl::IRQ_PENDING_1), 0u);
}

// Catches: enable/disable registers that overwrite instead of setting/clearing bits, or disable
// registers not reading as the complement of the enables (what QEMU 7.2 returns).
TEST(ArmCtrl, EnableAndDisableSetAndClearBits) {
  Fixture f;
  EXPECT_EQ(f.rd(ArmCtrl::DISABLE_IRQS_1), 0xffffffffu);
  f.wr(ArmCtrl::ENABLE_IRQS_1, 0x3);
  f.wr(ArmCtrl::ENABLE_IRQS_1, 1u << 29);
  f.wr(ArmCtrl::DISABLE_IRQS_1, 0x1);
  EXPECT_EQ(f.rd(ArmCtrl::ENABLE_IRQS_1), 0x20000002u);
  EXPECT_EQ(f.rd(ArmCtrl::DISABLE_IRQS_1), ~0x20000002u);
  f.wr(ArmCtrl::ENABLE_IRQS_2, 1u << 25);
  EXPECT_EQ(f.rd(ArmCtrl::ENABLE_IRQS_2), 1u << 25);
  EXPECT_EQ(f.ic.gpu_enables(), (1ull << 57) | 0x20000002u);
  f.wr(ArmCtrl::ENABLE_BASIC_IRQS, 0x1ff);
  EXPECT_EQ(f.rd(ArmCtrl::ENABLE_BASIC_IRQS), 0xffu);
  f.wr(ArmCtrl::DISABLE_BASIC_IRQS, 0x0f);
  EXPECT_EQ(f.rd(ArmCtrl::ENABLE_BASIC_IRQS), 0xf0u);
}

// Catches: the PL011 (57) missing from pending 2 or from its basic-pending shortcut (bit 19), the
// bank bits 8/9 wrong, or ARM lines not reaching basic pending.
TEST(ArmCtrl, BasicPendingShowsBanksAndShortcuts) {
  Fixture f;
  f.lines.gpu = 1ull << 57;
  f.lines.arm = 1u << 1;  // VC mailbox
  f.wr(ArmCtrl::ENABLE_IRQS_2, 1u << 25);
  EXPECT_EQ(f.rd(ArmCtrl::IRQ_PENDING_2), 1u << 25);
  EXPECT_EQ(f.rd(ArmCtrl::IRQ_BASIC_PENDING), 0x80200u);  // as QEMU 7.2 showed
  f.wr(ArmCtrl::ENABLE_BASIC_IRQS, 1u << 1);
  EXPECT_EQ(f.rd(ArmCtrl::IRQ_BASIC_PENDING), 0x80202u);
}

// Catches: FIQ following the enables instead of its one selected source, or ARM sources (64+) missed.
TEST(ArmCtrl, FiqFollowsTheSelectedSource) {
  Fixture f;
  f.lines.gpu = 1ull << 57;
  f.wr(ArmCtrl::FIQ_CONTROL, 57);
  EXPECT_FALSE(f.ic.fiq());  // not enabled
  f.wr(ArmCtrl::FIQ_CONTROL, 0x80 | 57);
  EXPECT_EQ(f.rd(ArmCtrl::FIQ_CONTROL), 0xb9u);
  EXPECT_TRUE(f.ic.fiq());
  EXPECT_FALSE(f.ic.irq());  // FIQ does not need the IRQ enable; the IRQ output does
  EXPECT_EQ(f.ic.fiq_gpu_source(), 57u);
  f.lines.arm = 1u << 1;
  f.wr(ArmCtrl::FIQ_CONTROL, 0x80 | 65);
  EXPECT_TRUE(f.ic.fiq());
  EXPECT_FALSE(f.ic.fiq_gpu_source().has_value());
  EXPECT_EQ(f.log.count, 0);
  f.rd(0x28);
  EXPECT_EQ(f.log.count, 1);
}

}  // namespace
}  // namespace chemu
