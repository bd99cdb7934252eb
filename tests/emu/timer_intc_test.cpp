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

}  // namespace
}  // namespace chemu
