// Lookup in the table that lib/ramdisk.S.in generates: {name, start, end} triples, zero-terminated.
#include "common/util.h"
#include "object/process.h"

namespace {
struct ramdisk_entry {
    const char* name;
    const u8* start;
    const u8* end;
};
}  // namespace

extern "C" const ramdisk_entry ramdisk_table[];

const u8* ramdisk_find(const char* name, u64* size) {
    for (const ramdisk_entry* e = ramdisk_table; e->name; ++e) {
        if (strcmp(e->name, name) == 0) {
            *size = static_cast<u64>(e->end - e->start);
            return e->start;
        }
    }
    return nullptr;
}
