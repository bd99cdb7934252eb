#include "cpu/block_cache.h"

#include <algorithm>

namespace chemu {

BlockCache::BlockCache() : table_(kEntries), ttbr0_values_{0} { filled_.reserve(kTrackedFills); }

const BlockCache::Entry& BlockCache::insert(uint64_t va, uint32_t size, const BlockInfo& info) {
  if (size <= kMaxBytes) {
    if (filled_.size() < kTrackedFills) filled_.push_back(uint32_t(index(va)));
    else filled_untracked_ = true;
  }
  Entry& e = size <= kMaxBytes ? table_[index(va)] : uncached_;
  e.va = size <= kMaxBytes ? va : ~0ull;  // an uncached block never matches
  e.space = space_of(va);
  e.size = uint16_t(std::min(size, kMaxBytes));
  e.cycles = uint16_t(info.cycles);  // at most 1024 instructions x 12 cycles
  e.flags = info.flags();
  return e;
}

void BlockCache::clear() {
  if (filled_untracked_) std::fill(table_.begin(), table_.end(), Entry{});
  else
    for (uint32_t i : filled_) table_[i] = Entry{};
  filled_.clear();
  filled_untracked_ = false;
}

void BlockCache::set_ttbr0(uint64_t ttbr0) {
  auto it = std::find(ttbr0_values_.begin(), ttbr0_values_.end(), ttbr0);
  if (it == ttbr0_values_.end() && ttbr0_values_.size() == kMaxSpaces) {
    clear();  // the numbers are about to be reused for other TTBR0 values
    ttbr0_values_.assign(1, 0);
    it = ttbr0 == 0 ? ttbr0_values_.begin() : ttbr0_values_.end();
  }
  if (it == ttbr0_values_.end()) it = ttbr0_values_.insert(it, ttbr0);
  low_space_ = uint16_t(it - ttbr0_values_.begin());
}

}  // namespace chemu
