#include "dev/gpio.h"

#include <fmt/format.h>

namespace chemu {

void Gpio::reset() {
  fsel_ = {};
  lev0_ = lev1_ = 0;
  detect_and_pull_ = {};
}

uint32_t Gpio::read_fsel(unsigned reg) const {
  uint32_t v = 0;
  for (unsigned i = 0; i < 10 && 10 * reg + i < kPins; ++i) v |= uint32_t(fsel_[10 * reg + i]) << (3 * i);
  return v;
}

void Gpio::write_fsel(unsigned reg, uint32_t value) {
  for (unsigned i = 0; i < 10 && 10 * reg + i < kPins; ++i) fsel_[10 * reg + i] = uint8_t((value >> (3 * i)) & 7);
}

uint64_t Gpio::read(const MmioAccess& a) {
  const uint64_t o = a.offset;
  if (o <= GPFSEL5 && o % 4 == 0) return read_fsel(unsigned(o / 4));
  if (is_detect_or_pull(o)) return 0;  // kept, but QEMU reads these as 0
  switch (o) {
    case GPSET0: case GPSET1: case GPCLR0: case GPCLR1: return 0;  // write-only
    case GPLEV0: return lev0_;
    case GPLEV1: return lev1_;
    default:
      log_.guest_error(a.core, name(), fmt::format("read of unknown register {:#x}", o));
      return 0;
  }
}

void Gpio::write(const MmioAccess& a, uint64_t value) {
  const uint64_t o = a.offset;
  const uint32_t v = uint32_t(value);
  if (o <= GPFSEL5 && o % 4 == 0) return write_fsel(unsigned(o / 4), v);
  if (is_detect_or_pull(o)) return void(detect_and_pull_[index_of(o)] = v);
  switch (o) {
    case GPSET0: lev0_ |= v; return;
    case GPSET1: lev1_ |= v; return;
    case GPCLR0: lev0_ &= ~v; return;
    case GPCLR1: lev1_ &= ~v; return;
    case GPLEV0: case GPLEV1: return;  // read-only
    default:
      log_.guest_error(a.core, name(), fmt::format("write of {:#x} to unknown register {:#x}", v, o));
  }
}

}  // namespace chemu
