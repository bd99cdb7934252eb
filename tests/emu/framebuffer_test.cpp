// The framebuffer: the property tags that configure it (through the VC mailbox, from outside) and
// what it shows (rendered from guest RAM in each depth).
#include <gtest/gtest.h>

#include "dev/framebuffer.h"
#include "dev/vc_mailbox.h"
#include "test_log.h"

namespace chemu {
namespace {

// Sends one property buffer of {tag, value words...} requests; returns each tag's (code, values).
struct TagAnswer {
  uint32_t code;
  std::vector<uint32_t> values;
};
std::vector<TagAnswer> send(GuestRam& ram, VcMailbox& mbox, const std::vector<std::vector<uint32_t>>& tags) {
  const uint32_t buf = 0x2000;
  std::vector<uint32_t> w = {0, 0};
  for (const auto& t : tags) {
    w.insert(w.end(), {t[0], uint32_t(4 * (t.size() - 1)), 0});
    w.insert(w.end(), t.begin() + 1, t.end());
  }
  w.push_back(0);
  w[0] = uint32_t(4 * w.size());
  for (size_t i = 0; i < w.size(); ++i) ram.store<uint32_t>(buf + 4 * i, w[i]);
  mbox.write({0, VcMailbox::WRITE, 4}, buf | 8);
  mbox.read({0, VcMailbox::READ, 4});
  std::vector<TagAnswer> out;
  uint32_t off = buf + 8;
  for (const auto& t : tags) {
    TagAnswer a{*ram.load<uint32_t>(off + 8), {}};
    for (size_t i = 1; i < t.size(); ++i) a.values.push_back(*ram.load<uint32_t>(off + 8 + 4 * uint32_t(i)));
    out.push_back(a);
    off += 12 + 4 * uint32_t(t.size() - 1);
  }
  return out;
}

struct Fixture {
  GuestRam ram;
  CountingLog log;
  VcMailbox mbox{ram, log};
};

// Catches: defaults or the allocate/pitch answers differing from QEMU 7.2's, set tags not seen by
// later tags of the same buffer, or the base moving.
TEST(FramebufferTags, DefaultsThenSetAndAllocate) {
  Fixture f;
  auto a = send(f.ram, f.mbox, {{VcMailbox::FB_GET_PHYSICAL_SIZE, 0, 0}, {VcMailbox::FB_GET_DEPTH, 0},
                                {VcMailbox::FB_GET_PIXEL_ORDER, 0}, {VcMailbox::FB_GET_ALPHA, 0}, {VcMailbox::FB_GET_PITCH, 0}});
  EXPECT_EQ(a[0].values, (std::vector<uint32_t>{640, 480}));
  EXPECT_EQ(a[1].values[0], 16u);
  EXPECT_EQ(a[2].values[0], 1u);
  EXPECT_EQ(a[3].values[0], 2u);
  EXPECT_EQ(a[4].values[0], 1280u);
  EXPECT_EQ(a[4].code, 0x80000004u);
  a = send(f.ram, f.mbox, {{VcMailbox::FB_SET_PHYSICAL_SIZE, 320, 200}, {VcMailbox::FB_SET_VIRTUAL_SIZE, 320, 400},
                           {VcMailbox::FB_SET_DEPTH, 32}, {VcMailbox::FB_ALLOCATE, 4096, 0}, {VcMailbox::FB_GET_PITCH, 0}});
  EXPECT_EQ(a[3].values, (std::vector<uint32_t>{Framebuffer::kBase, 320 * 400 * 4}));
  EXPECT_EQ(a[3].code, 0x80000008u);
  EXPECT_EQ(a[4].values[0], 1280u);
  EXPECT_EQ(f.log.count, 0);
}

// Catches: sizes not clipped as QEMU 7.2 clips them (and written back), or offsets not clipped into
// the virtual buffer when it is larger than the screen.
TEST(FramebufferTags, SetTagsClipAndWriteBack) {
  Fixture f;
  auto a = send(f.ram, f.mbox, {{VcMailbox::FB_SET_PHYSICAL_SIZE, 0, 0}, {VcMailbox::FB_SET_PHYSICAL_SIZE, 5000, 5000},
                                {VcMailbox::FB_SET_VIRTUAL_SIZE, 6000, 1}, {VcMailbox::FB_SET_DEPTH, 64}});
  EXPECT_EQ(a[0].values, (std::vector<uint32_t>{592, 488}));
  EXPECT_EQ(a[1].values, (std::vector<uint32_t>{3840, 2560}));
  EXPECT_EQ(a[2].values, (std::vector<uint32_t>{3840, 1}));
  EXPECT_EQ(a[3].values[0], 64u);  // QEMU 7.2 keeps any depth
  a = send(f.ram, f.mbox, {{VcMailbox::FB_SET_PHYSICAL_SIZE, 100, 100}, {VcMailbox::FB_SET_VIRTUAL_SIZE, 200, 200},
                           {VcMailbox::FB_SET_DEPTH, 8}, {VcMailbox::FB_SET_VIRTUAL_OFFSET, 150, 150},
                           {VcMailbox::FB_GET_VIRTUAL_OFFSET, 0, 0}, {VcMailbox::FB_GET_PITCH, 0}});
  EXPECT_EQ(a[3].values, (std::vector<uint32_t>{100, 100}));
  EXPECT_EQ(a[4].values, (std::vector<uint32_t>{100, 100}));
  EXPECT_EQ(a[5].values[0], 200u);
}

// Catches: answers that differ from QEMU 7.2's for the board, power, clock and temperature tags, a
// value written where QEMU leaves the buffer as sent, or an unknown tag left without its response bit.
TEST(PropertyTags, AnswerAsQemu) {
  Fixture f;
  auto a = send(f.ram, f.mbox, {{VcMailbox::GET_FIRMWARE_REVISION, 0}, {VcMailbox::GET_BOARD_MODEL, 0xd0},
                                {VcMailbox::GET_BOARD_MAC, 0, 0xd1d1d1d1}, {VcMailbox::GET_BOARD_SERIAL, 0xd0, 0xd1},
                                {VcMailbox::GET_ARM_MEMORY, 0, 0}, {VcMailbox::GET_POWER_STATE, 0, 0xd1},
                                {VcMailbox::SET_POWER_STATE, 0, 3}, {VcMailbox::GET_CLOCK_RATE, 2, 0},
                                {VcMailbox::GET_MAX_CLOCK_RATE, 3, 0}, {VcMailbox::SET_CLOCK_RATE, 3, 1200000000, 0},
                                {VcMailbox::GET_TEMPERATURE, 0, 0}, {0x12345, 7, 7}});
  EXPECT_EQ(a[0].values[0], 0x548e1u);
  EXPECT_EQ(a[1].values[0], 0xd0u);
  EXPECT_EQ(a[2].values, (std::vector<uint32_t>{0x12005452, 0xd1d15734}));
  EXPECT_EQ(a[2].code, 0x80000006u);
  EXPECT_EQ(a[3].values, (std::vector<uint32_t>{0xd0, 0xd1}));
  EXPECT_EQ(a[4].values, (std::vector<uint32_t>{0, 0x3c000000}));
  EXPECT_EQ(a[5].code, 0x80000000u);
  EXPECT_EQ(a[5].values, (std::vector<uint32_t>{0, 0xd1}));
  EXPECT_EQ(a[6].values, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(a[7].values[1], 3000000u);
  EXPECT_EQ(a[8].values[1], 700000000u);
  EXPECT_EQ(a[9].values, (std::vector<uint32_t>{3, 1200000000, 0}));
  EXPECT_EQ(a[10].values[1], 25000u);
  EXPECT_EQ(a[11].code, 0x80000000u);
  EXPECT_EQ(a[11].values, (std::vector<uint32_t>{7, 7}));
  EXPECT_EQ(f.log.count, 1);  // the unknown tag
}

// Catches: a depth decoded with the wrong channel order or bit layout, the BGR pixel order ignored,
// the palette read from the wrong place, or the virtual offset applied when it should not be.
TEST(Framebuffer, RendersEachDepth) {
  GuestRam ram;
  Framebuffer fb;
  auto& c = fb.config();
  c.xres = c.xres_virtual = 2, c.yres = c.yres_virtual = 1;
  c.bpp = 32;
  ram.store<uint32_t>(Framebuffer::kBase, 0x00332211);
  EXPECT_EQ(fb.render(ram).rgb, (std::vector<uint8_t>{0x11, 0x22, 0x33, 0, 0, 0}));
  c.pixel_order = 0;  // BGR
  EXPECT_EQ(fb.render(ram).rgb, (std::vector<uint8_t>{0x33, 0x22, 0x11, 0, 0, 0}));
  c.pixel_order = 1, c.bpp = 16;
  ram.store<uint16_t>(Framebuffer::kBase, 0xf800);      // red
  ram.store<uint16_t>(Framebuffer::kBase + 2, 0x07e0);  // green
  EXPECT_EQ(fb.render(ram).rgb, (std::vector<uint8_t>{0xf8, 0, 0, 0, 0xfc, 0}));
  c.bpp = 24;
  for (uint8_t i = 0; i < 6; ++i) ram.store<uint8_t>(Framebuffer::kBase + i, uint8_t(i + 1));
  EXPECT_EQ(fb.render(ram).rgb, (std::vector<uint8_t>{1, 2, 3, 4, 5, 6}));
  c.bpp = 8;
  ram.store<uint32_t>(Framebuffer::kPaletteBase + 4 * 1, 0x00405060);
  ram.store<uint32_t>(Framebuffer::kPaletteBase + 4 * 2, 0x00010203);
  EXPECT_EQ(fb.render(ram).rgb, (std::vector<uint8_t>{0x60, 0x50, 0x40, 0x03, 0x02, 0x01}));
  c.xres_virtual = 4, c.xoffset = 1;  // virtual larger in x only: the offset is not used
  EXPECT_EQ(fb.render(ram).rgb, (std::vector<uint8_t>{0x60, 0x50, 0x40, 0x03, 0x02, 0x01}));
}

}  // namespace
}  // namespace chemu
