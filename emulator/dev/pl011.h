// ARM PrimeCell UART (PL011) as the Raspberry Pi 3's UART0 at 0x3f201000.
//
//   0x000 DR    data (write: transmit, read: receive)     0x030 CR    control
//   0x004 RSR   receive status / error clear              0x034 IFLS  FIFO level select
//   0x018 FR    flags: RXFE(4) TXFF(5) RXFF(6) TXFE(7)     0x038 IMSC  interrupt mask set/clear
//   0x020 ILPR  IrDA low-power counter                    0x03c RIS   raw interrupt status
//   0x024 IBRD  integer baud divisor                      0x040 MIS   masked interrupt status
//   0x028 FBRD  fractional baud divisor                   0x044 ICR   interrupt clear
//   0x02c LCRH  line control                              0x048 DMACR DMA control
//   0xfe0..0xffc  peripheral and PrimeCell identification
// Transmission is instantaneous (TXFF never set, as on QEMU); received bytes come from the Console.
// The interrupt output (RIS & IMSC) is GPU interrupt 57 of the BCM2835 interrupt controller.
#pragma once
#include <tuple>
#include "dev/console.h"
#include "dev/device.h"

namespace chemu {

class Pl011 final : public Device {
 public:
  static constexpr uint64_t kBase = 0x3f201000, kSize = 0x1000;
  static constexpr unsigned kGpuIrq = 57;  // its line on the BCM2835 interrupt controller
  enum Reg : uint64_t {
    DR = 0x00, RSR = 0x04, FR = 0x18, ILPR = 0x20, IBRD = 0x24, FBRD = 0x28, LCRH = 0x2c, CR = 0x30,
    IFLS = 0x34, IMSC = 0x38, RIS = 0x3c, MIS = 0x40, ICR = 0x44, DMACR = 0x48,
  };
  enum Flag : uint32_t { FR_BUSY = 1u << 3, FR_RXFE = 1u << 4, FR_TXFF = 1u << 5, FR_RXFF = 1u << 6, FR_TXFE = 1u << 7 };
  enum Irq : uint32_t { INT_RX = 1u << 4, INT_TX = 1u << 5 };

  Pl011(Console& console, GuestErrorLog& log) : console_(console), log_(log) { reset(); }
  std::string_view name() const override { return "pl011"; }
  void reset() override;
  uint64_t read(const MmioAccess& a) override;
  void write(const MmioAccess& a, uint64_t value) override;
  bool interrupt() const { return (raw_status() & imsc_) != 0; }  // the UART's IRQ output line

  // What changes as the guest runs, for machine snapshots (Machine::take_snapshot).
  auto fields() { return std::tie(ibrd_, fbrd_, lcrh_, cr_, ifls_, imsc_, dmacr_, ilpr_, tx_cleared_); }

 private:
  uint32_t raw_status() const;
  Console& console_;
  GuestErrorLog& log_;
  uint32_t ibrd_ = 0, fbrd_ = 0, lcrh_ = 0, cr_ = 0, ifls_ = 0, imsc_ = 0, dmacr_ = 0, ilpr_ = 0;
  uint32_t tx_cleared_ = 0;  // TX interrupt cleared by ICR until the next transmit
};

}  // namespace chemu
