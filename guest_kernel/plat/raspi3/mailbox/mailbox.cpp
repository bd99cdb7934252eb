// VideoCore property mailbox at 0x3f00b880: write a message's address | channel to WRITE, wait for
// the same word to come back on READ. The message buffer must be 16-byte aligned.
#include "plat/raspi3/mailbox.h"
#include "arch/aarch64/sysreg.h"
#include "common/machine.h"

namespace {

constexpr u64 MBOX = phys_to_virt(0x3f00b880);
constexpr u64 MBOX_READ = MBOX + 0x00, MBOX_STATUS = MBOX + 0x18, MBOX_WRITE = MBOX + 0x20;
constexpr u32 MBOX_FULL = 1u << 31, MBOX_EMPTY = 1u << 30;
constexpr u32 CHANNEL_PROPERTY = 8;
constexpr u32 TAG_GET_VC_MEMORY = 0x00010006;
constexpr u32 RESPONSE_OK = 0x80000000;
constexpr int MAX_POLLS = 1000000;

alignas(16) volatile u32 mbox_buf[8];

void clean_buffer() {
    for (u64 a = reinterpret_cast<u64>(mbox_buf); a < reinterpret_cast<u64>(mbox_buf + 8); a += 64)
        asm volatile("dc civac, %0" ::"r"(a) : "memory");
    dsb_sy();
}

bool call_property_channel() {
    clean_buffer();
    const u32 msg = static_cast<u32>(ptr_to_phys(const_cast<u32*>(mbox_buf))) | CHANNEL_PROPERTY;
    int polls = 0;
    while (get32(MBOX_STATUS) & MBOX_FULL)
        if (++polls > MAX_POLLS) return false;
    put32(MBOX_WRITE, msg);
    for (polls = 0; polls < MAX_POLLS; ++polls) {
        if (get32(MBOX_STATUS) & MBOX_EMPTY) continue;
        if (get32(MBOX_READ) == msg) {
            clean_buffer();
            return mbox_buf[1] == RESPONSE_OK;
        }
    }
    return false;
}

}  // namespace

bool vc_get_vc_memory(u32* base, u32* size) {
    mbox_buf[0] = sizeof(mbox_buf);
    mbox_buf[1] = 0;  // request
    mbox_buf[2] = TAG_GET_VC_MEMORY;
    mbox_buf[3] = 8;  // value buffer bytes
    mbox_buf[4] = 0;
    mbox_buf[5] = 0;
    mbox_buf[6] = 0;
    mbox_buf[7] = 0;  // end tag
    if (!call_property_channel()) return false;
    *base = mbox_buf[5];
    *size = mbox_buf[6];
    return true;
}
