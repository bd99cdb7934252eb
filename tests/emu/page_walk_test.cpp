#include "cpu/page_walk.h"

#include <map>

#include <gtest/gtest.h>

namespace chemu {
namespace {

struct FakeMemory {
  std::map<uint64_t, uint64_t> words;
  ReadPhys64 reader() {
    return [this](uint64_t pa) -> std::optional<uint64_t> {
      auto it = words.find(pa);
      return it == words.end() ? std::optional<uint64_t>(0) : it->second;
    };
  }
};

constexpr uint64_t kTable = 3, kBlock = 1, kPage = 3;
// TCR: T0SZ = T1SZ = 16 (48-bit), TG0 = 4 KB, TG1 = 4 KB.
constexpr uint64_t kTcr48 = 16 | (16ull << 16) | (2ull << 30);

// Catches: wrong level indexing, block sizes, or TTBR0/TTBR1 selection in the host's walker.
TEST(PageWalk, WalksBothHalvesWithBlocksAndPages) {
  FakeMemory m;
  // TTBR0: L0[0] -> L1 @0x2000; L1[1] = 1 GiB block at 0x40000000; L1[0] -> L2 @0x3000; L2[2] -> L3 @0x4000
  m.words[0x1000] = 0x2000 | kTable;
  m.words[0x2000 + 8] = 0x40000000 | kBlock;
  m.words[0x2000] = 0x3000 | kTable;
  m.words[0x3000 + 2 * 8] = 0x4000 | kTable;
  m.words[0x4000 + 5 * 8] = 0x123000 | kPage;
  m.words[0x3000 + 3 * 8] = 0x800000 | kBlock;  // 2 MiB block
  // TTBR1 for 0xffff000000000000 upward: L0[0] -> L1 @0x6000, L1[0] = block at 0
  m.words[0x5000] = 0x6000 | kTable;
  m.words[0x6000] = 0x0 | kBlock;
  TranslationRegs r{1, kTcr48, 0x1000, 0x5000};
  EXPECT_EQ(translate(r, 0x40000123, m.reader()), 0x40000123u);
  EXPECT_EQ(translate(r, 0x405678, m.reader()), 0x123678u);
  EXPECT_EQ(translate(r, 0x6abcde, m.reader()), 0x8abcdeu);
  EXPECT_EQ(translate(r, 0xffff000000080040ull, m.reader()), 0x80040u);
  EXPECT_FALSE(translate(r, 0x80000000, m.reader()).has_value());       // L1[2] invalid
  EXPECT_FALSE(translate(r, 0x0001000000000000ull, m.reader()).has_value());  // beyond 48 bits
  r.sctlr = 0;
  EXPECT_EQ(translate(r, 0x1234, m.reader()), 0x1234u);  // MMU off: identity
}

// Catches: refusing to walk TTBR1 when TG1 holds the reserved value 0b00. The upstream ChCore kernel
// programs it so; QEMU (and so the guest) then uses 4 KiB pages, and the WFI of its idle loop was
// misread as 0 (the run ended "for no known reason").
TEST(PageWalk, ReservedGranuleFieldsMeanFourKilobytes) {
  FakeMemory m;
  m.words[0x5000] = 0x6000 | kTable;
  m.words[0x6000] = 0x0 | kBlock;
  const uint64_t tg1_reserved = 16 | (16ull << 16);
  TranslationRegs r{1, tg1_reserved, 0x5000, 0x5000};
  EXPECT_EQ(translate(r, 0xffff000000098430ull, m.reader()), 0x98430u);
  r.tcr |= 3ull << 14;  // TG0 reserved too
  EXPECT_EQ(translate(r, 0x98430, m.reader()), 0x98430u);
  r.tcr = (r.tcr & ~(3ull << 14)) | (1ull << 14);  // TG0 = 64 KiB: not walked by the host
  EXPECT_FALSE(translate(r, 0x98430, m.reader()).has_value());
}

}  // namespace
}  // namespace chemu
