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
    uint32_t resp_len = 0;
    if (answer_tag(tag, pa + off + 12, len, resp_len))
      ram_.store<uint32_t>(pa + off + 8, 0x80000000u | resp_len);
    else
      log_.guest_error(core, name(), fmt::format("unanswered property tag {:#x}", tag));
    off += 12 + ((len + 3) & ~3u);
  }
  ram_.store<uint32_t>(pa + 4, 0x80000000u);  // request successful
  return true;
}

bool VcMailbox::answer_tag(uint32_t tag, uint32_t value_pa, uint32_t value_len, uint32_t& resp_len) {
  auto put = [&](std::initializer_list<uint32_t> words) {
    uint32_t i = 0;
    for (uint32_t w : words) {
      if (4 * (i + 1) <= value_len) ram_.store<uint32_t>(value_pa + 4 * i, w);
      ++i;
    }
    resp_len = 4 * i;
  };
  switch (tag) {
    case GET_FIRMWARE_REVISION: put({0x548e1}); return true;
    case GET_BOARD_MODEL: put({0}); return true;
    case GET_BOARD_REVISION: put({kBoardRevision}); return true;
    case GET_BOARD_MAC: put({0x00eb8227, 0x00005452}); resp_len = 6; return true;
    case GET_BOARD_SERIAL: put({0, 0}); return true;
    case GET_ARM_MEMORY: put({0, kVcMemBase}); return true;
    case GET_VC_MEMORY: put({kVcMemBase, kVcMemSize}); return true;
    case GET_CLOCK_RATE:
    case GET_MAX_CLOCK_RATE:
    case GET_MIN_CLOCK_RATE: {
      const uint32_t id = ram_.load<uint32_t>(value_pa).value_or(0);
      const uint32_t rate = id == 1 ? 50000000 : id == 2 ? 3000000 : 700000000;  // EMMC, UART, others
      put({id, rate});
      return true;
    }
    case SET_CLOCK_RATE: resp_len = 8; return true;  // accepted as requested; the values stay as written
    default: return false;
  }
}

}  // namespace chemu
