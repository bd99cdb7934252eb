#include "cpu/block_cache.h"

#include <gtest/gtest.h>

namespace chemu {
namespace {

BlockInfo info(uint32_t cycles, bool wfe = false) {
  BlockInfo b;
  b.cycles = cycles;
  b.wfe = wfe;
  return b;
}

// Catches: a block found under another size, or its cost and flags lost in the compact entry.
TEST(BlockCache, FindsABlockByAddressAndSize) {
  BlockCache c;
  EXPECT_EQ(c.find(0x80000, 12), nullptr);
  c.insert(0x80000, 12, info(7, true));
  const BlockCache::Entry* e = c.find(0x80000, 12);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->instructions(), 3u);
  EXPECT_EQ(e->cycles, 7u);
  EXPECT_EQ(e->flags, block_flag::kWfe);
  EXPECT_EQ(c.find(0x80000, 8), nullptr);  // a shorter block at the same address is another block
  c.clear();
  EXPECT_EQ(c.find(0x80000, 12), nullptr);
}

// Catches: user code of one process taken for another's at the same virtual address (TTBR0), or
// kernel (TTBR1) blocks dropped by a context switch.
TEST(BlockCache, LowHalfBlocksBelongToTheirTtbr0) {
  BlockCache c;
  const uint64_t user = 0x400000, kernel = 0xffffff8000080000ull;
  c.set_ttbr0(0x1000);
  c.insert(user, 8, info(2));
  c.insert(kernel, 8, info(5));
  c.set_ttbr0(0x2000);
  EXPECT_EQ(c.find(user, 8), nullptr);
  ASSERT_NE(c.find(kernel, 8), nullptr);
  c.insert(user, 8, info(9));
  c.set_ttbr0(0x1000);
  const BlockCache::Entry* e = c.find(user, 8);
  // Both processes' blocks may share a slot; whichever is found must be this process's.
  if (e) {
    EXPECT_EQ(e->cycles, 2u);
  }
  c.set_ttbr0(0x2000);
  ASSERT_NE(c.find(user, 8), nullptr);
  EXPECT_EQ(c.find(user, 8)->cycles, 9u);
}

// Catches: address-space numbers reused for new TTBR0 values while blocks of the old ones are cached.
TEST(BlockCache, ManyAddressSpacesNeverMixUp) {
  BlockCache c;
  const uint64_t user = 0x400000;
  c.set_ttbr0(0x1000);  // the first low-half address space after TTBR0 = 0
  c.insert(user, 8, info(3));
  for (uint64_t i = 2; i <= 1000; ++i) {  // past the numbers there are, so they are reused
    c.set_ttbr0(i << 12);
    EXPECT_EQ(c.find(user, 8), nullptr) << "ttbr0 " << (i << 12);
  }
}

// Catches: clear() leaving entries behind, whether few blocks were analysed since the last clear
// (only their slots are wiped) or more than it keeps track of (the whole table is).
TEST(BlockCache, ClearDropsEveryBlockFewOrMany) {
  BlockCache c;
  for (uint64_t n : {3u, 20000u}) {
    for (uint64_t i = 0; i < n; ++i) c.insert(0x80000 + 8 * i, 8, info(1));
    c.insert(0xffffff8000080000ull, 8, info(1));
    c.clear();
    for (uint64_t i = 0; i < n; ++i) ASSERT_EQ(c.find(0x80000 + 8 * i, 8), nullptr) << n << " blocks, block " << i;
    EXPECT_EQ(c.find(0xffffff8000080000ull, 8), nullptr);
  }
}

// Catches: a block longer than the cache handles stored under a truncated size.
TEST(BlockCache, OversizedBlockIsNotCached) {
  BlockCache c;
  const BlockCache::Entry& e = c.insert(0x80000, BlockCache::kMaxBytes + 4, info(1));
  EXPECT_EQ(e.instructions(), BlockCache::kMaxBytes / 4);
  EXPECT_EQ(c.find(0x80000, BlockCache::kMaxBytes + 4), nullptr);
  EXPECT_EQ(c.find(0x80000, BlockCache::kMaxBytes), nullptr);
}

}  // namespace
}  // namespace chemu
