// Fixed-width types for the freestanding kernel (no libc headers).
#pragma once

using u8 = unsigned char;
using u16 = unsigned short;
using u32 = unsigned int;
using u64 = unsigned long;
using s8 = signed char;
using s16 = short;
using s32 = int;
using s64 = long;
using size_t = unsigned long;
using ssize_t = long;
using uintptr_t = unsigned long;
using paddr_t = u64;
using vaddr_t = u64;
using cap_t = int;

static_assert(sizeof(u64) == 8 && sizeof(void*) == 8, "LP64 expected");
