#include "dev/framebuffer.h"

#include <algorithm>

namespace chemu {

void Framebuffer::validate() {
  FramebufferConfig& c = config_;
  c.xres = std::min(c.xres, kMaxWidth);
  c.yres = std::min(c.yres, kMaxHeight);
  c.xres_virtual = std::min(c.xres_virtual, kMaxWidth);
  c.yres_virtual = std::min(c.yres_virtual, kMaxHeight);
  if (c.xres == 0) c.xres = kZeroWidth;
  if (c.yres == 0) c.yres = kZeroHeight;
  if (c.xres_virtual == 0) c.xres_virtual = c.xres;
  if (c.yres_virtual == 0) c.yres_virtual = c.yres;
  if (uses_offset()) {
    c.xoffset = std::min(c.xoffset, c.xres_virtual - c.xres);
    c.yoffset = std::min(c.yoffset, c.yres_virtual - c.yres);
  }
}

bool Framebuffer::uses_offset() const {
  return config_.xres_virtual > config_.xres && config_.yres_virtual > config_.yres;
}

uint32_t Framebuffer::pitch() const { return std::max(config_.xres, config_.xres_virtual) * (config_.bpp / 8); }
uint32_t Framebuffer::size() const { return std::max(config_.yres, config_.yres_virtual) * pitch(); }

// One pixel at `pa` as R, G, B. Pixels outside RAM and unknown depths are black.
void Framebuffer::pixel(const GuestRam& ram, uint64_t pa, uint8_t* out) const {
  uint32_t r = 0, g = 0, b = 0;
  auto byte = [&](uint64_t a) { return uint32_t(ram.load<uint8_t>(a).value_or(0)); };
  switch (config_.bpp) {
    case 8: {
      const uint32_t entry = ram.load<uint32_t>(kPaletteBase + 4 * uint64_t(byte(pa))).value_or(0);
      r = entry & 0xff, g = entry >> 8 & 0xff, b = entry >> 16 & 0xff;
      break;
    }
    case 16: {
      const uint32_t v = ram.load<uint16_t>(pa).value_or(0);
      r = (v >> 11 & 0x1f) << 3, g = (v >> 5 & 0x3f) << 2, b = (v & 0x1f) << 3;
      break;
    }
    case 24: case 32: r = byte(pa), g = byte(pa + 1), b = byte(pa + 2); break;
    default: break;
  }
  if (config_.pixel_order == 0) std::swap(r, b);
  out[0] = uint8_t(r), out[1] = uint8_t(g), out[2] = uint8_t(b);
}

RgbImage Framebuffer::render(const GuestRam& ram) const {
  RgbImage img{config_.xres, config_.yres, {}};
  img.rgb.resize(size_t(img.width) * img.height * 3);
  const uint64_t bytes_per_pixel = config_.bpp / 8 ? config_.bpp / 8 : 1;
  const uint64_t xoff = uses_offset() ? config_.xoffset : 0, yoff = uses_offset() ? config_.yoffset : 0;
  for (uint32_t y = 0; y < img.height; ++y)
    for (uint32_t x = 0; x < img.width; ++x) {
      const uint64_t pa = kBase + (yoff + y) * uint64_t(pitch()) + (xoff + x) * bytes_per_pixel;
      pixel(ram, pa, &img.rgb[(size_t(y) * img.width + x) * 3]);
    }
  return img;
}

}  // namespace chemu
