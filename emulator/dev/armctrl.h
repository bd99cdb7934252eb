// BCM2835 ARM interrupt controller (the "main" controller for GPU/peripheral interrupts) at 0x3f00b200.
// Its inputs are 64 GPU interrupt lines (peripherals) and 8 ARM ("basic") lines; its outputs, one IRQ
// and one FIQ line, go to the BCM2836 local block, whose GPU routing picks the core that sees them.
//
//   0x00 IRQ_BASIC_PENDING  bits 0-7: ARM lines & enables; bit 8/9: something pending in 1/2;
//                           bits 10-20: GPU interrupts 7, 9, 10, 18, 19, 53-57, 62 (pending & enabled)
//   0x04 IRQ_PENDING_1      GPU interrupts 0-31 that are asserted and enabled
//   0x08 IRQ_PENDING_2      GPU interrupts 32-63 that are asserted and enabled
//   0x0c FIQ_CONTROL        bits 0-6: the one source routed to FIQ (0-63 GPU, 64-71 ARM), bit 7: enable
//   0x10 ENABLE_IRQS_1      0x14 ENABLE_IRQS_2   0x18 ENABLE_BASIC_IRQS   write 1s to enable
//   0x1c DISABLE_IRQS_1     0x20 DISABLE_IRQS_2  0x24 DISABLE_BASIC_IRQS  write 1s to disable
// Reads of the enable registers give the enables, of the disable registers their complement (as QEMU
// 7.2 does). The IRQ output is any enabled line asserted; the FIQ output is the selected line, enabled
// or not. Lines are levels sampled from the devices whenever a register or an output is looked at.
// GPU lines chemu drives: system timer compares 0-3 (0-3), AUX (29), PL011 UART0 (57); ARM line:
// the VideoCore mailbox (1).
#pragma once
#include <tuple>
#include <functional>
#include <optional>

#include "dev/device.h"

namespace chemu {

struct InterruptLevels {
  uint64_t gpu = 0;  // GPU interrupts 0-63
  uint32_t arm = 0;  // ARM ("basic") interrupts 0-7
};

class ArmCtrl final : public Device {
 public:
  static constexpr uint64_t kBase = 0x3f00b200, kSize = 0x200;
  enum Reg : uint64_t {
    IRQ_BASIC_PENDING = 0x00, IRQ_PENDING_1 = 0x04, IRQ_PENDING_2 = 0x08, FIQ_CONTROL = 0x0c,
    ENABLE_IRQS_1 = 0x10, ENABLE_IRQS_2 = 0x14, ENABLE_BASIC_IRQS = 0x18,
    DISABLE_IRQS_1 = 0x1c, DISABLE_IRQS_2 = 0x20, DISABLE_BASIC_IRQS = 0x24,
  };
  static constexpr unsigned kGpuIrqs = 64, kFiqEnable = 0x80;
  using Inputs = std::function<InterruptLevels()>;

  ArmCtrl(GuestErrorLog& log, Inputs inputs) : log_(log), inputs_(std::move(inputs)) { reset(); }
  std::string_view name() const override { return "armctrl"; }
  void reset() override { gpu_enable_ = 0, arm_enable_ = 0, fiq_control_ = 0; }
  uint64_t read(const MmioAccess& a) override;
  void write(const MmioAccess& a, uint64_t value) override;

  bool irq() const;  // the IRQ output (to the local block's GPU IRQ input)
  bool fiq() const;  // the FIQ output
  uint64_t gpu_enables() const { return gpu_enable_; }
  // The GPU interrupt feeding the FIQ output, if FIQ is enabled and selects a GPU line.
  std::optional<unsigned> fiq_gpu_source() const;

  // What changes as the guest runs, for machine snapshots (Machine::take_snapshot).
  auto fields() { return std::tie(gpu_enable_, arm_enable_, fiq_control_); }

 private:
  InterruptLevels levels() const { return inputs_ ? inputs_() : InterruptLevels{}; }
  uint32_t basic_pending(const InterruptLevels& l) const;
  GuestErrorLog& log_;
  Inputs inputs_;
  uint64_t gpu_enable_ = 0;
  uint32_t arm_enable_ = 0, fiq_control_ = 0;
};

}  // namespace chemu
