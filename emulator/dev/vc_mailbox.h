// The VideoCore mailbox at 0x3f00b880, answering the property channel (8) the way the Pi firmware
// (and QEMU's raspi3b) does for the tags a kernel asks at boot.
//
//   0x00 READ    mailbox 0 read (pops a response)    0x18 STATUS  FULL(31) EMPTY(30) of mailbox 0
//   0x10 PEEK    mailbox 0 peek                       0x1c CONFIG  interrupt enables
//   0x14 SENDER  mailbox 0 sender                     0x20 WRITE   mailbox 1 write (request to the VC)
//   0x38 STATUS1 mailbox 1 status
// A request is `buffer address | channel`; the buffer (in RAM, VC bus aliases stripped) is answered
// at once and the same word is queued for READ.
#pragma once
#include <deque>

#include "dev/device.h"
#include "machine/guest_ram.h"

namespace chemu {

class VcMailbox final : public Device {
 public:
  static constexpr uint64_t kBase = 0x3f00b880, kSize = 0x40;
  enum Reg : uint64_t { READ = 0x00, PEEK = 0x10, SENDER = 0x14, STATUS = 0x18, CONFIG = 0x1c, WRITE = 0x20, STATUS1 = 0x38 };
  static constexpr uint32_t kFull = 1u << 31, kEmpty = 1u << 30;
  static constexpr unsigned kPropertyChannel = 8;
  // Tags answered (firmware property interface).
  enum Tag : uint32_t {
    GET_FIRMWARE_REVISION = 0x00000001, GET_BOARD_MODEL = 0x00010001, GET_BOARD_REVISION = 0x00010002,
    GET_BOARD_MAC = 0x00010003, GET_BOARD_SERIAL = 0x00010004, GET_ARM_MEMORY = 0x00010005,
    GET_VC_MEMORY = 0x00010006, GET_CLOCK_RATE = 0x00030002, GET_MAX_CLOCK_RATE = 0x00030004,
    GET_MIN_CLOCK_RATE = 0x00030007, SET_CLOCK_RATE = 0x00038002,
  };
  static constexpr uint32_t kVcMemBase = 0x3c000000, kVcMemSize = 0x04000000;
  static constexpr uint32_t kBoardRevision = 0xa02082;  // Raspberry Pi 3 Model B, 1 GiB

  VcMailbox(GuestRam& ram, GuestErrorLog& log) : ram_(ram), log_(log) {}
  std::string_view name() const override { return "vc-mailbox"; }
  void reset() override { responses_.clear(), config_ = 0; }
  uint64_t read(const MmioAccess& a) override;
  void write(const MmioAccess& a, uint64_t value) override;
  // ARM interrupt 1 of the BCM2835 controller: a response waits and CONFIG bit 0 (data IRQ) is set.
  bool interrupt() const { return (config_ & 1) && !responses_.empty(); }
  static constexpr unsigned kArmIrq = 1;

 private:
  bool answer_property_buffer(int core, uint32_t pa);
  bool answer_tag(uint32_t tag, uint32_t value_pa, uint32_t value_len, uint32_t& resp_len);
  GuestRam& ram_;
  GuestErrorLog& log_;
  std::deque<uint32_t> responses_;
  uint32_t config_ = 0;
};

}  // namespace chemu
