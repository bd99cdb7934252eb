// Processes from ELF images in the ramdisk.
#pragma once
#include "common/result.h"
#include "object/cap_group.h"

// The ramdisk image called name, or nullptr.
const u8* ramdisk_find(const char* name, u64* size);
// Loads the PT_LOAD segments of an ELF into vms. Returns the entry point.
Result<u64> load_elf(struct vmspace* vms, const u8* elf, u64 size);
// A new process running the ramdisk program `name`; its main thread is enqueued. The caller owns
// the returned reference to the cap_group. A non-null `inherited` object is put in the new
// process's slot INHERITED_CAP_OBJ_ID before it starts.
Result<cap_group*> spawn_process(const char* name, thread_type type, s32 affinity, object* inherited = nullptr);
void create_root_thread();
