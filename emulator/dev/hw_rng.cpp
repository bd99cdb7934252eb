#include "dev/hw_rng.h"

#include <fmt/format.h>

namespace chemu {

uint64_t HwRng::read(const MmioAccess& a) {
  switch (a.offset) {
    case CTRL: return ctrl_;
    case STATUS: return (status_ & kWarmUpMask) | kOneWordAvailable;
    case DATA: return uint32_t(gen_.next());
    case FF_THRES: return 0;
    case INT_MASK: return int_mask_;
    default:
      log_.guest_error(a.core, name(), fmt::format("read of unknown register {:#x}", a.offset));
      return 0;
  }
}

void HwRng::write(const MmioAccess& a, uint64_t value) {
  const uint32_t v = uint32_t(value);
  switch (a.offset) {
    case CTRL: ctrl_ = v; return;
    case STATUS: status_ = v & kWarmUpMask; return;  // the word count is the generator's, not the guest's
    case FF_THRES: return;
    case INT_MASK: int_mask_ = v; return;
    default:
      log_.guest_error(a.core, name(), fmt::format("write of {:#x} to {} register {:#x}", v, a.offset == DATA ? "read-only" : "unknown", a.offset));
  }
}

}  // namespace chemu
