// The VideoCore mailbox at 0x3f00b880, answering the property channel (8) the way QEMU 7.2's raspi3b
// firmware model does, for the tags bare-metal guests use.
//
//   0x00 READ    mailbox 0 read (pops a response)    0x18 STATUS  FULL(31) EMPTY(30) of mailbox 0
//   0x10 PEEK    mailbox 0 peek                       0x1c CONFIG  bit 0: interrupt when a response waits
//   0x14 SENDER  mailbox 0 sender                     0x20 WRITE   mailbox 1 write (request to the VC)
//   0x38 STATUS1 mailbox 1 status
// A request is `buffer address | channel`; the buffer (in RAM, VC bus aliases stripped) is answered
// at once and the same word is queued for READ.
//
// Property tags answered (values as QEMU 7.2 gives them; "kept" = the value buffer is left as sent,
// "ack" = response code set with no value): firmware revision 0x548e1; board model (ack, kept); board
// revision 0xa02082 (Pi 3 B, 1 GiB); MAC 52:54:00:12:34:57; serial (kept); ARM memory 0/0x3c000000;
// VC memory 0x3c000000/64 MiB; get power state (ack, kept); set power state (the state's "on" bit
// echoed); clock state (1) and set clock state (kept); get clock rate / max / min: 50 MHz for EMMC (1),
// 3 MHz for the UART (2), 700 MHz for any other clock; set clock rate / max / min (kept: the rates do
// not change); temperature 25.000 C, max 99.000 C; DMA channels 0x3c; command line (empty); the
// framebuffer tags (allocate, release, blank, physical/virtual size, depth, pixel order, alpha, pitch,
// virtual offset, overscan, palette: get, test and set, see Framebuffer). Unknown tags get the response
// bit with no value, and are reported as guest errors.
#pragma once
#include <tuple>
#include <deque>

#include "dev/device.h"
#include "dev/framebuffer.h"
#include "machine/guest_ram.h"

namespace chemu {

class VcMailbox final : public Device {
 public:
  static constexpr uint64_t kBase = 0x3f00b880, kSize = 0x40;
  enum Reg : uint64_t { READ = 0x00, PEEK = 0x10, SENDER = 0x14, STATUS = 0x18, CONFIG = 0x1c, WRITE = 0x20, STATUS1 = 0x38 };
  static constexpr uint32_t kFull = 1u << 31, kEmpty = 1u << 30;
  static constexpr unsigned kPropertyChannel = 8;
  static constexpr unsigned kArmIrq = 1;  // ARM ("basic") interrupt 1 of the BCM2835 controller
  enum Tag : uint32_t {
    GET_FIRMWARE_REVISION = 0x00000001, GET_BOARD_MODEL = 0x00010001, GET_BOARD_REVISION = 0x00010002,
    GET_BOARD_MAC = 0x00010003, GET_BOARD_SERIAL = 0x00010004, GET_ARM_MEMORY = 0x00010005,
    GET_VC_MEMORY = 0x00010006, GET_POWER_STATE = 0x00020001, SET_POWER_STATE = 0x00028001,
    GET_CLOCK_STATE = 0x00030001, SET_CLOCK_STATE = 0x00038001, GET_CLOCK_RATE = 0x00030002,
    GET_MAX_CLOCK_RATE = 0x00030004, GET_MIN_CLOCK_RATE = 0x00030007, SET_CLOCK_RATE = 0x00038002,
    SET_MAX_CLOCK_RATE = 0x00038004, SET_MIN_CLOCK_RATE = 0x00038007, GET_TEMPERATURE = 0x00030006,
    GET_MAX_TEMPERATURE = 0x0003000a, GET_COMMAND_LINE = 0x00050001, GET_DMA_CHANNELS = 0x00060001,
    FB_ALLOCATE = 0x00040001, FB_RELEASE = 0x00048001, FB_BLANK = 0x00040002,
    FB_GET_PHYSICAL_SIZE = 0x00040003, FB_TEST_PHYSICAL_SIZE = 0x00044003, FB_SET_PHYSICAL_SIZE = 0x00048003,
    FB_GET_VIRTUAL_SIZE = 0x00040004, FB_TEST_VIRTUAL_SIZE = 0x00044004, FB_SET_VIRTUAL_SIZE = 0x00048004,
    FB_GET_DEPTH = 0x00040005, FB_TEST_DEPTH = 0x00044005, FB_SET_DEPTH = 0x00048005,
    FB_GET_PIXEL_ORDER = 0x00040006, FB_TEST_PIXEL_ORDER = 0x00044006, FB_SET_PIXEL_ORDER = 0x00048006,
    FB_GET_ALPHA = 0x00040007, FB_TEST_ALPHA = 0x00044007, FB_SET_ALPHA = 0x00048007, FB_GET_PITCH = 0x00040008,
    FB_GET_VIRTUAL_OFFSET = 0x00040009, FB_TEST_VIRTUAL_OFFSET = 0x00044009, FB_SET_VIRTUAL_OFFSET = 0x00048009,
    FB_GET_OVERSCAN = 0x0004000a, FB_TEST_OVERSCAN = 0x0004400a, FB_SET_OVERSCAN = 0x0004800a,
    FB_SET_PALETTE = 0x0004800b,
  };
  static constexpr uint32_t kVcMemBase = Framebuffer::kVcBase, kVcMemSize = 0x04000000;
  static constexpr uint32_t kBoardRevision = 0xa02082;  // Raspberry Pi 3 Model B, 1 GiB
  static constexpr uint32_t kFirmwareRevision = 0x548e1;

  VcMailbox(GuestRam& ram, GuestErrorLog& log) : ram_(ram), log_(log) {}
  std::string_view name() const override { return "vc-mailbox"; }
  void reset() override { responses_.clear(), config_ = 0, fb_.reset(); }
  uint64_t read(const MmioAccess& a) override;
  void write(const MmioAccess& a, uint64_t value) override;
  // ARM interrupt 1: a response waits and CONFIG bit 0 (data IRQ) is set.
  bool interrupt() const { return (config_ & 1) && !responses_.empty(); }
  const Framebuffer& framebuffer() const { return fb_; }

  // What changes as the guest runs, for machine snapshots (Machine::take_snapshot).
  auto fields() { return std::tie(responses_, config_, fb_); }

 private:
  // One tag's value buffer: the words the guest sent, and what the answer writes back (never past the
  // buffer; the response length says how much the full answer is).
  struct TagValue {
    GuestRam& ram;
    uint32_t pa, len;         // the value buffer in guest RAM and its size in bytes
    uint32_t resp_len = 0;    // bytes of the answer (the tag's response code)
    uint32_t in(unsigned word) const { return 4 * (word + 1) <= len ? ram.load<uint32_t>(pa + 4 * word).value_or(0) : 0; }
    void out(unsigned word, uint32_t v) {
      if (4 * (word + 1) <= len) ram.store<uint32_t>(pa + 4 * word, v);
    }
  };
  bool answer_property_buffer(int core, uint32_t pa);
  bool answer_tag(uint32_t tag, TagValue& v);
  bool answer_board_tag(uint32_t tag, TagValue& v);
  bool answer_clock_or_power_tag(uint32_t tag, TagValue& v);
  bool answer_framebuffer_tag(uint32_t tag, TagValue& v);
  void set_palette(TagValue& v);
  GuestRam& ram_;
  GuestErrorLog& log_;
  std::deque<uint32_t> responses_;
  uint32_t config_ = 0;
  Framebuffer fb_;
};

}  // namespace chemu
