// The hardware RNG driven from outside, and the repeatability of its words.
#include <gtest/gtest.h>

#include <set>

#include "dev/hw_rng.h"
#include "test_log.h"

namespace chemu {
namespace {

std::vector<uint32_t> words(HwRng& rng, int n) {
  std::vector<uint32_t> w;
  for (int i = 0; i < n; ++i) w.push_back(uint32_t(rng.read({0, HwRng::DATA, 4})));
  return w;
}

// Catches: a driver's init sequence (warm-up count, mask, enable, wait for words) hanging or reading
// back wrong: STATUS must always show a word available and keep only the warm-up bits written.
TEST(HwRng, DriverInitSequenceReadsBack) {
  CountingLog log;
  HwRng rng(log, 1);
  EXPECT_EQ(rng.read({0, HwRng::STATUS, 4}), 0x1000000u);
  rng.write({0, HwRng::STATUS, 4}, 0x40000);
  rng.write({0, HwRng::INT_MASK, 4}, rng.read({0, HwRng::INT_MASK, 4}) | 1);
  rng.write({0, HwRng::CTRL, 4}, rng.read({0, HwRng::CTRL, 4}) | 1);
  EXPECT_EQ(rng.read({0, HwRng::STATUS, 4}), 0x1040000u);
  EXPECT_EQ(rng.read({0, HwRng::INT_MASK, 4}), 1u);
  EXPECT_EQ(rng.read({0, HwRng::CTRL, 4}), 1u);
  rng.write({0, HwRng::STATUS, 4}, 0xffffffff);  // the word count is not the guest's to set
  EXPECT_EQ(rng.read({0, HwRng::STATUS, 4}), 0x10fffffu);
  EXPECT_EQ(log.count, 0);
  rng.write({0, HwRng::DATA, 4}, 5);
  EXPECT_EQ(log.count, 1);
}

// Catches: words that depend on anything but the seed (host entropy, time), a reset that does not
// restart the stream, or a stream that is the interleaver's own (Rng(seed)) and so tied to it.
TEST(HwRng, SameSeedSameWordsOtherSeedOtherWords) {
  CountingLog log;
  HwRng a(log, 7), b(log, 7), c(log, 8);
  const auto wa = words(a, 16);
  EXPECT_EQ(wa, words(b, 16));
  EXPECT_NE(wa, words(c, 16));
  EXPECT_EQ(std::set<uint32_t>(wa.begin(), wa.end()).size(), 16u);  // not a constant
  a.reset();
  EXPECT_EQ(words(a, 16), wa);
  Rng interleaver(7);
  EXPECT_NE(wa[0], uint32_t(interleaver.next()));
}

}  // namespace
}  // namespace chemu
