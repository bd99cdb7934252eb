// The guest's RAM: one host buffer at physical 0, shared by the four engines (stores by one core are
// seen by all). The ARM sees 0x00000000-0x3effffff as RAM, as on QEMU's raspi3b (the firmware reserves
// the top 64 MiB for the VideoCore, but it is still RAM); peripherals start at 0x3f000000.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>

#include "machine/ram_journal.h"

namespace chemu {

class GuestRam {
 public:
  static constexpr uint64_t kSize = 0x3f000000;
  GuestRam();
  ~GuestRam();
  GuestRam(const GuestRam&) = delete;
  GuestRam& operator=(const GuestRam&) = delete;

  uint8_t* data() { return data_; }
  static constexpr uint64_t size() { return kSize; }
  static constexpr bool contains(uint64_t pa, uint64_t len) { return pa < kSize && len <= kSize - pa; }

  template <typename T>
  std::optional<T> load(uint64_t pa) const {
    if (!contains(pa, sizeof(T))) return std::nullopt;
    T v;
    std::memcpy(&v, data_ + pa, sizeof(T));
    return v;
  }
  template <typename T>
  bool store(uint64_t pa, T v) {
    if (!contains(pa, sizeof(T))) return false;
    if (journal_) journal_->before_write(pa, sizeof(T));
    std::memcpy(data_ + pa, &v, sizeof(T));
    return true;
  }
  bool copy_in(uint64_t pa, const void* src, size_t len);
  // Host-side writes (store, copy_in) are told to this journal first (nullptr: none, the default).
  void set_journal(RamJournal* journal) { journal_ = journal; }
  RamJournal* journal() const { return journal_; }

 private:
  uint8_t* data_;
  RamJournal* journal_ = nullptr;
};

}  // namespace chemu
