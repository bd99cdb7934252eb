#include "machine/ram_journal.h"

#include <algorithm>
#include <cstring>

#include "machine/guest_ram.h"

namespace chemu {

RamJournal::RamJournal(GuestRam& ram) : ram_(ram), saved_((GuestRam::size() / kPageSize + 63) / 64) {}

void RamJournal::keep(uint64_t page) {
  if (page >= GuestRam::size() / kPageSize) return;
  saved_[page / 64] |= 1ull << (page % 64);
  Epoch& e = epochs_.back();
  e.pages.push_back(page);
  const uint8_t* from = ram_.data() + page * kPageSize;
  e.bytes.insert(e.bytes.end(), from, from + kPageSize);
}

size_t RamJournal::mark() {
  std::fill(saved_.begin(), saved_.end(), 0);
  epochs_.emplace_back();
  return epochs_.size() - 1;
}

std::vector<uint64_t> RamJournal::rewind_to(size_t mark) {
  std::vector<uint64_t> rewritten;
  for (size_t e = epochs_.size(); e-- > mark;) {
    const Epoch& epoch = epochs_[e];
    for (size_t i = 0; i < epoch.pages.size(); ++i) {
      std::memcpy(ram_.data() + epoch.pages[i] * kPageSize, epoch.bytes.data() + i * kPageSize, kPageSize);
      rewritten.push_back(epoch.pages[i] * kPageSize);
    }
  }
  epochs_.resize(mark);
  this->mark();
  std::sort(rewritten.begin(), rewritten.end());
  rewritten.erase(std::unique(rewritten.begin(), rewritten.end()), rewritten.end());
  return rewritten;
}

size_t RamJournal::bytes_kept() const {
  size_t n = 0;
  for (const Epoch& e : epochs_) n += e.bytes.size();
  return n;
}

}  // namespace chemu
