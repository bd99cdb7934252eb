#include "machine/guest_ram.h"

#include <stdexcept>
#include <sys/mman.h>

namespace chemu {

GuestRam::GuestRam() {
  // Anonymous memory starts zeroed; NORESERVE so untouched guest RAM costs the host nothing.
  void* p = mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error("cannot reserve 1 GiB of host memory for guest RAM");
  data_ = static_cast<uint8_t*>(p);
}

GuestRam::~GuestRam() { munmap(data_, kSize); }

bool GuestRam::copy_in(uint64_t pa, const void* src, size_t len) {
  if (!contains(pa, len)) return false;
  if (journal_ && len) journal_->before_write(pa, len);
  std::memcpy(data_ + pa, src, len);
  return true;
}

}  // namespace chemu
