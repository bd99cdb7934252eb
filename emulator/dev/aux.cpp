#include "dev/aux.h"

#include <algorithm>

#include <fmt/format.h>

namespace chemu {

bool AuxMiniUart::interrupt() const { return ((ier_ & IER_RX) && rx_level() > 0) || (ier_ & IER_TX); }

uint32_t AuxMiniUart::iir() const {
  const uint32_t id = rx_level() > 0 ? 0x4 : 0x2;  // receive wins: the transmit FIFO is always empty
  return 0xc0 | id | (interrupt() ? 0 : 1);
}

uint32_t AuxMiniUart::stat() const {
  const uint32_t idle = 0x30e;  // space in the transmit FIFO, receiver and transmitter idle, FIFO empty, done
  const size_t n = rx_level();
  return n ? idle | 1 | uint32_t(n) << 16 : idle;
}

uint64_t AuxMiniUart::read(const MmioAccess& a) {
  switch (a.offset) {
    case AUX_IRQ: return interrupt() ? 1 : 0;
    case AUX_ENABLES: return 1;
    case MU_IO: return uint8_t(console_.take_input());
    case MU_IER: return 0xc0 | ier_;
    case MU_IIR: return iir();
    case MU_LCR: case MU_MCR: case MU_MSR: case MU_SCRATCH: case MU_BAUD: return 0;
    case MU_LSR: return 0x60 | (rx_level() > 0 ? 1 : 0);
    case MU_CNTL: return 3;
    case MU_STAT: return stat();
    default:
      log_.guest_error(a.core, name(), fmt::format("read of unknown register {:#x}", a.offset));
      return 0;
  }
}

void AuxMiniUart::write(const MmioAccess& a, uint64_t value) {
  const uint32_t v = uint32_t(value);
  switch (a.offset) {
    case AUX_ENABLES:
      if (v != 1) log_.guest_error(a.core, name(), fmt::format("AUX_ENABLES {:#x}: the SPI masters are not modelled and the mini UART stays on", v));
      return;
    case MU_IO: console_.put(a.core, char(v & 0xff), UartPort::Mini); return;
    case MU_IER: ier_ = v & (IER_RX | IER_TX); return;
    case MU_IIR:
      if (v & 2) console_.drop_input(rx_level());
      return;
    case MU_LCR: case MU_MCR: case MU_SCRATCH: case MU_CNTL: case MU_BAUD: return;  // accepted, not modelled
    default:
      log_.guest_error(a.core, name(), fmt::format("write of {:#x} to unknown register {:#x}", v, a.offset));
  }
}

}  // namespace chemu
