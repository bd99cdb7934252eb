// The core's direct-mapped cache of analysed blocks: the block hook runs before every translated
// block, so a hit must cost a few instructions. An entry is 16 bytes; blocks are told apart by
// virtual address, size and address space (TTBR1 for the high half; for the low half, which TTBR0
// value, as a small number). What the cache holds is a function of the blocks run so far, so hits
// and misses are the same on every run.
#pragma once
#include <cstdint>
#include <vector>

#include "cpu/block_info.h"

namespace chemu {

class BlockCache {
 public:
  struct Entry {
    uint64_t va = ~0ull;
    uint16_t space = 0;   // address space: 0 for the high half; for the low half see set_ttbr0()
    uint16_t size = 0;    // bytes; the block holds size / 4 instructions
    uint16_t cycles = 0;
    uint16_t flags = 0;   // block_flag bits
    uint32_t instructions() const { return size >> 2; }
  };
  // Longer blocks are analysed up to this many bytes and not cached (QEMU's hold at most 512
  // instructions, so this never happens in practice).
  static constexpr uint32_t kMaxBytes = 4096;

  BlockCache();
  // The entry for this block, or nullptr if it has not been analysed (or was dropped).
  const Entry* find(uint64_t va, uint32_t size) const {
    const Entry& e = table_[index(va)];
    return e.va == va && e.size == size && e.space == space_of(va) ? &e : nullptr;
  }
  // Records the analysis of a block of `size` bytes (only the first kMaxBytes analysed).
  const Entry& insert(uint64_t va, uint32_t size, const BlockInfo& info);
  // Drops every entry. Only the slots filled since the last clear are wiped (the whole table once
  // more than kTrackedFills were): guests clear the cache on every IC instruction, and wiping 512 KiB
  // each time made one that generates code spend a quarter of its run here.
  void clear();
  // Low-half blocks run under this TTBR0_EL1 value from now on.
  void set_ttbr0(uint64_t ttbr0);

 private:
  // 512 KiB a core. Direct-mapped, so the table is large for few conflicts: the kernel's run misses
  // 23K times with 32768 entries, 167K with 16384, 431K with 4096 (a miss costs about 0.3 us).
  static constexpr size_t kEntries = 1 << 15;
  static constexpr size_t kMaxSpaces = 256;  // past this many TTBR0 values, start again from empty
  uint16_t space_of(uint64_t va) const { return (va >> 63) ? 0 : low_space_; }
  size_t index(uint64_t va) const { return ((va >> 2) ^ (uint64_t(space_of(va)) << 8)) & (kEntries - 1); }

  static constexpr size_t kTrackedFills = 4096;

  std::vector<Entry> table_;
  std::vector<uint32_t> filled_;         // slots filled since the last clear, while at most kTrackedFills
  bool filled_untracked_ = false;        // more were: clear() wipes the whole table
  Entry uncached_;                       // the last block longer than kMaxBytes
  std::vector<uint64_t> ttbr0_values_;   // TTBR0 values seen, in first-seen order: low-half space i
  uint16_t low_space_ = 0;
};

}  // namespace chemu
