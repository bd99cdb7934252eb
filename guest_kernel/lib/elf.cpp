// ELF64 loader for user programs. The image is trusted to come from the ramdisk, but every field
// is still checked: a bad image gives -ENOEXEC, never a kernel fault.
#include "arch/aarch64/cache.h"
#include "common/errno.h"
#include "common/machine.h"
#include "common/util.h"
#include "mm/vmspace.h"
#include "object/process.h"

namespace {

struct Elf64_Ehdr {
    u8 e_ident[16];
    u16 e_type, e_machine;
    u32 e_version;
    u64 e_entry, e_phoff, e_shoff;
    u32 e_flags;
    u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct Elf64_Phdr {
    u32 p_type, p_flags;
    u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

constexpr u32 PT_LOAD = 1;
constexpr u32 PF_X = 1, PF_W = 2, PF_R = 4;
constexpr u16 EM_AARCH64 = 183;

bool header_ok(const Elf64_Ehdr* eh, u64 size) {
    return size >= sizeof(Elf64_Ehdr) && memcmp(eh->e_ident, "\x7f" "ELF", 4) == 0 && eh->e_ident[4] == 2 &&
           eh->e_machine == EM_AARCH64 && eh->e_phentsize == sizeof(Elf64_Phdr) && eh->e_phoff < size &&
           eh->e_phnum <= (size - eh->e_phoff) / sizeof(Elf64_Phdr);
}

u64 vmr_perm(u32 flags) {
    return ((flags & PF_R) ? VMR_READ : 0) | ((flags & PF_W) ? VMR_WRITE : 0) | ((flags & PF_X) ? VMR_EXEC : 0);
}

// Copies the file bytes of one segment into the pmo (already zeroed) at its page offset.
void fill_segment(pmobject* pmo, u64 page_off, const u8* src, u64 len) {
    for (u64 done = 0; done < len;) {
        const u64 off = page_off + done;
        const u64 chunk = PAGE_SIZE - (off & PAGE_MASK) < len - done ? PAGE_SIZE - (off & PAGE_MASK) : len - done;
        char* dst = phys_to_ptr<char>(pmo_get_page(pmo, off, true)) + (off & PAGE_MASK);
        memcpy(dst, src + done, chunk);
        clean_dcache_range_pou(dst, chunk);  // may be code: see load_elf
        done += chunk;
    }
}

int load_segment(vmspace* vms, const u8* elf, u64 size, const Elf64_Phdr* ph) {
    if (ph->p_filesz > ph->p_memsz || ph->p_offset > size || ph->p_filesz > size - ph->p_offset) return -ENOEXEC;
    if (ph->p_vaddr >= USER_SPACE_END || ph->p_memsz > USER_SPACE_END - ph->p_vaddr || ph->p_memsz == 0)
        return -ENOEXEC;
    const vaddr_t start = round_down(ph->p_vaddr, PAGE_SIZE);
    const vaddr_t end = round_up(ph->p_vaddr + ph->p_memsz, PAGE_SIZE);
    auto r = pmo_create(end - start, PMO_DATA);
    if (r.is_error()) return r.error();
    pmobject* pmo = r.value();
    fill_segment(pmo, ph->p_vaddr - start, elf + ph->p_offset, ph->p_filesz);
    int err = vmspace_map_pmo(vms, pmo, start, vmr_perm(ph->p_flags));
    obj_put(pmo);  // the region holds its own reference
    return err;
}

}  // namespace

Result<u64> load_elf(vmspace* vms, const u8* elf, u64 size) {
    const auto* eh = reinterpret_cast<const Elf64_Ehdr*>(elf);
    if (!header_ok(eh, size)) return Error{-ENOEXEC};
    const auto* phs = reinterpret_cast<const Elf64_Phdr*>(elf + eh->e_phoff);
    for (u16 i = 0; i < eh->e_phnum; ++i) {
        if (phs[i].p_type != PT_LOAD) continue;
        if (int err = load_segment(vms, elf, size, &phs[i])) return Error{err};
    }
    return eh->e_entry;  // vmspace_map_pmo invalidated the I-caches for the executable segments
}
