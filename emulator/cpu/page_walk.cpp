#include "cpu/page_walk.h"

namespace chemu {

namespace {
constexpr uint64_t kOutputMask = 0x0000fffffffff000ull;  // descriptor bits [47:12]

struct Half {
  unsigned tsz;     // TnSZ: the region covers 2^(64 - tsz) bytes
  bool walks;       // EPDn clear
  bool granule_4k;
  uint64_t table;
};

// TG0: 0b00 4 KiB, 0b01 64 KiB, 0b10 16 KiB; TG1: 0b10 4 KiB, 0b01 16 KiB, 0b11 64 KiB. A reserved
// value acts as 4 KiB, as on QEMU (the upstream ChCore kernel leaves TG1 = 0b00).
Half half_for(const TranslationRegs& r, bool upper) {
  if (!upper) {
    const uint64_t tg0 = (r.tcr >> 14) & 3;
    return {unsigned(r.tcr & 0x3f), ((r.tcr >> 7) & 1) == 0, tg0 == 0 || tg0 == 3, r.ttbr0 & kOutputMask};
  }
  const uint64_t tg1 = (r.tcr >> 30) & 3;
  return {unsigned((r.tcr >> 16) & 0x3f), ((r.tcr >> 23) & 1) == 0, tg1 == 2 || tg1 == 0, r.ttbr1 & kOutputMask};
}
}  // namespace

std::optional<uint64_t> translate(const TranslationRegs& regs, uint64_t va, const ReadPhys64& read) {
  if (!regs.mmu_on()) return va;
  const bool upper = (va >> 63) != 0;
  const Half h = half_for(regs, upper);
  const unsigned va_bits = 64 - h.tsz;
  if (!h.walks || !h.granule_4k || va_bits < 25 || va_bits > 48) return std::nullopt;
  // The top (64 - va_bits) bits must all equal bit 63.
  const uint64_t top = va >> va_bits;
  if (top != (upper ? (~0ull >> va_bits) : 0)) return std::nullopt;
  // Each level resolves 9 bits above the 12-bit page offset; the first level takes what is left.
  int level = 4 - int((va_bits - 12 + 8) / 9);
  uint64_t table = h.table;
  for (; level <= 3; ++level) {
    const unsigned shift = 12 + 9 * unsigned(3 - level);
    const uint64_t index = (va >> shift) & 0x1ff;
    const auto desc = read(table + index * 8);
    if (!desc || (*desc & 1) == 0) return std::nullopt;
    const bool is_table = (*desc & 2) != 0;
    if (level == 3) return is_table ? std::optional(( *desc & kOutputMask) | (va & 0xfff)) : std::nullopt;
    if (!is_table) {  // block: valid at levels 1 and 2
      if (level == 0) return std::nullopt;
      const uint64_t size = 1ull << shift;
      return (*desc & kOutputMask & ~(size - 1)) | (va & (size - 1));
    }
    table = *desc & kOutputMask;
  }
  return std::nullopt;
}

}  // namespace chemu
