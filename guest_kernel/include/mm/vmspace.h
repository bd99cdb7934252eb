// vmspace: a user address space (page table + ASID + regions); pmobject: memory to map in it.
#pragma once
#include "common/list.h"
#include "common/result.h"
#include "object/object.h"

using pte_t = u64;

// Region permissions (VMR_*), as in ChCore.
#define VMR_READ (1UL << 0)
#define VMR_WRITE (1UL << 1)
#define VMR_EXEC (1UL << 2)

constexpr u64 USER_SPACE_END = 0x0000800000000000UL;  // TTBR0 covers [0, 2^47) here
constexpr u64 USER_STACK_TOP = 0x0000007ffff00000UL;
constexpr u64 USER_STACK_SIZE = 0x100000UL;
constexpr u64 PMO_MAX_SIZE = 0x10000000UL;  // 256 MiB

enum pmo_type : u32 { PMO_DATA = 0, PMO_ANONYM = 1 };

struct pmobject : object {
    Spinlock lock;
    u64 size = 0;
    pmo_type pmo_type = PMO_DATA;
    paddr_t* pages = nullptr;  // size / PAGE_SIZE physical pages; 0 = not yet allocated (ANONYM)
};

struct vmregion {
    ListNode node;
    vaddr_t start;
    u64 size;
    u64 perm;
    pmobject* pmo;
};

struct vmspace : object {
    Spinlock lock;
    IntrusiveList<vmregion, &vmregion::node> vmr_list;
    pte_t* pgtbl = nullptr;  // kernel VA of the L0 table
    u32 asid = 0;
};

Result<pmobject*> pmo_create(u64 size, pmo_type type);
// The physical page at byte offset off of pmo; allocates (zeroed) if alloc and missing, 0 if none.
paddr_t pmo_get_page(pmobject* pmo, u64 off, bool alloc);
void pmo_deinit(object* obj);

Result<vmspace*> create_vmspace();
int vmspace_map_pmo(vmspace* vms, pmobject* pmo, vaddr_t va, u64 perm);
int vmspace_unmap_pmo(vmspace* vms, pmobject* pmo, vaddr_t va);
// Resolves a user fault at va (lazily allocated memory). 0 if the access may now be retried.
int vmspace_handle_fault(vmspace* vms, vaddr_t va, bool write, bool exec);
void vmspace_deinit(object* obj);
// Points TTBR0 of this CPU at vms (or at an empty table when vms is null).
void switch_vmspace_to(vmspace* vms);

// Copies between kernel buffers and the current thread's address space. User addresses are
// checked against the regions and page tables in software: a bad pointer yields -EFAULT and
// the kernel itself never takes a fault on user memory.
int copy_from_user(void* dst, vaddr_t usrc, u64 len);
int copy_to_user(vaddr_t udst, const void* src, u64 len);
