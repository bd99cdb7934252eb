#include "mm/buddy.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace {

// A pool over `pages` host pages (the allocator only computes addresses, it never touches them).
struct Pool {
  explicit Pool(u64 pages) : meta(pages), memory((pages + 1) * BUDDY_PAGE_SIZE) {
    const vaddr_t start = (reinterpret_cast<vaddr_t>(memory.data()) + BUDDY_PAGE_SIZE - 1) & ~(BUDDY_PAGE_SIZE - 1);
    init_buddy(&pool, meta.data(), start, pages);
  }
  phys_mem_pool pool{};
  std::vector<page> meta;
  std::vector<uint8_t> memory;
};

uint64_t addr(Pool& p, page* pg) { return reinterpret_cast<uint64_t>(page_to_virt(&p.pool, pg)); }

// Catches: lost pages at initialisation (a pool size that is not a power of two).
TEST(Buddy, InitialisesEveryPage) {
  Pool p(1000);
  EXPECT_EQ(get_free_mem_size_from_buddy(&p.pool), 1000 * BUDDY_PAGE_SIZE);
}

// Catches: handing out the same page twice, or failing to merge buddies back into large blocks.
TEST(Buddy, SinglePagesAreDistinctAndMergeBack) {
  Pool p(256);
  std::set<uint64_t> seen;
  std::vector<page*> taken;
  while (page* pg = buddy_get_pages(&p.pool, 0)) {
    EXPECT_TRUE(seen.insert(addr(p, pg)).second);
    EXPECT_EQ(virt_to_page(&p.pool, page_to_virt(&p.pool, pg)), pg);
    taken.push_back(pg);
  }
  EXPECT_EQ(taken.size(), 256u);
  EXPECT_EQ(get_free_mem_size_from_buddy(&p.pool), 0u);
  for (page* pg : taken) buddy_free_pages(&p.pool, pg);
  EXPECT_EQ(get_free_mem_size_from_buddy(&p.pool), 256 * BUDDY_PAGE_SIZE);
  page* whole = buddy_get_pages(&p.pool, 8);  // 256 pages in one block again
  ASSERT_NE(whole, nullptr);
  EXPECT_EQ(buddy_get_pages(&p.pool, 0), nullptr);
}

// Catches: overlapping blocks or leaked pages under a mixed, seeded sequence of sizes.
TEST(Buddy, RandomAllocFreeKeepsBlocksDisjointAndLosesNothing) {
  Pool p(4096);
  std::mt19937_64 rng(7);
  struct Block { page* pg; uint64_t start, size; };
  std::vector<Block> live;
  for (int step = 0; step < 5000; ++step) {
    if (!live.empty() && (rng() % 3 == 0)) {
      const size_t i = rng() % live.size();
      buddy_free_pages(&p.pool, live[i].pg);
      live.erase(live.begin() + long(i));
      continue;
    }
    const u64 order = rng() % 6;
    page* pg = buddy_get_pages(&p.pool, order);
    if (!pg) continue;
    const uint64_t start = addr(p, pg), size = BUDDY_PAGE_SIZE << order;
    EXPECT_EQ(start % size, reinterpret_cast<uint64_t>(page_to_virt(&p.pool, &p.meta[0])) % size);  // naturally aligned
    for (const Block& b : live) ASSERT_TRUE(start + size <= b.start || b.start + b.size <= start) << "overlap at step " << step;
    live.push_back({pg, start, size});
  }
  uint64_t in_use = 0;
  for (const Block& b : live) in_use += b.size;
  EXPECT_EQ(get_free_mem_size_from_buddy(&p.pool) + in_use, 4096 * BUDDY_PAGE_SIZE);
  for (const Block& b : live) buddy_free_pages(&p.pool, b.pg);
  EXPECT_NE(buddy_get_pages(&p.pool, 12), nullptr);  // everything merged back: 4096 pages in one block
}

TEST(Buddy, RefusesOrdersItCannotServe) {
  Pool p(16);
  EXPECT_EQ(buddy_get_pages(&p.pool, 5), nullptr);  // 32 pages: more than the pool
  EXPECT_EQ(buddy_get_pages(&p.pool, BUDDY_MAX_ORDER), nullptr);
  EXPECT_NE(buddy_get_pages(&p.pool, 4), nullptr);
}

}  // namespace
