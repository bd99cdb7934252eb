#include "dev/pl011.h"

#include <fmt/format.h>

namespace chemu {

namespace {
// PrimeCell identification registers 0xfe0..0xffc (PL011 r1p5, as QEMU and the TRM give them).
constexpr uint8_t kIds[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
}

void Pl011::reset() {
  ibrd_ = fbrd_ = lcrh_ = imsc_ = dmacr_ = ilpr_ = tx_cleared_ = 0;
  cr_ = 0x300;    // TXE | RXE
  ifls_ = 0x12;   // half-full levels
}

uint32_t Pl011::raw_status() const {
  uint32_t ris = INT_TX & ~tx_cleared_;  // the transmit FIFO is always below its level
  if (console_.has_input()) ris |= INT_RX;
  return ris;
}

uint64_t Pl011::read(const MmioAccess& a) {
  if (a.offset >= 0xfe0 && a.offset < 0x1000) return kIds[(a.offset - 0xfe0) / 4];
  switch (a.offset) {
    case DR: return uint8_t(console_.take_input());
    case RSR: return 0;
    case FR: return FR_TXFE | (console_.has_input() ? 0u : uint32_t(FR_RXFE));
    case ILPR: return ilpr_;
    case IBRD: return ibrd_;
    case FBRD: return fbrd_;
    case LCRH: return lcrh_;
    case CR: return cr_;
    case IFLS: return ifls_;
    case IMSC: return imsc_;
    case RIS: return raw_status();
    case MIS: return raw_status() & imsc_;
    case DMACR: return dmacr_;
    default:
      log_.guest_error(a.core, name(), fmt::format("read of unknown register {:#x}", a.offset));
      return 0;
  }
}

void Pl011::write(const MmioAccess& a, uint64_t value) {
  const uint32_t v = uint32_t(value);
  switch (a.offset) {
    case DR:
      console_.put(a.core, char(v & 0xff));
      tx_cleared_ = 0;
      return;
    case RSR: return;  // error clear: no errors are ever recorded
    case ILPR: ilpr_ = v & 0xff; return;
    case IBRD: ibrd_ = v & 0xffff; return;
    case FBRD: fbrd_ = v & 0x3f; return;
    case LCRH: lcrh_ = v & 0xff; return;
    case CR: cr_ = v & 0xffff; return;
    case IFLS: ifls_ = v & 0x3f; return;
    case IMSC: imsc_ = v & 0x7ff; return;
    case ICR: tx_cleared_ |= v & INT_TX; return;
    case DMACR: dmacr_ = v & 7; return;
    default:
      log_.guest_error(a.core, name(), fmt::format("write of {:#x} to unknown register {:#x}", v, a.offset));
  }
}

}  // namespace chemu
