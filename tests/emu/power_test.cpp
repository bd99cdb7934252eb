// The PM block (reset controller and watchdog) driven from outside: the password rule and the two
// ways a full reset ends (power-off for the halt partition, reset otherwise).
#include <gtest/gtest.h>

#include "dev/power.h"
#include "test_log.h"

namespace chemu {
namespace {

struct Fixture {
  CountingLog log;
  std::vector<std::pair<bool, uint32_t>> requests;  // (power_off, rsts)
  PowerManager pm{log, [this](int, bool off, uint32_t rsts) { requests.emplace_back(off, rsts); }};
  uint64_t rd(uint64_t o) { return pm.read({0, o, 4}); }
  void wr(uint64_t o, uint32_t v) { pm.write({0, o, 4}, v); }
};

// Catches: writes without the 0x5a password taking effect (a stray store must not reset the board),
// the password kept in the register, or the reset values differing from QEMU's.
TEST(PowerManager, WritesNeedThePassword) {
  Fixture f;
  EXPECT_EQ(f.rd(PowerManager::RSTC), 0x102u);
  EXPECT_EQ(f.rd(PowerManager::RSTS), 0x1000u);
  EXPECT_EQ(f.rd(PowerManager::WDOG), 0u);
  f.wr(PowerManager::WDOG, 0x00000123);
  f.wr(PowerManager::RSTC, 0x00000020);
  EXPECT_EQ(f.rd(PowerManager::WDOG), 0u);
  EXPECT_TRUE(f.requests.empty());
  EXPECT_EQ(f.log.count, 2);
  f.wr(PowerManager::WDOG, PowerManager::kPassword | 0x123);
  EXPECT_EQ(f.rd(PowerManager::WDOG), 0x123u);
}

// Catches: a power-off taken for a reset or the other way round (the partition-63 convention), or a
// full reset that does nothing.
TEST(PowerManager, FullResetPowersOffOnlyForTheHaltPartition) {
  Fixture f;
  f.wr(PowerManager::RSTC, PowerManager::kPassword | 0x10);  // WRCFG "set": no reset
  EXPECT_TRUE(f.requests.empty());
  f.wr(PowerManager::RSTC, PowerManager::kPassword | 0x20);
  f.wr(PowerManager::RSTS, PowerManager::kPassword | 0x1000 | 0x555);
  f.wr(PowerManager::WDOG, PowerManager::kPassword | 10);
  f.wr(PowerManager::RSTC, PowerManager::kPassword | 0x20);
  ASSERT_EQ(f.requests.size(), 2u);
  EXPECT_EQ(f.requests[0], std::make_pair(false, 0x1000u));
  EXPECT_EQ(f.requests[1], std::make_pair(true, 0x1555u));
  EXPECT_EQ(f.log.count, 0);
}

}  // namespace
}  // namespace chemu
