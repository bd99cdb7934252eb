#include "dev/armctrl.h"

#include <fmt/format.h>

namespace chemu {

namespace {
// GPU interrupts that also appear in IRQ_BASIC_PENDING, at bits 10, 11, ... in this order.
constexpr unsigned kBasicShortcuts[] = {7, 9, 10, 18, 19, 53, 54, 55, 56, 57, 62};
}  // namespace

uint32_t ArmCtrl::basic_pending(const InterruptLevels& l) const {
  const uint64_t gpu = l.gpu & gpu_enable_;
  uint32_t v = l.arm & arm_enable_ & 0xff;
  if (uint32_t(gpu)) v |= 1u << 8;
  if (gpu >> 32) v |= 1u << 9;
  for (unsigned i = 0; i < std::size(kBasicShortcuts); ++i)
    if (gpu >> kBasicShortcuts[i] & 1) v |= 1u << (10 + i);
  return v;
}

bool ArmCtrl::irq() const {
  const InterruptLevels l = levels();
  return (l.gpu & gpu_enable_) || (l.arm & arm_enable_);
}

bool ArmCtrl::fiq() const {
  if (!(fiq_control_ & kFiqEnable)) return false;
  const unsigned source = fiq_control_ & 0x7f;
  const InterruptLevels l = levels();
  return source < kGpuIrqs ? (l.gpu >> source & 1) : (source - kGpuIrqs < 8 && (l.arm >> (source - kGpuIrqs) & 1));
}

std::optional<unsigned> ArmCtrl::fiq_gpu_source() const {
  const unsigned source = fiq_control_ & 0x7f;
  if (!(fiq_control_ & kFiqEnable) || source >= kGpuIrqs) return std::nullopt;
  return source;
}

uint64_t ArmCtrl::read(const MmioAccess& a) {
  switch (a.offset) {
    case IRQ_BASIC_PENDING: return basic_pending(levels());
    case IRQ_PENDING_1: return uint32_t(levels().gpu & gpu_enable_);
    case IRQ_PENDING_2: return uint32_t((levels().gpu & gpu_enable_) >> 32);
    case FIQ_CONTROL: return fiq_control_;
    case ENABLE_IRQS_1: return uint32_t(gpu_enable_);
    case ENABLE_IRQS_2: return uint32_t(gpu_enable_ >> 32);
    case ENABLE_BASIC_IRQS: return arm_enable_;
    case DISABLE_IRQS_1: return uint32_t(~gpu_enable_);
    case DISABLE_IRQS_2: return uint32_t(~gpu_enable_ >> 32);
    case DISABLE_BASIC_IRQS: return ~arm_enable_;
    default:
      log_.guest_error(a.core, name(), fmt::format("read of unknown register {:#x}", a.offset));
      return 0;
  }
}

void ArmCtrl::write(const MmioAccess& a, uint64_t value) {
  const uint32_t v = uint32_t(value);
  switch (a.offset) {
    case FIQ_CONTROL: fiq_control_ = v & 0xff; return;
    case ENABLE_IRQS_1: gpu_enable_ |= v; return;
    case ENABLE_IRQS_2: gpu_enable_ |= uint64_t(v) << 32; return;
    case ENABLE_BASIC_IRQS: arm_enable_ |= v & 0xff; return;
    case DISABLE_IRQS_1: gpu_enable_ &= ~uint64_t(v); return;
    case DISABLE_IRQS_2: gpu_enable_ &= ~(uint64_t(v) << 32); return;
    case DISABLE_BASIC_IRQS: arm_enable_ &= ~v & 0xff; return;
    default:
      log_.guest_error(a.core, name(), fmt::format("write of {:#x} to unknown register {:#x}", v, a.offset));
  }
}

}  // namespace chemu
