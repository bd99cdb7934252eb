#include <gtest/gtest.h>

#include "cpu/generic_timer.h"
#include "dev/local_intc.h"

namespace chemu {
namespace {

// Catches: TVAL not sign-extended (a negative TVAL must put CVAL in the past) or ISTATUS ignoring ENABLE.
TEST(GenericTimer, TvalCvalAndStatusFollowTheArchitecture) {
  GenericTimer::Channel ch;
  ch.write_tval(1000, 0xffffff9c);  // -100
  EXPECT_EQ(ch.cval, 900u);
  EXPECT_EQ(ch.read_ctl(1000), 0u);  // disabled: no ISTATUS
  ch.ctl = GenericTimer::ENABLE;
  EXPECT_EQ(ch.read_ctl(1000), GenericTimer::ENABLE | GenericTimer::ISTATUS);
  EXPECT_TRUE(ch.line(1000));
  ch.ctl |= GenericTimer::IMASK;
  EXPECT_FALSE(ch.line(1000));
  ch.write_tval(1000, 625000);
  EXPECT_EQ(ch.read_tval(1000), 625000u);
  EXPECT_EQ(ch.read_tval(1000 + 625001), 0xffffffffu);  // one past: TVAL reads -1
}

TEST(GenericTimer, CounterAndCycleConversionsAgree) {
  EXPECT_EQ(GenericTimer::count_at(1'200'000'000), 62'500'000u);  // one second
  for (uint64_t c : {0ull, 1ull, 625000ull, 123456789ull}) {
    const uint64_t cycle = GenericTimer::cycle_of(c);
    EXPECT_GE(GenericTimer::count_at(cycle), c);
    if (cycle) {
      EXPECT_LT(GenericTimer::count_at(cycle - 1), c);  // the first such cycle
    }
  }
}

struct NullLog final : GuestErrorLog {
  void guest_error(int, std::string_view, std::string_view) override { ++n; }
  int n = 0;
};

// Catches: timer routing, FIQ priority, mailbox set/clear and IRQ source bits drifting from QA7.
TEST(LocalIntc, RoutesTimersAndMailboxesToSources) {
  NullLog log;
  uint32_t lines[4] = {0, 0, 0, 0};
  LocalIntc intc(log, [&](int core) { return lines[core]; });
  lines[1] = LocalIntc::CNTPNS;
  EXPECT_EQ(intc.irq_source(1), 0u);  // not routed yet
  intc.write({1, 0x44, 4}, LocalIntc::CNTPNS);
  EXPECT_EQ(intc.read({1, 0x64, 4}), uint64_t(LocalIntc::CNTPNS));
  intc.write({1, 0x44, 4}, LocalIntc::CNTPNS << 4);  // to FIQ instead
  EXPECT_EQ(intc.irq_source(1), 0u);
  EXPECT_EQ(intc.fiq_source(1), uint32_t(LocalIntc::CNTPNS));

  intc.write({0, 0x5c, 4}, 1);             // core 3: mailbox 0 -> IRQ
  intc.write({0, 0xb0, 4}, 0x5);           // core 0 sets bits in core 3's mailbox 0
  intc.write({2, 0xb0, 4}, 0x8);
  EXPECT_EQ(intc.read({3, 0xf0, 4}), 0xdu);
  EXPECT_EQ(intc.irq_source(3), 0x10u);
  intc.write({3, 0xf0, 4}, 0x5);           // write-1s-to-clear
  EXPECT_EQ(intc.read({3, 0xf0, 4}), 0x8u);
  intc.write({3, 0xf0, 4}, 0x8);
  EXPECT_EQ(intc.irq_source(3), 0u);
  EXPECT_EQ(log.n, 0);
  intc.read({0, 0x60, 2});                 // only 32-bit accesses are valid
  EXPECT_EQ(log.n, 1);
}

// Catches: the GPU IRQ and FIQ not following GPU_ROUTING, or one of them hiding the other (they are
// separate lines and may go to different cores, or both to one).
TEST(LocalIntc, RoutesGpuIrqAndFiqSeparately) {
  NullLog log;
  LocalIntc::GpuLines gpu{true, false};
  LocalIntc intc(log, nullptr, [&] { return gpu; });
  EXPECT_EQ(intc.irq_source(0), LocalIntc::kGpuBit);  // routed to core 0 after reset
  intc.write({0, LocalIntc::GPU_ROUTING, 4}, 0xe);    // IRQ -> core 2, FIQ -> core 3
  EXPECT_EQ(intc.read({0, LocalIntc::GPU_ROUTING, 4}), 0xeu);
  EXPECT_EQ(intc.irq_source(0), 0u);
  EXPECT_EQ(intc.irq_source(2), LocalIntc::kGpuBit);
  EXPECT_EQ(intc.gpu_irq_core(), 2);
  gpu.fiq = true;
  EXPECT_EQ(intc.fiq_source(3), LocalIntc::kGpuBit);
  EXPECT_EQ(intc.irq_source(3), 0u);
  intc.write({0, LocalIntc::GPU_ROUTING, 4}, 0xa);  // both to core 2
  EXPECT_EQ(intc.irq_source(2), LocalIntc::kGpuBit);
  EXPECT_EQ(intc.fiq_source(2), LocalIntc::kGpuBit);
}

// Catches: a local timer at the wrong rate (38.4 MHz: 31.25 cycles a tick), one that does not reload
// by itself, a flag the ack does not clear, a reload that does not restart the count, or a deadline
// for a core it is not routed to.
TEST(LocalIntc, LocalTimerFiresPeriodicallyAtItsRate) {
  NullLog log;
  uint64_t cycle = 1000;
  LocalIntc intc(log, nullptr, nullptr, [&] { return cycle; });
  intc.write({0, LocalIntc::LOCAL_TIMER_ROUTING, 4}, 1);  // core 1, IRQ
  intc.write({0, LocalIntc::LOCAL_TIMER_CONTROL, 4}, LocalIntc::kLtEnable | LocalIntc::kLtIntEnable | 384);
  const uint64_t period = 384 * 125 / 4;  // 10 us = 12000 cycles
  EXPECT_EQ(intc.local_timer_deadline(1), 1000 + period);
  EXPECT_EQ(intc.local_timer_deadline(0), std::nullopt);
  cycle = 1000 + period - 1;
  EXPECT_EQ(intc.irq_source(1), 0u);
  cycle = 1000 + period;
  EXPECT_EQ(intc.irq_source(1), LocalIntc::kLocalTimerBit);
  EXPECT_EQ(intc.read({1, LocalIntc::LOCAL_TIMER_CONTROL, 4}), 0xb0000180u);  // flag, enables, 384
  EXPECT_EQ(intc.local_timer_deadline(1), 1000 + period);                    // raised, not latched yet
  cycle = 1000 + 2 * period + 5;  // a second expiry went by unseen; the ack clears the flag once
  intc.write({1, LocalIntc::LOCAL_TIMER_IRQ, 4}, LocalIntc::kLtFlag);
  EXPECT_EQ(intc.irq_source(1), 0u);
  EXPECT_EQ(intc.local_timer_deadline(1), 1000 + 3 * period);  // still on the original period
  intc.write({1, LocalIntc::LOCAL_TIMER_IRQ, 4}, LocalIntc::kLtReload);
  EXPECT_EQ(intc.local_timer_deadline(1), cycle + period);     // restarted from now
  intc.write({0, LocalIntc::LOCAL_TIMER_ROUTING, 4}, 4 | 1);   // FIQ instead
  cycle += period;
  EXPECT_EQ(intc.irq_source(1), 0u);
  EXPECT_EQ(intc.fiq_source(1), LocalIntc::kLocalTimerBit);
  EXPECT_EQ(intc.read({0, LocalIntc::LOCAL_TIMER_IRQ, 4}), 0u);
  intc.write({0, LocalIntc::LOCAL_TIMER_CONTROL, 4}, 0);  // disabled: the flag goes with the write, as on QEMU
  EXPECT_EQ(intc.fiq_source(1), 0u);
  EXPECT_EQ(log.n, 0);
}

// Catches: the core timer not reading the system counter (CNTPCT, 62.5 MHz), MS not latched by the LS
// read, or control/prescaler/PMU routing writes lost.
TEST(LocalIntc, CoreTimerAndControlRegisters) {
  NullLog log;
  uint64_t cycle = GenericTimer::cycle_of(0x123456789ull);
  LocalIntc intc(log, nullptr, nullptr, [&] { return cycle; });
  EXPECT_EQ(intc.read({0, LocalIntc::CORE_TIMER_LS, 4}), 0x23456789u);
  cycle += GenericTimer::cycle_of(1ull << 32);  // MS moves on, but the latch holds the old one
  EXPECT_EQ(intc.read({0, LocalIntc::CORE_TIMER_MS, 4}), 0x1u);
  EXPECT_EQ(intc.read({0, LocalIntc::CORE_TIMER_LS, 4}), 0x23456789u);
  EXPECT_EQ(intc.read({0, LocalIntc::CORE_TIMER_MS, 4}), 0x2u);
  EXPECT_EQ(intc.read({0, LocalIntc::PRESCALER, 4}), 0x80000000u);
  intc.write({0, LocalIntc::PRESCALER, 4}, 0x40000000);
  intc.write({0, LocalIntc::CONTROL, 4}, 0x300);
  intc.write({0, LocalIntc::PMU_SET, 4}, 0x21);
  intc.write({0, LocalIntc::PMU_CLEAR, 4}, 0x01);
  EXPECT_EQ(intc.read({0, LocalIntc::PRESCALER, 4}), 0x40000000u);
  EXPECT_EQ(intc.read({0, LocalIntc::CONTROL, 4}), 0x300u);
  EXPECT_EQ(intc.read({0, LocalIntc::PMU_SET, 4}), 0x20u);
  EXPECT_EQ(log.n, 0);
  intc.write({0, LocalIntc::CORE_TIMER_LS, 4}, 0);  // setting the system counter is not modelled
  EXPECT_EQ(log.n, 1);
}

}  // namespace
}  // namespace chemu
