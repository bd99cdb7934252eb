#include "dev/power.h"

#include <fmt/format.h>

namespace chemu {

uint64_t PowerManager::read(const MmioAccess& a) {
  switch (a.offset) {
    case RSTC: return rstc_;
    case RSTS: return rsts_;
    case WDOG: return wdog_;
    default:
      log_.guest_error(a.core, name(), fmt::format("read of unmodelled register {:#x} reads 0", a.offset));
      return 0;
  }
}

void PowerManager::write(const MmioAccess& a, uint64_t value) {
  const uint32_t v = uint32_t(value);
  if ((v & kPasswordMask) != kPassword) {
    log_.guest_error(a.core, name(), fmt::format("write of {:#x} to {:#x} without the password 0x5a: ignored", v, a.offset));
    return;
  }
  const uint32_t data = v & ~kPasswordMask;
  switch (a.offset) {
    case RSTC:
      rstc_ = data;
      if ((data & kFullReset) && on_reset_) on_reset_(a.core, (rsts_ & 0xfff) == kHaltPartition, rsts_);
      return;
    case RSTS: rsts_ = data; return;
    case WDOG: wdog_ = data; return;
    default:
      log_.guest_error(a.core, name(), fmt::format("write of {:#x} to unmodelled register {:#x} ignored", v, a.offset));
  }
}

}  // namespace chemu
