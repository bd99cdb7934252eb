#include "dev/armctrl.h"

#include <fmt/format.h>

namespace chemu {

uint64_t ArmCtrl::read(const MmioAccess& a) {
  switch (a.offset) {
    case IRQ_BASIC_PENDING: case IRQ_PENDING_1: case IRQ_PENDING_2: return 0;
    case FIQ_CONTROL: return fiq_control_;
    case ENABLE_IRQS_1: case DISABLE_IRQS_1: return enable1_;
    case ENABLE_IRQS_2: case DISABLE_IRQS_2: return enable2_;
    case ENABLE_BASIC_IRQS: case DISABLE_BASIC_IRQS: return enable_basic_;
    default:
      log_.guest_error(a.core, name(), fmt::format("read of unknown register {:#x}", a.offset));
      return 0;
  }
}

void ArmCtrl::write(const MmioAccess& a, uint64_t value) {
  const uint32_t v = uint32_t(value);
  switch (a.offset) {
    case FIQ_CONTROL: fiq_control_ = v & 0xff; return;
    case ENABLE_IRQS_1: enable1_ |= v; return;
    case ENABLE_IRQS_2: enable2_ |= v; return;
    case ENABLE_BASIC_IRQS: enable_basic_ |= v & 0xff; return;
    case DISABLE_IRQS_1: enable1_ &= ~v; return;
    case DISABLE_IRQS_2: enable2_ &= ~v; return;
    case DISABLE_BASIC_IRQS: enable_basic_ &= ~(v & 0xff); return;
    default:
      log_.guest_error(a.core, name(), fmt::format("write of {:#x} to register {:#x}", v, a.offset));
  }
}

}  // namespace chemu
