#include "dev/sys_timer.h"

#include <fmt/format.h>

namespace chemu {

uint32_t SysTimer::status(uint64_t t) const {
  uint32_t cs = cs_;
  for (unsigned n = 0; n < kCompares; ++n)
    if (compares_[n].match_us && micros(t) >= *compares_[n].match_us) cs |= 1u << n;
  return cs;
}

void SysTimer::latch(uint64_t t) {
  cs_ = status(t);
  for (unsigned n = 0; n < kCompares; ++n)
    if (cs_ >> n & 1) compares_[n].match_us.reset();
}

std::optional<uint64_t> SysTimer::next_match_cycle(uint32_t mask) const {
  std::optional<uint64_t> best;
  for (unsigned n = 0; n < kCompares; ++n) {
    const auto& m = compares_[n].match_us;
    if (!(mask >> n & 1) || !m) continue;
    const uint64_t at = *m * kCyclesPerMicrosecond;  // the first cycle whose counter reads *m
    if (!best || at < *best) best = at;
  }
  return best;
}

// Arms a match at the next counter value whose low 32 bits equal `value`: 0 to 2^32 - 1 us ahead.
void SysTimer::write_compare(unsigned n, uint32_t value) {
  const uint64_t t = now();
  latch(t);
  const uint64_t us = micros(t);
  compares_[n] = {value, us + uint32_t(value - uint32_t(us))};
}

uint64_t SysTimer::read(const MmioAccess& a) {
  if (a.offset >= C0 && a.offset <= C3 && a.offset % 4 == 0) return compares_[(a.offset - C0) / 4].value;
  switch (a.offset) {
    case CS: return status(now());
    case CLO: return uint32_t(micros(now()));
    case CHI: return uint32_t(micros(now()) >> 32);
    default:
      log_.guest_error(a.core, name(), fmt::format("read of unknown register {:#x}", a.offset));
      return 0;
  }
}

void SysTimer::write(const MmioAccess& a, uint64_t value) {
  const uint32_t v = uint32_t(value);
  if (a.offset >= C0 && a.offset <= C3 && a.offset % 4 == 0) return write_compare(unsigned((a.offset - C0) / 4), v);
  switch (a.offset) {
    case CS:
      latch(now());
      cs_ &= ~(v & 0xf);
      return;
    case CLO: case CHI:
      log_.guest_error(a.core, name(), fmt::format("write of {:#x} to the read-only counter ({:#x})", v, a.offset));
      return;
    default:
      log_.guest_error(a.core, name(), fmt::format("write of {:#x} to unknown register {:#x}", v, a.offset));
  }
}

}  // namespace chemu
