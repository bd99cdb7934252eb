// Calls every syscall with bad pointers, bad caps and bad values. Each must fail with a negative
// errno (never crash the kernel); the program exits 0 when all of them did.
#include "chcore/chcore.h"

namespace {

int failures = 0;

void expect_error(const char* what, long ret) {
    if (ret >= 0) {
        printf("bad_syscalls: FAIL %s returned %ld\n", what, ret);
        ++failures;
    }
}

const u64 KERNEL_PTR = 0xffffff0000080000UL;
const u64 UNMAPPED_PTR = 0x10000000UL;
const u64 HUGE = 0x8000000000000000UL;

void bad_pointers() {
    expect_error("putstr(kernel ptr)", usys_putstr(reinterpret_cast<const char*>(KERNEL_PTR), 16));
    expect_error("putstr(unmapped)", usys_putstr(reinterpret_cast<const char*>(UNMAPPED_PTR), 16));
    expect_error("putstr(wrapping len)", usys_putstr("x", ~0UL));
    expect_error("spawn(kernel ptr)", __chcore_syscall(CHCORE_SYS_spawn, KERNEL_PTR, 8, 0, 0, 0, 0));
    expect_error("spawn(null)", __chcore_syscall(CHCORE_SYS_spawn, 0, 8, 0, 0, 0, 0));
    expect_error("spawn(no such program)", usys_spawn("no_such_program", NO_AFF));
}

void bad_caps() {
    const long caps[] = {-5, 3, 7, 1023, 1024, 0x100000002L, static_cast<long>(HUGE)};
    for (long cap : caps) {
        expect_error("map_pmo(bad cap)", usys_map_pmo(cap, 0x20000000, CHCORE_VM_READ));
        expect_error("unmap_pmo(bad cap)", usys_unmap_pmo(cap, 0x20000000));
        expect_error("get_exit_status(bad cap)", usys_get_exit_status(cap));
        expect_error("set_affinity(bad cap)", usys_set_affinity(cap == -5 ? -2 : cap, 0));
        expect_error("get_affinity(bad cap)", usys_get_affinity(cap == -5 ? -2 : cap));
    }
    // Right slot, wrong type: slot 0 is our cap_group, slot 1 our vmspace.
    expect_error("map_pmo(cap_group cap)", usys_map_pmo(0, 0x20000000, CHCORE_VM_READ));
    expect_error("get_exit_status(vmspace cap)", usys_get_exit_status(1));
    expect_error("revoke_cap(empty)", usys_revoke_cap(900));
    expect_error("revoke_cap(huge)", usys_revoke_cap(static_cast<long>(HUGE)));
}

void bad_values() {
    expect_error("syscall 9999", __chcore_syscall(9999, 0, 0, 0, 0, 0, 0));
    expect_error("syscall -1", __chcore_syscall(-1, 0, 0, 0, 0, 0, 0));
    expect_error("create_pmo(0)", usys_create_pmo(0, CHCORE_PMO_DATA));
    expect_error("create_pmo(huge)", usys_create_pmo(HUGE, CHCORE_PMO_ANONYM));
    expect_error("create_pmo(bad type)", usys_create_pmo(4096, 77));
    expect_error("create_thread(bad affinity)", usys_create_thread(0x400000, 0x1000, 0, 9));
    expect_error("create_thread(kernel pc)", usys_create_thread(KERNEL_PTR, 0x1000, 0, NO_AFF));
    expect_error("set_affinity(bad cpu)", usys_set_affinity(-1, 4));
    expect_error("poweroff(not root)", usys_poweroff(0));
    const long pmo = usys_create_pmo(0x2000, CHCORE_PMO_ANONYM);
    if (pmo < 0) {
        printf("bad_syscalls: FAIL create_pmo(8 KiB) = %ld\n", pmo);
        ++failures;
        return;
    }
    expect_error("map_pmo(kernel va)", usys_map_pmo(pmo, KERNEL_PTR, CHCORE_VM_READ));
    expect_error("map_pmo(unaligned)", usys_map_pmo(pmo, 0x20000123, CHCORE_VM_READ));
    expect_error("map_pmo(over code)", usys_map_pmo(pmo, 0x400000, CHCORE_VM_READ));
    expect_error("map_pmo(top of user space)", usys_map_pmo(pmo, 0x00007ffffffff000UL, CHCORE_VM_READ));
    expect_error("map_pmo(bad perm)", usys_map_pmo(pmo, 0x20000000, 0x80));
    expect_error("unmap_pmo(not mapped)", usys_unmap_pmo(pmo, 0x20000000));
    // Read-only mapping: the kernel must refuse to write into it on our behalf.
    if (usys_map_pmo(pmo, 0x20000000, CHCORE_VM_READ) != 0) {
        printf("bad_syscalls: FAIL map_pmo(valid)\n");
        ++failures;
    }
    expect_error("spawn(read-only name is fine, missing program)", usys_spawn("nope", NO_AFF));
}

}  // namespace

extern "C" int main() {
    bad_pointers();
    bad_caps();
    bad_values();
    if (failures == 0) printf("bad_syscalls: every bad call was refused\n");
    return failures == 0 ? 0 : 1;
}
