// Cache maintenance. Code written through the kernel's linear map (the ELF loader) must be
// cleaned to the point of unification and the instruction caches of all CPUs invalidated before
// any CPU executes it: real A53s need it, and emulators (chemu) flush translated code on IC ops.
#pragma once
#include "common/types.h"

void clean_dcache_range_pou(const void* start, u64 len);
// IC IALLUIS + barriers: every CPU refetches instructions afterwards.
void invalidate_icache_all();
