// An undo log of guest RAM for machine snapshots. RAM is 1 GiB and a snapshot every few million
// instructions must not copy it: instead, after each mark, the first write to a 4 KiB page keeps that
// page's bytes as they were at the mark (before the write changes them). Rewinding to a mark puts
// back every page written since it, newest epoch first, so a snapshot costs only the pages the guest
// wrote after it. Writes reach it from the engines' write hooks (Core::track_writes) and from the host
// side (GuestRam::store, copy_in: the mailbox's answers, gdb's memory writes).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace chemu {

class GuestRam;

class RamJournal {
 public:
  static constexpr uint64_t kPageSize = 4096;
  explicit RamJournal(GuestRam& ram);

  // Before a write of `len` bytes at physical `pa` (RAM only): keeps the pages it starts to dirty.
  void before_write(uint64_t pa, uint64_t len) {
    if (epochs_.empty()) [[unlikely]] return;
    for (uint64_t page = pa / kPageSize, last = (pa + len - 1) / kPageSize; page <= last; ++page)
      if (!(saved_[page / 64] >> (page % 64) & 1)) [[unlikely]] keep(page);
  }
  // A new epoch begins now; returns its mark (0, 1, 2, ...).
  size_t mark();
  // RAM as it was at `mark`: every page written since is put back; later marks are dropped and
  // `mark` is the open epoch again. Returns the physical pages rewritten (sorted, each once).
  std::vector<uint64_t> rewind_to(size_t mark);
  size_t marks() const { return epochs_.size(); }
  size_t pages_kept(size_t mark) const { return epochs_[mark].pages.size(); }
  size_t bytes_kept() const;  // every epoch's saved pages

 private:
  struct Epoch {
    std::vector<uint64_t> pages;  // page numbers, in the order first written
    std::vector<uint8_t> bytes;   // their contents at the mark, kPageSize each
  };
  void keep(uint64_t page);
  GuestRam& ram_;
  std::vector<Epoch> epochs_;
  std::vector<uint64_t> saved_;  // one bit per page: kept in the open epoch
};

}  // namespace chemu
