#include "dev/cprman.h"

#include <fmt/format.h>

namespace chemu {

namespace {

struct ResetValue {
  uint32_t offset, value;
};

// QEMU 7.2's reset state, every other register 0. With these Linux derives (crystal 19.2 MHz):
// PLLD = 19.2 MHz x 2 (ANA1 prescaler) x (52 + 0x15556 / 2^20) = 2000 MHz; its PER channel / 4 =
// 500 MHz; the UART, from source 6 (PLLD PER), / (0xa6ab / 4096) = 47.9996 MHz, which clk-bcm2835
// rounds up to the 48 MHz (base_baud 3000000) the PL011 driver sees on QEMU.
constexpr ResetValue kResetValues[] = {
    // PLLs: CM_PLLx, A2W_PLLx_CTRL, A2W_PLLx_FRAC, A2W_PLLx_ANA1/ANA3 (ANA0 and ANA2 are 0 but PLLH's ANA0)
    {0x104, 0x0000008a}, {0x1100, 0x0002103a}, {0x1200, 0x00098000}, {0x1014, 0x00144000}, {0x101c, 0x100},  // PLLA
    {0x108, 0x00000228}, {0x1120, 0x0002103e}, {0x1220, 0x00080000}, {0x1034, 0x00144000}, {0x103c, 0x100},  // PLLC
    {0x10c, 0x0000020a}, {0x1140, 0x00021034}, {0x1240, 0x00015556}, {0x1054, 0x00144000}, {0x105c, 0x100},  // PLLD
    {0x1160, 0x0002102d}, {0x1070, 0x00900000}, {0x1074, 0x0000000c},                                      // PLLH
    // PLL channels (A2W): DIV, or DISABLE (0x100)
    {0x1300, 0x100}, {0x1400, 0x003}, {0x1600, 0x100},                    // PLLA DSI0, CORE, CCP2
    {0x1320, 0x100}, {0x1420, 0x100}, {0x1520, 0x002}, {0x1620, 0x002},  // PLLC CORE2, CORE1, PER, CORE0
    {0x1340, 0x100}, {0x1440, 0x004}, {0x1540, 0x004}, {0x1640, 0x100},  // PLLD DSI0, CORE, PER, DSI1
    {0x1360, 0x004},                                                      // PLLH AUX
    // Clock generators: CM_<clk>CTL, CM_<clk>DIV
    {0x008, 0x245}, {0x00c, 0x3000},      // VPU
    {0x028, 0x244}, {0x02c, 0x3000},      // H264
    {0x030, 0x244}, {0x034, 0x3000},      // ISP
    {0x070, 0x200},                       // GP0
    {0x078, 0x096}, {0x07c, 0x14000},     // GP1
    {0x080, 0x291}, {0x084, 0x249f00},    // GP2
    {0x090, 0x091}, {0x094, 0x4000},      // OTP
    {0x098, 0x200}, {0x0a0, 0x200}, {0x0a8, 0x200},  // PCM, PWM, SLIM
    {0x0e0, 0x091}, {0x0e4, 0xa000},      // TSENS
    {0x0e8, 0x291}, {0x0ec, 0x13333},     // TIMER
    {0x0f0, 0x296}, {0x0f4, 0xa6ab},      // UART: enabled, PLLD PER
    {0x0f8, 0x097}, {0x0fc, 0x2000},      // VEC
    {0x1a8, 0x4006}, {0x1ac, 0x3000},     // SDC
    {0x1c0, 0x295}, {0x1c4, 0x6000},      // EMMC
};

// CM_LOCK bit of each PLL, with its CM_PLLx and A2W_PLLx_CTRL offsets.
struct PllLock {
  uint32_t cm, a2w_ctrl, bit;
};
constexpr PllLock kPllLocks[] = {
    {0x104, 0x1100, 8}, {0x170, 0x11e0, 9}, {0x108, 0x1120, 10}, {0x10c, 0x1140, 11}, {0x110, 0x1160, 12},
};

}  // namespace

void Cprman::reset() {
  regs_.fill(0);
  for (const ResetValue& r : kResetValues) reg(r.offset) = r.value;
}

// A PLL locks the moment it is powered and out of reset (QEMU's model has no lock time either).
uint32_t Cprman::lock_bits() const {
  uint32_t bits = 0;
  for (const PllLock& p : kPllLocks) {
    const bool powered = !(regs_[p.a2w_ctrl / 4] & kPowerDown), running = !(regs_[p.cm / 4] & kAnaRst);
    if (powered && running) bits |= 1u << p.bit;
  }
  return bits;
}

// The CTL registers of the clock generators QEMU models (GNRIC .. SMI, TEC .. VEC, PULSE, SDC, ARM,
// AVEO, EMMC, EMMC2); the words between them are DIVs or other registers without a BUSY bit.
bool Cprman::is_clock_ctl(uint64_t offset) {
  if (offset % 8) return false;
  if (offset <= 0x0b0 || (offset >= 0x0c8 && offset <= 0x0f8)) return true;
  switch (offset) {
    case 0x190: case 0x1a8: case 0x1b0: case 0x1b8: case 0x1c0: case 0x1d0: return true;
    default: return false;
  }
}

bool Cprman::bad_access(const MmioAccess& a, const char* what) {
  if (a.size == 4 && a.offset % 4 == 0) return false;
  log_.guest_error(a.core, name(), fmt::format("{}-byte {} at {:#x}: only aligned 32-bit accesses", a.size, what, a.offset));
  return true;
}

uint64_t Cprman::read(const MmioAccess& a) {
  if (bad_access(a, "read")) return 0;
  return a.offset == CM_LOCK ? lock_bits() : regs_[a.offset / 4];
}

void Cprman::write(const MmioAccess& a, uint64_t value) {
  if (bad_access(a, "write")) return;
  const uint32_t v = uint32_t(value);
  if ((v & kPasswordMask) != kPassword) {
    log_.guest_error(a.core, name(), fmt::format("write of {:#x} to {:#x} without the password 0x5a: ignored", v, a.offset));
    return;
  }
  uint32_t& r = reg(a.offset);
  r = v & ~kPasswordMask;
  if (is_clock_ctl(a.offset)) r = (r & ~kBusy) | ((r & kEnable) ? kBusy : 0);
}

}  // namespace chemu
