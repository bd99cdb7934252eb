// BCM2835 AUX block at 0x3f215000 with its mini UART (UART1). The two AUX SPI masters are not modelled.
//
//   0x00 AUX_IRQ         bit 0: the mini UART's interrupt is pending (read-only)
//   0x04 AUX_ENABLES     bit 0: mini UART enabled (always reads 1: it cannot be switched off here)
//   0x40 AUX_MU_IO       write: transmit a byte; read: take a received byte
//   0x44 AUX_MU_IER      bit 0: receive interrupt enable, bit 1: transmit interrupt enable (reads | 0xc0)
//   0x48 AUX_MU_IIR      read: 0xc0 | 0x4 (receive) or 0x2 (transmit) | bit 0 set when nothing pending;
//                        write bit 1: clear the receive FIFO
//   0x4c AUX_MU_LCR  0x50 AUX_MU_MCR  0x58 AUX_MU_MSR  0x5c AUX_MU_SCRATCH  0x68 AUX_MU_BAUD:
//                        accepted, read as 0 (QEMU 7.2 does not implement them either)
//   0x54 AUX_MU_LSR      bit 0: data ready, bits 5-6: transmitter empty and idle (always)
//   0x60 AUX_MU_CNTL     reads 3 (receiver and transmitter enabled); writes ignored
//   0x64 AUX_MU_STAT     bit 0: byte available, bits 1-3, 8, 9: idle/empty, bits 16-19: receive FIFO level
// Behaviour follows QEMU 7.2's bcm2835_aux. Transmission is instantaneous (the transmit FIFO is always
// empty, so an enabled transmit interrupt is always pending). The receive FIFO is the first (up to 8)
// bytes of the console's input queue, which the PL011 reads from too. The interrupt output is
// GPU interrupt 29 of the BCM2835 interrupt controller.
#pragma once
#include <tuple>
#include <algorithm>

#include "dev/console.h"
#include "dev/device.h"

namespace chemu {

class AuxMiniUart final : public Device {
 public:
  static constexpr uint64_t kBase = 0x3f215000, kSize = 0x100;
  static constexpr unsigned kGpuIrq = 29;
  enum Reg : uint64_t {
    AUX_IRQ = 0x00, AUX_ENABLES = 0x04, MU_IO = 0x40, MU_IER = 0x44, MU_IIR = 0x48, MU_LCR = 0x4c, MU_MCR = 0x50,
    MU_LSR = 0x54, MU_MSR = 0x58, MU_SCRATCH = 0x5c, MU_CNTL = 0x60, MU_STAT = 0x64, MU_BAUD = 0x68,
  };
  enum Ier : uint32_t { IER_RX = 1, IER_TX = 2 };
  static constexpr size_t kFifoSize = 8;

  AuxMiniUart(Console& console, GuestErrorLog& log) : console_(console), log_(log) { reset(); }
  std::string_view name() const override { return "aux"; }
  void reset() override { ier_ = 0; }
  uint64_t read(const MmioAccess& a) override;
  void write(const MmioAccess& a, uint64_t value) override;
  bool interrupt() const;  // the mini UART's interrupt line (GPU IRQ 29)

  // What changes as the guest runs, for machine snapshots (Machine::take_snapshot).
  auto fields() { return std::tie(ier_); }

 private:
  size_t rx_level() const { return std::min(console_.input_size(), kFifoSize); }
  uint32_t iir() const;
  uint32_t stat() const;
  Console& console_;
  GuestErrorLog& log_;
  uint32_t ier_ = 0;
};

}  // namespace chemu
