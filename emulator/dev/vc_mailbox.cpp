#include "dev/vc_mailbox.h"

#include <fmt/format.h>

namespace chemu {

uint64_t VcMailbox::read(const MmioAccess& a) {
  switch (a.offset) {
    case READ: {
      if (responses_.empty()) return 0;
      uint32_t v = responses_.front();
      responses_.pop_front();
      return v;
    }
    case PEEK: return responses_.empty() ? 0 : responses_.front();
    case SENDER: return 0;
    case STATUS: return responses_.empty() ? kEmpty : 0;
    case CONFIG: return config_;
    case STATUS1: return kEmpty;  // requests are consumed at once
    default:
      log_.guest_error(a.core, name(), fmt::format("read of unknown register {:#x}", a.offset));
      return 0;
  }
}

void VcMailbox::write(const MmioAccess& a, uint64_t value) {
  const uint32_t v = uint32_t(value);
  if (a.offset == CONFIG) {
    config_ = v;
    return;
  }
  if (a.offset != WRITE) {
    log_.guest_error(a.core, name(), fmt::format("write of {:#x} to register {:#x}", v, a.offset));
    return;
  }
  const unsigned channel = v & 0xf;
  if (channel != kPropertyChannel) {
    log_.guest_error(a.core, name(), fmt::format("request on unsupported channel {}", channel));
    return;
  }
  if (answer_property_buffer(a.core, (v & ~0xfu) & 0x3fffffff)) responses_.push_back(v);
}

// Buffer: {total size, code, tags..., 0}; tag: {id, value buffer size, request/response code, values}.
bool VcMailbox::answer_property_buffer(int core, uint32_t pa) {
  const auto total = ram_.load<uint32_t>(pa);
  if (!total || *total < 12 || !GuestRam::contains(pa, *total)) {
    log_.guest_error(core, name(), fmt::format("property buffer at {:#x} is not in RAM", pa));
    return false;
  }
  uint32_t off = 8;
  while (off + 4 <= *total) {
    const uint32_t tag = *ram_.load<uint32_t>(pa + off);
    if (tag == 0) break;
    if (off + 12 > *total) break;
    const uint32_t len = *ram_.load<uint32_t>(pa + off + 4);
    if (off + 12 + uint64_t(len) > *total) break;
    TagValue value{ram_, pa + off + 12, len};
    if (!answer_tag(tag, value)) log_.guest_error(core, name(), fmt::format("unanswered property tag {:#x}", tag));
    ram_.store<uint32_t>(pa + off + 8, 0x80000000u | value.resp_len);  // QEMU acknowledges even unknown tags
    off += 12 + ((len + 3) & ~3u);
  }
  ram_.store<uint32_t>(pa + 4, 0x80000000u);  // request successful
  return true;
}

bool VcMailbox::answer_tag(uint32_t tag, TagValue& v) {
  return answer_board_tag(tag, v) || answer_clock_or_power_tag(tag, v) || answer_framebuffer_tag(tag, v);
}

bool VcMailbox::answer_board_tag(uint32_t tag, TagValue& v) {
  switch (tag) {
    case GET_FIRMWARE_REVISION: v.out(0, kFirmwareRevision), v.resp_len = 4; return true;
    case GET_BOARD_MODEL: v.resp_len = 4; return true;  // QEMU leaves the value as sent
    case GET_BOARD_REVISION: v.out(0, kBoardRevision), v.resp_len = 4; return true;
    case GET_BOARD_MAC: {  // 52:54:00:12:34:57, six bytes: the second word's upper half stays as sent
      static constexpr uint8_t kMac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x57};
      for (uint32_t i = 0; i < 6 && i < v.len; ++i) v.ram.store<uint8_t>(v.pa + i, kMac[i]);
      v.resp_len = 6;
      return true;
    }
    case GET_BOARD_SERIAL: v.resp_len = 8; return true;  // left as sent, as on QEMU
    case GET_ARM_MEMORY: v.out(0, 0), v.out(1, kVcMemBase), v.resp_len = 8; return true;
    case GET_VC_MEMORY: v.out(0, kVcMemBase), v.out(1, kVcMemSize), v.resp_len = 8; return true;
    case GET_COMMAND_LINE: v.resp_len = 0; return true;
    case GET_DMA_CHANNELS: v.out(0, 0x3c), v.resp_len = 4; return true;  // channels 2-5
    default: return false;
  }
}

bool VcMailbox::answer_clock_or_power_tag(uint32_t tag, TagValue& v) {
  switch (tag) {
    case GET_POWER_STATE: v.resp_len = 0; return true;  // QEMU 7.2 acknowledges it without a value
    case SET_POWER_STATE: v.out(1, v.in(1) & 1), v.resp_len = 8; return true;  // "on" as asked, at once
    case GET_CLOCK_STATE: v.out(1, 1), v.resp_len = 8; return true;
    case SET_CLOCK_STATE: v.resp_len = 8; return true;
    case GET_CLOCK_RATE: case GET_MAX_CLOCK_RATE: case GET_MIN_CLOCK_RATE: {
      const uint32_t id = v.in(0);
      v.out(1, id == 1 ? 50000000 : id == 2 ? 3000000 : 700000000);  // EMMC, UART, every other clock
      v.resp_len = 8;
      return true;
    }
    case SET_CLOCK_RATE: case SET_MAX_CLOCK_RATE: case SET_MIN_CLOCK_RATE: v.resp_len = 8; return true;
    case GET_TEMPERATURE: v.out(1, 25000), v.resp_len = 8; return true;
    case GET_MAX_TEMPERATURE: v.out(1, 99000), v.resp_len = 8; return true;
    default: return false;
  }
}

// Set tags change the configuration, which is validated at once and written back; later tags in the
// same buffer see the change (a guest sets size and depth, then allocates and asks the pitch).
bool VcMailbox::answer_framebuffer_tag(uint32_t tag, TagValue& v) {
  FramebufferConfig& c = fb_.config();
  auto pair = [&v](uint32_t a, uint32_t b) { v.out(0, a), v.out(1, b), v.resp_len = 8; };
  auto one = [&v](uint32_t a) { v.out(0, a), v.resp_len = 4; };
  switch (tag) {
    case FB_ALLOCATE: pair(Framebuffer::kBase, fb_.size()); return true;
    case FB_RELEASE: v.resp_len = 0; return true;
    case FB_BLANK: v.resp_len = 4; return true;
    case FB_GET_PHYSICAL_SIZE: pair(c.xres, c.yres); return true;
    case FB_GET_VIRTUAL_SIZE: pair(c.xres_virtual, c.yres_virtual); return true;
    case FB_GET_DEPTH: one(c.bpp); return true;
    case FB_GET_PIXEL_ORDER: one(c.pixel_order); return true;
    case FB_GET_ALPHA: one(c.alpha); return true;
    case FB_GET_PITCH: one(fb_.pitch()); return true;
    case FB_GET_VIRTUAL_OFFSET: pair(c.xoffset, c.yoffset); return true;
    case FB_TEST_PHYSICAL_SIZE: case FB_TEST_VIRTUAL_SIZE: case FB_TEST_VIRTUAL_OFFSET: v.resp_len = 8; return true;
    case FB_TEST_DEPTH: case FB_TEST_PIXEL_ORDER: case FB_TEST_ALPHA: v.resp_len = 4; return true;
    case FB_GET_OVERSCAN: case FB_TEST_OVERSCAN: case FB_SET_OVERSCAN:
      for (unsigned i = 0; i < 4; ++i) v.out(i, 0);
      v.resp_len = 16;
      return true;
    case FB_SET_PALETTE: set_palette(v); return true;
    default: break;
  }
  switch (tag) {  // the set tags
    case FB_SET_PHYSICAL_SIZE: c.xres = v.in(0), c.yres = v.in(1); break;
    case FB_SET_VIRTUAL_SIZE: c.xres_virtual = v.in(0), c.yres_virtual = v.in(1); break;
    case FB_SET_DEPTH: c.bpp = v.in(0); break;
    case FB_SET_PIXEL_ORDER: c.pixel_order = v.in(0); break;
    case FB_SET_ALPHA: c.alpha = v.in(0); break;
    case FB_SET_VIRTUAL_OFFSET: c.xoffset = v.in(0), c.yoffset = v.in(1); break;
    default: return false;
  }
  fb_.validate();
  switch (tag) {
    case FB_SET_PHYSICAL_SIZE: pair(c.xres, c.yres); break;
    case FB_SET_VIRTUAL_SIZE: pair(c.xres_virtual, c.yres_virtual); break;
    case FB_SET_DEPTH: one(c.bpp); break;
    case FB_SET_PIXEL_ORDER: one(c.pixel_order); break;
    case FB_SET_ALPHA: one(c.alpha); break;
    default: pair(c.xoffset, c.yoffset); break;
  }
  return true;
}

// {offset, length, colours...}: entries offset .. offset + n go to the palette at the VC base. QEMU
// 7.2 copies length - offset entries; so does chemu, but never past the tag's buffer.
void VcMailbox::set_palette(TagValue& v) {
  const uint32_t first = v.in(0), count = v.in(1) - v.in(0);
  for (uint32_t n = 0; n < count && 4 * (n + 3) <= v.len && first + n < 256; ++n)
    ram_.store<uint32_t>(Framebuffer::kPaletteBase + 4 * (first + n), v.in(2 + n));
  v.out(0, 0);  // valid
  v.resp_len = 4;
}

}  // namespace chemu
