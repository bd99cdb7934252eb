// The VideoCore framebuffer a guest sets up through the mailbox property tags (0x0004xxxx), and what
// it shows: the physical-size window of the buffer in guest RAM, read as QEMU 7.2's bcm2835_fb reads it.
//
// The buffer lives at a fixed address in VideoCore memory, 0x3c100000 (the VC base 0x3c000000 plus
// 1 MiB, as on QEMU with 1 GiB), which chemu backs with guest RAM; the 8-bit palette is at the VC base.
// Depths 8 (palette), 16 (RGB565), 24 and 32 bits: red in the low bits/byte when the pixel order is RGB
// (1, the default), blue when it is BGR (0). The virtual offset applies only when the virtual size is
// larger than the physical one in both directions. Sizes are clipped as QEMU 7.2 clips them: at most
// 3840 x 2560, and a zero size becomes 592 x 488 (physical) or the physical size (virtual).
#pragma once
#include <cstdint>
#include <vector>

#include "machine/guest_ram.h"

namespace chemu {

struct FramebufferConfig {
  uint32_t xres = 640, yres = 480;                   // physical (displayed) size
  uint32_t xres_virtual = 640, yres_virtual = 480;   // the buffer's size
  uint32_t xoffset = 0, yoffset = 0;                 // the displayed window inside the buffer
  uint32_t bpp = 16;                                 // bits per pixel
  uint32_t pixel_order = 1;                          // 1 RGB, 0 BGR
  uint32_t alpha = 2;                                // alpha mode: kept, ignored
};

struct RgbImage {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> rgb;  // width x height x 3 bytes, rows top to bottom
};

class Framebuffer {
 public:
  static constexpr uint32_t kVcBase = 0x3c000000, kBase = kVcBase + 0x100000, kPaletteBase = kVcBase;
  static constexpr uint32_t kMaxWidth = 3840, kMaxHeight = 2560, kZeroWidth = 592, kZeroHeight = 488;

  FramebufferConfig& config() { return config_; }
  const FramebufferConfig& config() const { return config_; }
  void reset() { config_ = {}; }
  void validate();  // clip the sizes and the offset into range, as the firmware (and QEMU) do
  uint32_t pitch() const;
  uint32_t size() const;
  RgbImage render(const GuestRam& ram) const;

 private:
  bool uses_offset() const;
  void pixel(const GuestRam& ram, uint64_t pa, uint8_t* out) const;
  FramebufferConfig config_;
};

}  // namespace chemu
