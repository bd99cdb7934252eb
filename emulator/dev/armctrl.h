// BCM2835 ARM interrupt controller (the "main" controller for GPU/peripheral interrupts) at 0x3f00b200.
// chemu routes no peripheral interrupts through it yet: it holds its enables and reports nothing pending,
// which is what a kernel probing it at boot expects.
//
//   0x00 IRQ_BASIC_PENDING  0x04 IRQ_PENDING_1  0x08 IRQ_PENDING_2  0x0c FIQ_CONTROL
//   0x10 ENABLE_IRQS_1      0x14 ENABLE_IRQS_2  0x18 ENABLE_BASIC_IRQS
//   0x1c DISABLE_IRQS_1     0x20 DISABLE_IRQS_2 0x24 DISABLE_BASIC_IRQS
#pragma once
#include "dev/device.h"

namespace chemu {

class ArmCtrl final : public Device {
 public:
  static constexpr uint64_t kBase = 0x3f00b200, kSize = 0x200;
  enum Reg : uint64_t {
    IRQ_BASIC_PENDING = 0x00, IRQ_PENDING_1 = 0x04, IRQ_PENDING_2 = 0x08, FIQ_CONTROL = 0x0c,
    ENABLE_IRQS_1 = 0x10, ENABLE_IRQS_2 = 0x14, ENABLE_BASIC_IRQS = 0x18,
    DISABLE_IRQS_1 = 0x1c, DISABLE_IRQS_2 = 0x20, DISABLE_BASIC_IRQS = 0x24,
  };
  explicit ArmCtrl(GuestErrorLog& log) : log_(log) {}
  std::string_view name() const override { return "armctrl"; }
  void reset() override { enable1_ = enable2_ = enable_basic_ = fiq_control_ = 0; }
  uint64_t read(const MmioAccess& a) override;
  void write(const MmioAccess& a, uint64_t value) override;

 private:
  GuestErrorLog& log_;
  uint32_t enable1_ = 0, enable2_ = 0, enable_basic_ = 0, fiq_control_ = 0;
};

}  // namespace chemu
