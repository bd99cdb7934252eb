// The BCM2835 system timer driven from outside with a hand-moved clock (cycles at 1.2 GHz).
#include <gtest/gtest.h>

#include "dev/sys_timer.h"
#include "test_log.h"

namespace chemu {
namespace {

constexpr uint64_t kUs = kCyclesPerMicrosecond;

struct Fixture {
  CountingLog log;
  uint64_t cycle = 0;
  SysTimer timer{log, [this] { return cycle; }};
  uint64_t rd(uint64_t o) { return timer.read({0, o, 4}); }
  void wr(uint64_t o, uint32_t v) { timer.write({0, o, 4}, v); }
};

// Catches: a counter not at 1 MHz of virtual time, or CHI not carrying the high half.
TEST(SysTimer, CountsMicrosecondsOfVirtualTime) {
  Fixture f;
  f.cycle = 1200 * 1000 + 1199;  // 1000.99 us
  EXPECT_EQ(f.rd(SysTimer::CLO), 1000u);
  EXPECT_EQ(f.rd(SysTimer::CHI), 0u);
  f.cycle = ((1ull << 32) + 7) * kUs;
  EXPECT_EQ(f.rd(SysTimer::CLO), 7u);
  EXPECT_EQ(f.rd(SysTimer::CHI), 1u);
  f.wr(SysTimer::CLO, 0);  // read-only
  EXPECT_EQ(f.log.count, 1);
}

// Catches: a match firing early or late, not latching, clearing on the wrong write, or reappearing.
TEST(SysTimer, CompareMatchSetsItsBitUntilCleared) {
  Fixture f;
  f.cycle = 500 * kUs;
  f.wr(SysTimer::C0 + 4, 1500);  // C1: 1000 us from now
  EXPECT_EQ(f.rd(SysTimer::C0 + 4), 1500u);
  EXPECT_EQ(f.timer.next_match_cycle(0x2), 1500 * kUs);
  EXPECT_EQ(f.timer.next_match_cycle(0x1), std::nullopt);  // C0 never armed
  f.cycle = 1500 * kUs - 1;
  EXPECT_EQ(f.rd(SysTimer::CS), 0u);
  EXPECT_EQ(f.timer.lines(), 0u);
  f.cycle = 1500 * kUs;
  EXPECT_EQ(f.rd(SysTimer::CS), 0x2u);
  EXPECT_EQ(f.timer.lines(), 0x2u);
  EXPECT_EQ(f.timer.next_match_cycle(0x2), 1500 * kUs);  // matched, not latched: still the cycle it did
  EXPECT_EQ(f.rd(SysTimer::CS), 0x2u);
  f.wr(SysTimer::CS, 0);                                  // any write latches
  EXPECT_EQ(f.timer.next_match_cycle(0x2), std::nullopt);  // latched: nothing left to wait for
  f.cycle = 9000 * kUs;
  f.wr(SysTimer::CS, 0x1);  // another bit: C1 stays
  EXPECT_EQ(f.rd(SysTimer::CS), 0x2u);
  f.wr(SysTimer::CS, 0x2);
  EXPECT_EQ(f.rd(SysTimer::CS), 0u);
  f.cycle = (9000 + (1ull << 32)) * kUs;  // one match per write, as on QEMU: no second one a wrap later
  EXPECT_EQ(f.rd(SysTimer::CS), 0u);
}

// Catches: a compare in the past not wrapping (it matches 2^32 us later) or one equal to CLO not
// matching at once, and a match that happened before a CS clear being lost by a later compare write.
TEST(SysTimer, CompareWrapsAndMatchesNow) {
  Fixture f;
  f.cycle = 100 * kUs;
  f.wr(SysTimer::C0 + 8, 50);  // C2 is behind: 2^32 - 50 us ahead
  EXPECT_EQ(f.timer.next_match_cycle(0x4), ((1ull << 32) + 50) * kUs);
  f.wr(SysTimer::C0 + 12, 100);  // C3 equals CLO: matches now
  EXPECT_EQ(f.rd(SysTimer::CS), 0x8u);
  f.wr(SysTimer::C0, 150);
  f.cycle = 200 * kUs;
  f.wr(SysTimer::C0, 5000);  // rearm C0 after its first match happened unseen: the bit stays
  EXPECT_EQ(f.rd(SysTimer::CS), 0x9u);
}

}  // namespace
}  // namespace chemu
