// The exclusive monitor part of Core: which 64-byte granule this core's last load-exclusive reserved,
// so that the machine can wake the core from WFE when another core writes there (docs/timing.md).
#include <cstring>

#include "cpu/core.h"

namespace chemu {

// After this core's slice: what its exclusive instructions left in the engine's monitor. Only a slice
// whose last exclusive was a load-exclusive pays for reading the engine (a context save); one that
// ended with a store-exclusive or CLREX has none, and one without exclusives keeps what it had, its
// bytes taken again so that its own stores do not count as another core's.
void Core::settle_reservation() {
  switch (std::exchange(slice_exclusive_, ExclusiveEffect::None)) {
    case ExclusiveEffect::Releases: reservation_.reset(); break;
    case ExclusiveEffect::Reserves: reservation_ = read_reservation(); break;
    case ExclusiveEffect::None:
      if (reservation_) std::memcpy(reservation_->bytes.data(), ram_.data() + reservation_->granule, kGranule);
      break;
  }
}

// The reserved virtual address, translated as the core translates now, and its granule's bytes.
std::optional<Core::Reservation> Core::read_reservation() const {
  const std::optional<uint64_t> va = ucx::exclusive_address(uc_, scratch_);
  if (!va) return std::nullopt;
  const std::optional<uint64_t> pa = translate(*va);
  if (!pa) return std::nullopt;
  const uint64_t granule = *pa & ~(kGranule - 1);
  if (!GuestRam::contains(granule, kGranule)) return std::nullopt;  // a device: nothing to watch
  Reservation r{granule, {}};
  std::memcpy(r.bytes.data(), ram_.data() + granule, kGranule);
  return r;
}

// Another core has run since this core's reservation was taken: if the granule's bytes changed, that
// core stored there and cleared this core's monitor. A store that wrote the bytes back as they were
// within one slice goes unseen (ABA), as does a store of the same value.
bool Core::lose_reservation_if_written() {
  if (!reservation_ || std::memcmp(reservation_->bytes.data(), ram_.data() + reservation_->granule, kGranule) == 0)
    return false;
  reservation_.reset();
  return true;
}

}  // namespace chemu
